// The AWS auth method's ec2 login end to end: dist/vault-plugin-auth-aws in a real OpenBao, a real
// moto (SigV4 on) with real instances (RunInstances), and identity documents signed the three ways
// AWS signs them — PKCS#7 DSA/SHA-1, PKCS#7 RSA-2048/SHA-256, RSA SHA-256 `signature` — by test-only
// certificates registered with config/certificate. Then the nonce rules of the identity access
// list, role tags and the role-tag deny list, and tidy of both lists.
import { CreateTagsCommand, EC2Client, RunInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ec2IdentityDocument, ec2IdentitySigner, type Ec2IdentitySigner } from "../helpers/ec2-identity.js";
import { MOTO_START_TIMEOUT_MS, startMoto, type MotoServer } from "../helpers/moto.js";
import { cliOk, type DevServer, type HttpResult, parseCliJson, registerAndMount, requireDistFile, sleep, started, startServer, waitFor } from "./lib.js";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";

interface Instance {
  instanceId: string;
  imageId: string;
  document: string;
}

interface LoginAuth {
  client_token: string;
  token_policies: string[];
  metadata: Record<string, string>;
  lease_duration: number;
}

let moto: MotoServer | undefined;
let server: DevServer | undefined;
let ec2: EC2Client | undefined;
let signer: Ec2IdentitySigner | undefined;
let web: Instance | undefined;
let tagged: Instance | undefined;
let stopped: Instance | undefined;

const srv = started<DevServer>(() => server, "OpenBao");
const sign = started<Ec2IdentitySigner>(() => signer, "signer");
const instance = (i: Instance | undefined): Instance => {
  if (!i) throw new Error("instance not started (see beforeAll)");
  return i;
};
const cli = (...args: string[]): Promise<string> => cliOk(srv(), args);

async function runInstance(): Promise<Instance> {
  const out = await ec2?.send(new RunInstancesCommand({ ImageId: "ami-12c6146b", MinCount: 1, MaxCount: 1, InstanceType: "t2.micro" }));
  const i = out?.Instances?.[0];
  if (!i?.InstanceId || !i.ImageId) throw new Error("RunInstances returned no instance");
  const pendingTime = (i.LaunchTime ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
  return { instanceId: i.InstanceId, imageId: i.ImageId, document: ec2IdentityDocument({ instanceId: i.InstanceId, imageId: i.ImageId, region: REGION, accountId: ACCOUNT, pendingTime }) };
}

type Flavour = "dsa" | "rsa2048" | "identity";

function loginBody(i: Instance, flavour: Flavour, role: string, nonce?: string): Record<string, string> {
  const body: Record<string, string> = { role };
  if (nonce !== undefined) body["nonce"] = nonce;
  if (flavour === "dsa") body["pkcs7"] = sign().pkcs7Dsa(i.document);
  else if (flavour === "rsa2048") body["pkcs7"] = sign().pkcs7Rsa2048(i.document);
  else Object.assign(body, { identity: sign().identity(i.document), signature: sign().signature(i.document) });
  return body;
}

function login(mount: string, body: Record<string, string>): Promise<HttpResult> {
  return srv().http("PUT", `/v1/auth/${mount}/login`, body);
}

async function loginOk(mount: string, body: Record<string, string>): Promise<LoginAuth> {
  const res = await login(mount, body);
  expect(res.status, res.text).toBe(200);
  return (res.json as unknown as { auth: LoginAuth }).auth;
}

async function expectRefused(res: Promise<HttpResult>, status: number, message: RegExp): Promise<void> {
  const r = await res;
  expect(r.status, r.text).toBe(status);
  expect((r.json?.errors ?? []).join("\n"), r.text).toMatch(message);
}

async function configureMount(mount: string): Promise<void> {
  const m = moto;
  if (!m) throw new Error("moto did not start");
  await cli("write", `auth/${mount}/config/client`, `access_key=${m.rootCredentials.accessKeyId}`, `secret_key=${m.rootCredentials.secretAccessKey}`,
    `endpoint=${m.endpoint}`, `iam_endpoint=${m.endpoint}`, `sts_endpoint=${m.endpoint}`, `sts_region=${REGION}`);
  const b64 = (pem: string): string => Buffer.from(pem).toString("base64");
  await cli("write", `auth/${mount}/config/certificate/test-dsa`, `aws_public_cert=${b64(sign().certificates.dsa)}`, "type=pkcs7");
  await cli("write", `auth/${mount}/config/certificate/test-rsa2048`, `aws_public_cert=${b64(sign().certificates.rsa2048)}`, "type=pkcs7");
  await cli("write", `auth/${mount}/config/certificate/test-identity`, `aws_public_cert=${b64(sign().certificates.rsaIdentity)}`, "type=identity");
}

describe("AWS auth method, ec2 login, through OpenBao and moto (SigV4 on)", () => {
  beforeAll(async () => {
    moto = await startMoto({ sigv4: true });
    ec2 = new EC2Client({ endpoint: moto.endpoint, region: REGION, credentials: moto.rootCredentials });
    signer = await ec2IdentitySigner();
    web = await runInstance();
    tagged = await runInstance();
    stopped = await runInstance();
    await ec2.send(new StopInstancesCommand({ InstanceIds: [stopped.instanceId] }));

    server = await startServer({ startTimeoutMs: 60_000 });
    await registerAndMount(server, { file: requireDistFile("vault-plugin-auth-aws"), type: "auth", name: "aws", mountPath: "aws" });
    await configureMount("aws");
    await cli("write", "auth/aws/role/web", "auth_type=ec2", `bound_ami_id=${web.imageId}`, `bound_account_id=${ACCOUNT}`,
      `bound_region=${REGION}`, "token_policies=web", "token_ttl=1h", "token_max_ttl=2h");
    await cli("write", "auth/aws/role/once", "auth_type=ec2", `bound_ami_id=${web.imageId}`, "disallow_reauthentication=true", "token_policies=web");
    await cli("write", "auth/aws/role/other-ami", "auth_type=ec2", "bound_ami_id=ami-00000000000000000", "token_policies=web");
  }, MOTO_START_TIMEOUT_MS);

  afterAll(async () => {
    await server?.stop();
    ec2?.destroy();
    await moto?.stop();
  }, 60_000);

  describe("identity documents signed the three ways AWS signs them", () => {
    it("PKCS#7 DSA/SHA-1: the first login returns a nonce, the token carries the role's policies and ec2 metadata", async () => {
      const i = instance(web);
      const auth = await loginOk("aws", loginBody(i, "dsa", "web"));
      expect(auth.token_policies).toEqual(["default", "web"]);
      expect(auth.lease_duration).toBe(3600);
      expect(auth.metadata).toMatchObject({ role: "web", account_id: ACCOUNT, auth_type: "ec2", role_tag_max_ttl: "0s" });
      expect(auth.metadata["nonce"]).toMatch(/^[0-9a-f-]{36}$/);
      const nonce = auth.metadata["nonce"] ?? "";

      // The same nonce logs in again, with RSA-2048 PKCS#7 and with identity + signature.
      const again = await loginOk("aws", loginBody(i, "rsa2048", "web", nonce));
      expect(again.metadata).not.toHaveProperty("nonce");
      await loginOk("aws", loginBody(i, "identity", "web", nonce));

      const renewed = parseCliJson<{ auth: LoginAuth }>(await srv().cli(["token", "renew", "-format=json", auth.client_token]));
      expect(renewed.auth.lease_duration).toBe(3600);
    });

    it("a document signed by a certificate nobody registered is refused", async () => {
      const stranger = await ec2IdentitySigner("untrusted signer");
      const i = instance(web);
      await expectRefused(login("aws", { role: "web", pkcs7: stranger.pkcs7Dsa(i.document) }), 400,
        /failed to verify the signature: pkcs7: No certificate for signer|failed to verify the instance identity document using pkcs7/);
      await expectRefused(login("aws", { role: "web", identity: stranger.identity(i.document), signature: stranger.signature(i.document) }), 400,
        /instance identity verification using SHA256 RSA signature is unsuccessful|failed to verify the instance identity document using the SHA256 RSA digest/);
    });

    it("binds and instance state are checked against moto", async () => {
      await expectRefused(login("aws", loginBody(instance(web), "dsa", "other-ami")), 400, /AMI ID "ami-12c6146b" does not belong to role "other-ami"/);
      await expectRefused(login("aws", loginBody(instance(stopped), "dsa", "web")), 400, /instance is not in 'running' state/);
    });
  });

  describe("the identity access list and its nonce", () => {
    it("a wrong or missing nonce is refused; deleting the entry lets the instance log in afresh", async () => {
      const i = instance(web);
      await expectRefused(login("aws", loginBody(i, "dsa", "web", "not-the-nonce")), 400, /client nonce mismatch/);
      await expectRefused(login("aws", loginBody(i, "dsa", "web")), 400, /client nonce mismatch/);

      const entry = parseCliJson(await srv().cli(["read", "-format=json", `auth/aws/identity-accesslist/${i.instanceId}`])).data;
      expect(entry).toMatchObject({ role: "web", disallow_reauthentication: false });
      expect(Object.keys(entry ?? {}).sort()).toEqual(["client_nonce", "creation_time", "disallow_reauthentication", "expiration_time", "last_updated_time", "pending_time", "role"]);
      const listed = parseCliJson<string[]>(await srv().cli(["list", "-format=json", "auth/aws/identity-accesslist"]));
      expect(listed).toContain(i.instanceId);

      await cli("delete", `auth/aws/identity-accesslist/${i.instanceId}`);
      const fresh = await loginOk("aws", loginBody(i, "dsa", "web"));
      expect(fresh.metadata["nonce"]).toMatch(/\S/);
    });

    it("disallow_reauthentication: one login per instance until its entry is deleted", async () => {
      const i = instance(tagged);
      const first = await loginOk("aws", loginBody(i, "dsa", "once"));
      expect(first.metadata).not.toHaveProperty("nonce");
      await expectRefused(login("aws", loginBody(i, "dsa", "once")), 400, /reauthentication is disabled/);
      await cli("delete", `auth/aws/identity-accesslist/${i.instanceId}`);
    });
  });

  describe("role tags and the deny list", () => {
    it("a role tag on the instance narrows the policies; deny-listing it refuses the login", async () => {
      const i = instance(tagged);
      await cli("write", "auth/aws/role/tagged", "auth_type=ec2", `bound_ami_id=${i.imageId}`, "role_tag=VaultRole", "token_policies=web,admin");
      const tag = parseCliJson(await srv().cli(["write", "-format=json", "auth/aws/role/tagged/tag", "policies=web", "max_ttl=30m"])).data;
      expect(tag?.["tag_key"]).toBe("VaultRole");
      const value = String(tag?.["tag_value"]);
      expect(value).toMatch(/^v1:[^:]+:r=tagged:d=false:m=false:p=web:t=1800:[^:]+$/);

      // Without the tag on the instance the login fails, naming the tag key.
      await expectRefused(login("aws", loginBody(i, "dsa", "tagged")), 400, /missing tag with key "VaultRole" on the instance/);

      await ec2?.send(new CreateTagsCommand({ Resources: [i.instanceId], Tags: [{ Key: "VaultRole", Value: value }] }));
      const auth = await loginOk("aws", loginBody(i, "dsa", "tagged"));
      expect(auth.token_policies).toEqual(["default", "web"]);
      expect(auth.lease_duration).toBe(1800);
      expect(auth.metadata["role_tag_max_ttl"]).toBe("30m0s");

      await cli("write", "-f", `auth/aws/roletag-denylist/${value}`);
      const denied = parseCliJson<string[]>(await srv().cli(["list", "-format=json", "auth/aws/roletag-denylist"]));
      expect(denied).toHaveLength(1);
      await expectRefused(login("aws", loginBody(i, "dsa", "tagged", auth.metadata["nonce"])), 400, /role tag is deny listed/);
    });
  });

  describe("tidy", () => {
    it("tidy removes access-list and deny-list entries past their expiration plus the safety buffer", async () => {
      await cli("auth", "enable", "-path=aws-tidy", "aws");
      await cli("auth", "tune", "-max-lease-ttl=2s", "aws-tidy");
      await configureMount("aws-tidy");
      const i = instance(web);
      await cli("write", "auth/aws-tidy/role/web", "auth_type=ec2", `bound_ami_id=${i.imageId}`, "token_policies=web", "role_tag=VaultRole", "token_max_ttl=1s");
      const tag = String(parseCliJson(await srv().cli(["write", "-format=json", "auth/aws-tidy/role/web/tag", "policies=web"])).data?.["tag_value"]);
      await cli("write", "-f", `auth/aws-tidy/roletag-denylist/${tag}`);
      await ec2?.send(new CreateTagsCommand({ Resources: [i.instanceId], Tags: [{ Key: "VaultRole", Value: await currentTag("aws-tidy") }] }));
      await loginOk("aws-tidy", loginBody(i, "dsa", "web"));
      expect(parseCliJson<string[]>(await srv().cli(["list", "-format=json", "auth/aws-tidy/identity-accesslist"]))).toContain(i.instanceId);

      await sleep(3000);
      const started1 = parseCliJson(await srv().cli(["write", "-format=json", "auth/aws-tidy/tidy/identity-accesslist", "safety_buffer=1"]));
      expect((started1.warnings ?? []).join("\n")).toMatch(/Tidy operation successfully started/);
      await cli("write", "auth/aws-tidy/tidy/roletag-denylist", "safety_buffer=1");
      await waitFor("the access list to be tidied", async () => (await srv().http("LIST", "/v1/auth/aws-tidy/identity-accesslist")).status === 404, { timeoutMs: 20_000 });
      await waitFor("the deny list to be tidied", async () => (await srv().http("LIST", "/v1/auth/aws-tidy/roletag-denylist")).status === 404, { timeoutMs: 20_000 });
    });
  });
});

/** A fresh, not deny-listed tag for the tidy mount's role (the instance carries one tag value). */
async function currentTag(mount: string): Promise<string> {
  return String(parseCliJson(await srv().cli(["write", "-format=json", `auth/${mount}/role/web/tag`, "policies=web"])).data?.["tag_value"]);
}
