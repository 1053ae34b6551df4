// What the clients send to STS and IAM, seen by a loopback server standing in for both (moto
// does not record AssumeRole's ExternalId): the role and external ID of config/sts, Vault's STS
// region, assumed credentials signing the IAM call, and renewal shortly before they expire.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createAwsAuthClients } from "../../../src/engines/aws-auth/clients.js";
import { clientConfigEntry, clientConfigFromStorage, stsEntries } from "../../../src/engines/aws-auth/config-storage.js";
import { InmemStorage } from "../../../src/logical/index.js";
import { silent } from "./config-harness.js";

interface Seen {
  action: string;
  params: URLSearchParams;
  authorization: string;
}

let server: Server;
let endpoint: string;
const seen: Seen[] = [];
let expiresInMs = 3600_000;
let assumed = 0;

function xml(action: string): string {
  if (action === "AssumeRole") {
    assumed += 1;
    const expiration = new Date(Date.now() + expiresInMs).toISOString();
    return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAASSUMED${assumed}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/vault/s</Arn><AssumedRoleId>AROA1:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`;
  }
  return `<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role><Path>/</Path><RoleName>app</RoleName><RoleId>AROAOTHER</RoleId><Arn>arn:aws:iam::111122223333:role/app</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>{}</AssumeRolePolicyDocument></Role></GetRoleResult><ResponseMetadata><RequestId>2</RequestId></ResponseMetadata></GetRoleResponse>`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const params = new URLSearchParams(body);
      const action = params.get("Action") ?? "";
      seen.push({ action, params, authorization: String(req.headers.authorization ?? "") });
      res.writeHead(200, { "content-type": "text/xml" }).end(xml(action));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

beforeEach(() => {
  seen.length = 0;
  expiresInMs = 3600_000;
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
});
afterEach(() => vi.unstubAllEnvs());

async function storage(): Promise<InmemStorage> {
  const s = new InmemStorage();
  await clientConfigEntry.put(
    s,
    clientConfigFromStorage({ access_key: "AKIAVAULT", secret_key: "vault-secret", iam_endpoint: endpoint, sts_endpoint: endpoint, sts_region: "eu-central-1", max_retries: 0 }),
  );
  await stsEntries.put(s, "111122223333", { sts_role: "arn:aws:iam::111122223333:role/vault", external_id: "ext-42" });
  return s;
}

describe("AssumeRole for config/sts accounts", () => {
  it("assumes the configured role with its external ID, signed for sts_region, and signs IAM with the result", async () => {
    const clients = createAwsAuthClients({ storage: await storage(), logger: silent });
    const role = await (await clients.iam("us-east-1", "111122223333")).getRole("app");
    expect(role).toEqual({ arn: "arn:aws:iam::111122223333:role/app", uniqueId: "AROAOTHER", tags: {} });
    const [assume, getRole] = seen;
    expect(assume?.action).toBe("AssumeRole");
    expect(assume?.params.get("RoleArn")).toBe("arn:aws:iam::111122223333:role/vault");
    expect(assume?.params.get("ExternalId")).toBe("ext-42");
    expect(assume?.params.get("DurationSeconds")).toBe("900");
    expect(assume?.authorization).toContain("Credential=AKIAVAULT/");
    expect(assume?.authorization).toContain("/eu-central-1/sts/aws4_request");
    expect(getRole?.action).toBe("GetRole");
    expect(getRole?.authorization).toContain(`Credential=ASIAASSUMED${assumed}/`);
    expect(getRole?.authorization).toContain("/us-east-1/iam/aws4_request");
  });

  it("keeps assumed credentials until shortly before they expire", async () => {
    const clients = createAwsAuthClients({ storage: await storage(), logger: silent });
    const iam = await clients.iam("us-east-1", "111122223333");
    await iam.getRole("app");
    await iam.getRole("app");
    expect(seen.map((s) => s.action)).toEqual(["AssumeRole", "GetRole", "GetRole"]);

    // A session shorter than the refresh margin is renewed after half its lifetime.
    seen.length = 0;
    expiresInMs = 1_000;
    const short = createAwsAuthClients({ storage: await storage(), logger: silent });
    const iam2 = await short.iam("us-east-1", "111122223333");
    await iam2.getRole("app");
    expect(seen.map((s) => s.action)).toEqual(["AssumeRole", "GetRole"]);
    await new Promise((r) => setTimeout(r, 600));
    await iam2.getRole("app");
    expect(seen.map((s) => s.action)).toEqual(["AssumeRole", "GetRole", "AssumeRole", "GetRole"]);
  });

  it("shares one build between concurrent first callers; reset() starts over", async () => {
    const clients = createAwsAuthClients({ storage: await storage(), logger: silent });
    const [a, b] = await Promise.all([clients.iam("us-east-1", "111122223333"), clients.iam("us-east-1", "111122223333")]);
    expect(a).toBe(b);
    expect(seen.map((s) => s.action)).toEqual(["AssumeRole"]);
    clients.reset();
    await clients.iam("us-east-1", "111122223333");
    expect(seen.map((s) => s.action)).toEqual(["AssumeRole", "AssumeRole"]);
    // A different region is a different client.
    await clients.iam("us-west-2", "111122223333");
    expect(seen.map((s) => s.action)).toEqual(["AssumeRole", "AssumeRole", "AssumeRole"]);
  });

  it("leaves ExternalId out when config/sts has none", async () => {
    const s = await storage();
    await stsEntries.put(s, "111122223333", { sts_role: "arn:aws:iam::111122223333:role/vault" });
    const clients = createAwsAuthClients({ storage: s, logger: silent });
    await (await clients.iam("us-east-1", "111122223333")).getRole("app");
    expect(seen[0]?.params.has("ExternalId")).toBe(false);
  });
});
