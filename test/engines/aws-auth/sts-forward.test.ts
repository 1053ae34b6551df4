// Forwarding to STS against a loopback stand-in: the behaviours moto cannot show (redirects, wrong
// content types, garbage bodies, retries, hangs, cancellation) and the endpoint choice.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCallerIdentityResponse } from "../../../src/engines/aws-auth/caller-identity-xml.js";
import { decodeIamRequest, type IamLoginRequest } from "../../../src/engines/aws-auth/iam-request.js";
import { chooseStsEndpoint, stsRegionalEndpoint } from "../../../src/engines/aws-auth/sts-endpoint.js";
import { submitCallerIdentityRequest, type ForwardLimits } from "../../../src/engines/aws-auth/sts-forward.js";

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
const IDENTITY_XML = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/alice</Arn>
    <UserId>AIDAEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;

interface Seen {
  method: string;
  url: string;
  host: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

type Reply = (res: http.ServerResponse, seen: Seen) => void;
let reply: Reply = () => undefined;
const seen: Seen[] = [];
let server: http.Server;
let endpoint: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s = { method: req.method ?? "", url: req.url ?? "", host: req.headers.host ?? "", body: Buffer.concat(chunks).toString(), headers: req.headers };
      seen.push(s);
      reply(res, s);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const xml = (status: number, body: string, type = "text/xml"): Reply => (res) => {
  res.writeHead(status, { "Content-Type": type });
  res.end(body);
};

const FAST: ForwardLimits = { connectMs: 1000, attemptMs: 1000, budgetMs: 5000, retryWaitMinMs: 10, retryWaitMaxMs: 40 };

function request(url = "https://sts.amazonaws.com/", method: "GET" | "POST" = "POST"): IamLoginRequest {
  const r = decodeIamRequest(
    {
      method,
      urlBase64: b64(url),
      bodyBase64: method === "POST" ? b64("Action=GetCallerIdentity&Version=2011-06-15") : "",
      headers: { Authorization: ["AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0123456789abcdef0123456789abcdef"], "X-Amz-Date": ["x"], Host: ["evil.example"], "Content-Length": ["999"] },
    },
    undefined,
  );
  if ("error" in r) throw new Error(r.error);
  return r.ok;
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected a failure");
}

describe("submitCallerIdentityRequest", () => {
  it("sends the client's path, body and Host to the configured endpoint only", async () => {
    seen.length = 0;
    reply = xml(200, IDENTITY_XML);
    // A forged URL host is only ever the Host header: the connection goes to Vault's endpoint.
    const id = await submitCallerIdentityRequest(request("https://attacker.example/"), endpoint, 0, undefined, FAST);
    expect(id).toEqual({ arn: "arn:aws:iam::123456789012:user/alice", userId: "AIDAEXAMPLE", account: "123456789012" });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "POST", url: "/", host: "attacker.example", body: "Action=GetCallerIdentity&Version=2011-06-15" });
    expect(seen[0]?.headers["content-length"]).toBe("43");
  });

  it("forwards a GET's query as signed", async () => {
    seen.length = 0;
    reply = xml(200, IDENTITY_XML);
    await submitCallerIdentityRequest(request("https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15", "GET"), `${endpoint}/`, 0, undefined, FAST);
    expect(seen[0]).toMatchObject({ method: "GET", url: "/?Action=GetCallerIdentity&Version=2011-06-15", body: "" });
  });

  it("does not follow a redirect", async () => {
    seen.length = 0;
    reply = (res) => {
      res.writeHead(302, { Location: `${endpoint}/elsewhere`, "Content-Type": "text/html" });
      res.end();
    };
    expect(await failure(submitCallerIdentityRequest(request(), endpoint, 2, undefined, FAST))).toBe(
      'body of GetCallerIdentity is invalid (STS answered HTTP 302 with Content-Type "text/html", expected "text/xml")',
    );
    expect(seen.map((s) => s.url)).toEqual(["/"]);
    reply = xml(307, IDENTITY_XML);
    expect(await failure(submitCallerIdentityRequest(request(), endpoint, 2, undefined, FAST))).toMatch(/^received error code 307 from STS: /);
  });

  it("refuses a wrong content type, a non-200 status and a body that is not a GetCallerIdentityResponse", async () => {
    reply = xml(200, IDENTITY_XML, "application/xml");
    expect(await failure(submitCallerIdentityRequest(request(), endpoint, 0, undefined, FAST))).toMatch(/^body of GetCallerIdentity is invalid \(STS answered HTTP 200 with Content-Type "application\/xml"/);
    reply = xml(200, IDENTITY_XML, "text/xml; charset=utf-8");
    expect(await failure(submitCallerIdentityRequest(request(), endpoint, 0, undefined, FAST))).toMatch(/^body of GetCallerIdentity is invalid/);
    reply = xml(403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>");
    expect(await failure(submitCallerIdentityRequest(request(), endpoint, 0, undefined, FAST))).toBe(
      "received error code 403 from STS: <ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>",
    );
    // An echo of the client's signature is not repeated in the error text.
    reply = xml(400, "bad signature 0123456789abcdef0123456789abcdef");
    expect(await failure(submitCallerIdentityRequest(request(), endpoint, 0, undefined, FAST))).toBe("received error code 400 from STS: bad signature <redacted>");
    for (const body of ["<ListUsersResponse><Arn>x</Arn></ListUsersResponse>", "<?xml version='1.0'?><Other/>", "garbage", "<GetCallerIdentityResponse><GetCallerIdentityResult>"]) {
      reply = xml(200, body);
      expect(await failure(submitCallerIdentityRequest(request(), endpoint, 0, undefined, FAST))).toBe("error parsing STS response");
    }
    reply = xml(200, `<GetCallerIdentityResponse>${"x".repeat(70_000)}</GetCallerIdentityResponse>`);
    expect(await failure(submitCallerIdentityRequest(request(), endpoint, 0, undefined, FAST))).toMatch(/larger than 65536 bytes/);
  });

  it("retries 5xx and 429 up to max_retries, then gives up", async () => {
    seen.length = 0;
    let n = 0;
    reply = (res, s) => (++n < 3 ? xml(503, "busy")(res, s) : xml(200, IDENTITY_XML)(res, s));
    await submitCallerIdentityRequest(request(), endpoint, 3, undefined, FAST);
    expect(seen).toHaveLength(3);
    seen.length = 0;
    reply = xml(500, "down");
    expect(await failure(submitCallerIdentityRequest(request(), endpoint, 1, undefined, FAST))).toMatch(/giving up after 2 attempt\(s\)/);
    expect(seen).toHaveLength(2);
    seen.length = 0;
    reply = xml(501, "not implemented");
    expect(await failure(submitCallerIdentityRequest(request(), endpoint, 3, undefined, FAST))).toMatch(/^received error code 501/);
    expect(seen).toHaveLength(1);
  });

  it("ends a hung attempt and honours request.signal", async () => {
    reply = () => undefined;
    const started = Date.now();
    expect(await failure(submitCallerIdentityRequest(request(), endpoint, 0, undefined, { ...FAST, attemptMs: 200 }))).toMatch(/giving up after 1 attempt/);
    expect(Date.now() - started).toBeLessThan(2000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect(await failure(submitCallerIdentityRequest(request(), endpoint, 3, controller.signal, FAST))).toBe("error making request: context canceled");
  });

  it("fails fast on a closed port", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await failure(submitCallerIdentityRequest(request(), `http://127.0.0.1:${port}`, 0, undefined, FAST))).toMatch(/giving up after 1 attempt\(s\): ECONNREFUSED/);
  });
});

describe("parseCallerIdentityResponse", () => {
  it("reads entities, CDATA, namespace prefixes (as Go matches local names) and a declaration; refuses DOCTYPE and duplicates", () => {
    expect(parseCallerIdentityResponse(`<?xml version="1.0"?><!-- c --><s:GetCallerIdentityResponse><GetCallerIdentityResult><Arn>a&amp;b</Arn><UserId><![CDATA[U<1]]></UserId><Account>&#49;</Account></GetCallerIdentityResult></s:GetCallerIdentityResponse>`)).toEqual({ arn: "a&b", userId: "U<1", account: "1" });
    expect(parseCallerIdentityResponse(`<?xml version="1.0"?><!-- c --><GetCallerIdentityResponse a="x>y"><GetCallerIdentityResult><Arn>a&amp;b</Arn><UserId><![CDATA[U<1]]></UserId><Account>&#49;</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`)).toEqual({ arn: "a&b", userId: "U<1", account: "1" });
    expect(parseCallerIdentityResponse(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><GetCallerIdentityResponse><GetCallerIdentityResult><Arn>&e;</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>`)).toBeUndefined();
    expect(parseCallerIdentityResponse(`<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>a</Arn><Arn>b</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>`)).toBeUndefined();
    expect(parseCallerIdentityResponse(`<GetCallerIdentityResponse>${"<a>".repeat(100)}`)).toBeUndefined();
  });
});

describe("chooseStsEndpoint", () => {
  const r = (region: string): Pick<IamLoginRequest, "headers" | "query"> => ({
    headers: { Authorization: [`AWS4-HMAC-SHA256 Credential=AKID/20260101/${region}/sts/aws4_request, SignedHeaders=host, Signature=x`] },
    query: { values: new Map() },
  });
  const none = { stsEndpoint: "", stsRegion: "", useStsRegionFromClient: false };
  it("keeps upstream's choices", () => {
    expect(chooseStsEndpoint(undefined, r("us-east-1"))).toEqual({ endpoint: "https://sts.amazonaws.com" });
    expect(chooseStsEndpoint({ ...none, stsEndpoint: "https://sts.example" }, r("eu-west-1"))).toEqual({ endpoint: "https://sts.example" });
    expect(chooseStsEndpoint({ ...none, stsRegion: "eu-west-1" }, r("eu-west-1"))).toEqual({ endpoint: "https://sts.amazonaws.com" });
    expect(chooseStsEndpoint({ ...none, useStsRegionFromClient: true, stsEndpoint: "https://x" }, r("eu-west-1"))).toEqual({ endpoint: "https://sts.eu-west-1.amazonaws.com", region: "eu-west-1" });
    expect(chooseStsEndpoint({ ...none, useStsRegionFromClient: true }, { headers: {}, query: { values: new Map() } })).toEqual({ error: "region missing from Authorization header" });
    expect(chooseStsEndpoint({ ...none, useStsRegionFromClient: true }, r("evil.example#"))).toEqual({ error: "unable to get regional STS endpoint for region: evil.example#" });
  });
  it("beyond upstream: a non-us-east-1 signature goes to its region when nothing is configured", () => {
    expect(chooseStsEndpoint(undefined, r("eu-central-1"))).toEqual({ endpoint: "https://sts.eu-central-1.amazonaws.com", region: "eu-central-1" });
    expect(chooseStsEndpoint(none, r("cn-north-1"))).toEqual({ endpoint: "https://sts.cn-north-1.amazonaws.com.cn", region: "cn-north-1" });
    expect(chooseStsEndpoint(none, r("attacker.example"))).toEqual({ endpoint: "https://sts.amazonaws.com" });
    expect(stsRegionalEndpoint("us-gov-west-1")).toBe("https://sts.us-gov-west-1.amazonaws.com");
  });
});
