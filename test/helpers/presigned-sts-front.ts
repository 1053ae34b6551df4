// A loopback STS endpoint in front of moto that also understands presigned GETs of
// GetCallerIdentity. moto's server only authenticates SigV4 in the Authorization header: a presigned
// GET (signature in the query string) gets an HTTP 500 with SigV4 checking on, and is routed to S3
// with it off. So this front checks a presigned GET itself — the signature the AWS SDK computes for
// the same request, time and key must equal the one presented, the key must be one the test
// registered — and then asks moto the same question as a header-signed POST with that key, whose
// signature moto checks. Every other request (the header-signed POSTs) is passed to moto verbatim,
// Host header included, so moto checks those signatures itself.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type AwsCredentials, expectedPresignSignature, signedPostLogin } from "./sts-login.js";

export interface PresignedStsFront {
  /** http://127.0.0.1:<port>, to use as config/client sts_endpoint. */
  endpoint: string;
  /** Make a key known to the front (moto already knows it). */
  register(creds: AwsCredentials): void;
  /** How many presigned GETs were checked and forwarded. */
  presignedForwarded(): number;
  stop(): Promise<void>;
}

function xmlError(res: http.ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { "content-type": "text/xml" });
  res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error></ErrorResponse>`);
}

function forward(target: URL, method: string, path: string, headers: http.IncomingHttpHeaders | Record<string, string>, body: Buffer, res: http.ServerResponse): void {
  const out = http.request(
    { host: target.hostname, port: target.port, method, path, headers: { ...headers, "content-length": String(body.length) } },
    (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (c: Buffer) => chunks.push(c));
      answer.on("end", () => {
        const ct = answer.headers["content-type"];
        res.writeHead(answer.statusCode ?? 502, ct !== undefined ? { "content-type": ct } : {});
        res.end(Buffer.concat(chunks));
      });
    },
  );
  out.on("error", (err) => xmlError(res, 502, "FrontError", err.message));
  out.end(body);
}

export async function startPresignedStsFront(motoEndpoint: string): Promise<PresignedStsFront> {
  const target = new URL(motoEndpoint);
  const keys = new Map<string, AwsCredentials>();
  let presigned = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://front");
      const credential = url.searchParams.get("X-Amz-Credential");
      if (req.method !== "GET" || credential === null) {
        forward(target, req.method ?? "POST", req.url ?? "/", req.headers, body, res);
        return;
      }
      void (async () => {
        const creds = keys.get(credential.split("/")[0] ?? "");
        if (!creds) return xmlError(res, 403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        if (creds.sessionToken !== undefined && url.searchParams.get("X-Amz-Security-Token") !== creds.sessionToken) {
          return xmlError(res, 403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        if (url.searchParams.get("Action") !== "GetCallerIdentity") return xmlError(res, 400, "InvalidAction", "only GetCallerIdentity is served here");
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k.toLowerCase()] = v;
        const want = await expectedPresignSignature(creds, url, headers);
        if (want === "" || want !== url.searchParams.get("X-Amz-Signature")) {
          return xmlError(res, 403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
        }
        presigned++;
        const post = await signedPostLogin(creds, { host: headers["host"] ?? "sts.amazonaws.com" });
        const postHeaders = Object.fromEntries(
          Object.entries(JSON.parse(Buffer.from(post.iam_request_headers, "base64").toString("utf8")) as Record<string, string[]>).map(([k, v]) => [k, v[0] ?? ""]),
        );
        forward(target, "POST", "/", postHeaders, Buffer.from(post.iam_request_body, "base64"), res);
      })().catch((err: unknown) => xmlError(res, 500, "FrontError", err instanceof Error ? err.message : String(err)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    register: (creds) => void keys.set(creds.accessKeyId, creds),
    presignedForwarded: () => presigned,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
