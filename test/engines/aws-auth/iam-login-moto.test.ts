// iam login in process against a real moto with SigV4 checking on: requests signed by the AWS
// SDK's signer for an IAM user and for an assumed role, forwarded by the backend to moto's STS
// (which recomputes the signature over what it receives, so the forwarded Host, path and body
// must be the client's), with roles written through role/<name> and AWS reached through the
// mount's real clients.
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { EC2Client, RunInstancesCommand, StopInstancesCommand } from "@aws-sdk/client-ec2";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { defineBackend } from "../../../src/framework/index.js";
import { InmemStorage, StaticSystemView, newRequest, type Auth, type Logger, type Operation, type Request, type Response } from "../../../src/logical/index.js";
import { awsAuthBackendSpec } from "../../../src/engines/aws-auth/backend.js";
import { createAwsAuthClients } from "../../../src/engines/aws-auth/clients.js";
import type { AwsAuthContext } from "../../../src/engines/aws-auth/context.js";
import { MOTO_START_TIMEOUT_MS, startMoto, type AwsKeyPair, type MotoServer } from "../../helpers/moto.js";
import { signedLoginFields, type SignOptions } from "./sign-sts.js";
import { isolateFromHostAwsConfig } from "../../helpers/aws-env.js";
import { putMotoClientConfig } from "./moto-client-config.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };
const ACCOUNT = "123456789012";
const TRUST = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] });

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto({ sigv4: true });
}, MOTO_START_TIMEOUT_MS);
afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  isolateFromHostAwsConfig();
});
afterEach(() => vi.unstubAllEnvs());

const admin = (): IAMClient => new IAMClient({ region: "us-east-1", endpoint: moto.endpoint, credentials: moto.rootCredentials });

async function createUser(name: string, tags: Record<string, string> = {}): Promise<AwsKeyPair & { arn: string; id: string }> {
  const iam = admin();
  const { User: u } = await iam.send(new CreateUserCommand({ UserName: name, Path: "/team/", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }));
  const { AccessKey: k } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
  iam.destroy();
  return { accessKeyId: k?.AccessKeyId ?? "", secretAccessKey: k?.SecretAccessKey ?? "", arn: u?.Arn ?? "", id: u?.UserId ?? "" };
}

async function assumedRole(name: string, session: string): Promise<AwsKeyPair & { sessionToken: string; roleArn: string; roleId: string }> {
  const iam = admin();
  const { Role: r } = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST, Tags: [{ Key: "team", Value: "blue" }] }));
  iam.destroy();
  const sts = new STSClient({ region: "us-east-1", endpoint: moto.endpoint, credentials: moto.rootCredentials });
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: r?.Arn ?? "", RoleSessionName: session }));
  sts.destroy();
  return { accessKeyId: c?.AccessKeyId ?? "", secretAccessKey: c?.SecretAccessKey ?? "", sessionToken: c?.SessionToken ?? "", roleArn: r?.Arn ?? "", roleId: r?.RoleId ?? "" };
}

interface Mount {
  storage: InmemStorage;
  ctx: AwsAuthContext;
  call(operation: Operation, path: string, data?: Record<string, unknown>, extra?: Partial<Request>): Promise<Response | undefined>;
}

async function mount(config: Record<string, unknown> = {}): Promise<Mount> {
  const storage = new InmemStorage();
  await putMotoClientConfig(storage, moto, config);
  const system = new StaticSystemView();
  const ctx: AwsAuthContext = { system, logger: silent, clients: createAwsAuthClients({ storage, logger: silent }), storage, now: () => new Date() };
  const backend = defineBackend(awsAuthBackendSpec(ctx), { storage, system, logger: silent, backendUuid: "u", config: {} });
  return {
    storage,
    ctx,
    call: (operation, path, data, extra = {}) => backend.handleRequest(newRequest({ operation, path, storage, mountType: "aws", ...(data === undefined ? {} : { data }), ...extra })),
  };
}

const sign = (keys: AwsKeyPair & { sessionToken?: string }, over: Partial<SignOptions> = {}) =>
  signedLoginFields({ ...keys, url: `${moto.endpoint}/`, ...over }) as unknown as Promise<Record<string, unknown>>;

function errorOf(r: Response | undefined): unknown {
  return r?.data?.["error"];
}

async function roleWrite(m: Mount, name: string, data: Record<string, unknown>): Promise<void> {
  // Vault turns a write to a missing role into "create", where resolve_aws_unique_ids defaults to true.
  const exists = (await m.call("read", `role/${name}`)) !== undefined;
  const r = await m.call(exists ? "update" : "create", `role/${name}`, { auth_type: "iam", token_policies: "dev", ...data });
  expect(errorOf(r)).toBeUndefined();
}

/**
 * moto identifies a caller only by an Authorization header, never by a presigned URL's
 * X-Amz-Credential, so a presigned GET is answered here by a loopback STS that checks what
 * arrived and names the caller whose key signed it; IAM (binds, unique IDs) stays moto.
 */
async function presignStandIn(callers: Map<string, { arn: string; id: string }>): Promise<{ endpoint: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    if (req.method !== "GET") {
      // Vault's own STS calls (its default account) still go to moto.
      const upstream = http.request(`${moto.endpoint}${req.url ?? "/"}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
      return;
    }
    const url = new URL(req.url ?? "/", "http://stand-in");
    seen.push(`${req.method ?? ""} ${req.headers.host ?? ""} ${url.searchParams.get("Action") ?? ""} ${url.searchParams.get("X-Amz-SignedHeaders") ?? ""}`);
    const key = (url.searchParams.get("X-Amz-Credential") ?? "").split("/")[0] ?? "";
    const caller = callers.get(key);
    const ok = req.method === "GET" && caller !== undefined && (url.searchParams.get("X-Amz-Signature") ?? "") !== "";
    res.writeHead(ok ? 200 : 403, { "Content-Type": "text/xml" });
    res.end(
      ok
        ? `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>${caller.arn}</Arn><UserId>${caller.id}</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`
        : "<ErrorResponse><Error><Code>InvalidClientTokenId</Code></Error></ErrorResponse>",
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("iam login against moto", () => {
  it("logs an IAM user in with a presigned GET (AWS SDK v2 presigner shape), server-ID header signed in the query", async () => {
    const alice = await createUser("alice");
    const sts = await presignStandIn(new Map([[alice.accessKeyId, alice]]));
    try {
      const m = await mount({ sts_endpoint: sts.endpoint, iam_server_id_header_value: "vault.example.com" });
      await roleWrite(m, "dev", { bound_iam_principal_arn: alice.arn });
      const get = await sign(alice, { method: "GET", url: "https://sts.amazonaws.com/", headers: { "X-Vault-AWS-IAM-Server-ID": "vault.example.com" } });
      expect(get["iam_request_body"]).toBe("");
      const r = await m.call("update", "login", { role: "dev", ...get });
      expect(errorOf(r)).toBeUndefined();
      expect(r?.auth?.displayName).toBe("alice");
      expect(r?.auth?.internalData["client_user_id"]).toBe(alice.id);
      expect(sts.seen).toEqual(["GET sts.amazonaws.com GetCallerIdentity host;x-vault-aws-iam-server-id"]);
      // Without the body field at all (hvac and the SDK presigner send none).
      const noBody = Object.fromEntries(Object.entries(get).filter(([k]) => k !== "iam_request_body"));
      expect(errorOf(await m.call("update", "login", { role: "dev", ...noBody }))).toBeUndefined();
    } finally {
      await sts.close();
    }
  });

  it("logs an IAM user in with a signed POST", async () => {
    const alice = await createUser("alice");
    const m = await mount();
    await roleWrite(m, "dev", { bound_iam_principal_arn: alice.arn });
    {
      const r = await m.call("update", "login", { role: "dev", ...(await sign(alice)) });
      expect(errorOf(r)).toBeUndefined();
      const auth = r?.auth as Auth;
      expect(auth.displayName).toBe("alice");
      expect(auth.policies).toEqual(["dev"]);
      expect(auth.metadata).toEqual({ role_id: expect.any(String) as string, account_id: ACCOUNT, auth_type: "iam" });
      expect(auth.alias?.name).toBe(auth.metadata["role_id"]);
      expect(auth.internalData).toMatchObject({ role_name: "dev", canonical_arn: `arn:aws:iam::${ACCOUNT}:user/alice`, client_user_id: alice.id, account_id: ACCOUNT });
    }
  });

  it("logs an assumed role in; the role defaults to the caller's friendly name", async () => {
    const app = await assumedRole("app", "session-1");
    const m = await mount();
    await roleWrite(m, "app", { bound_iam_principal_arn: app.roleArn });
    const fields = await sign(app);
    const r = await m.call("update", "login", fields);
    expect(errorOf(r)).toBeUndefined();
    expect(r?.auth?.displayName).toBe("app/session-1");
    expect(r?.auth?.internalData).toMatchObject({ canonical_arn: `arn:aws:iam::${ACCOUNT}:role/app`, client_user_id: app.roleId });
    expect((await m.call("resolve-role", "login", fields))?.data).toEqual({ role: "app" });
    const alias = await m.call("alias-lookahead", "login", fields);
    expect(alias?.auth?.alias?.name).toBe(r?.auth?.alias?.name);
  });

  it("refuses a caller the role is not bound to, naming the principal", async () => {
    const alice = await createUser("alice");
    const bob = await createUser("bob");
    const m = await mount();
    await roleWrite(m, "dev", { bound_iam_principal_arn: alice.arn });
    const r = await m.call("update", "login", { role: "dev", ...(await sign(bob)) });
    expect(errorOf(r)).toBe(`IAM Principal "arn:aws:iam::${ACCOUNT}:user/team/bob" does not belong to the role "dev"`);
    expect(errorOf(await m.call("update", "login", { role: "nope", ...(await sign(bob)) }))).toBe("entry for role nope not found");
  });

  it("matches wildcard binds on the full ARN (with its path) looked up in IAM", async () => {
    const alice = await createUser("alice");
    const m = await mount();
    await roleWrite(m, "team", { bound_iam_principal_arn: `arn:aws:iam::${ACCOUNT}:user/team/*`, resolve_aws_unique_ids: false });
    await roleWrite(m, "other", { bound_iam_principal_arn: `arn:aws:iam::${ACCOUNT}:user/ops/*`, resolve_aws_unique_ids: false });
    expect(errorOf(await m.call("update", "login", { role: "team", ...(await sign(alice)) }))).toBeUndefined();
    expect(errorOf(await m.call("update", "login", { role: "other", ...(await sign(alice)) }))).toMatch(/does not belong to the role "other"/);
    // Without resolution, the canonical ARN (path dropped) binds exactly.
    await roleWrite(m, "plain", { bound_iam_principal_arn: `arn:aws:iam::${ACCOUNT}:user/alice`, resolve_aws_unique_ids: false });
    expect(errorOf(await m.call("update", "login", { role: "plain", ...(await sign(alice)) }))).toBeUndefined();
  });

  it("renews while the role and bind last, and stops when they do not", async () => {
    const alice = await createUser("alice");
    const m = await mount();
    await roleWrite(m, "dev", { bound_iam_principal_arn: `arn:aws:iam::${ACCOUNT}:user/alice`, resolve_aws_unique_ids: false, token_ttl: "1h", token_max_ttl: "2h" });
    const r = await m.call("update", "login", { role: "dev", ...(await sign(alice)) });
    const auth = r?.auth as Auth;
    const renewed = await m.call("renew", "login", {}, { auth });
    expect(renewed?.auth?.lease.ttl).toBe(3600n * 1_000_000_000n);
    expect(renewed?.auth?.lease.maxTtl).toBe(7200n * 1_000_000_000n);
    await roleWrite(m, "dev", { bound_iam_principal_arn: `arn:aws:iam::${ACCOUNT}:user/someone-else`, resolve_aws_unique_ids: false });
    await expect(m.call("renew", "login", {}, { auth })).rejects.toThrow(`role "dev" no longer bound to ARN "arn:aws:iam::${ACCOUNT}:user/alice"`);
    await m.call("delete", "role/dev");
    await expect(m.call("renew", "login", {}, { auth })).rejects.toThrow(/role entry not found/);
  });

  it("applies config/identity: alias source, metadata fields and (beyond upstream) IAM tags", async () => {
    const alice = await createUser("alice", { team: "blue", secret: "x" });
    const m = await mount();
    await roleWrite(m, "dev", { bound_iam_principal_arn: alice.arn });
    expect(await m.call("update", "config/identity", { iam_alias: "full_arn", iam_metadata: "client_arn,auth_type", iam_metadata_tags: "team" })).toBeUndefined();
    expect((await m.call("read", "config/identity"))?.data).toMatchObject({ iam_alias: "full_arn", iam_metadata: ["auth_type", "client_arn"], iam_metadata_tags: ["team"] });
    const r = await m.call("update", "login", { role: "dev", ...(await sign(alice)) });
    expect(errorOf(r)).toBeUndefined();
    expect(r?.auth?.alias?.name).toBe(alice.arn);
    expect(r?.auth?.metadata).toEqual({ role_id: expect.any(String) as string, client_arn: alice.arn, auth_type: "iam", tag_team: "blue" });
    expect(r?.auth?.alias?.metadata).toEqual({ client_arn: alice.arn, auth_type: "iam", tag_team: "blue" });
    expect(await m.call("update", "config/identity", { iam_alias: "unique_id", iam_metadata: "", iam_metadata_tags: "" })).toBeUndefined();
    expect((await m.call("read", "config/identity"))?.data).toEqual({ iam_alias: "unique_id", iam_metadata: [], ec2_alias: "role_id", ec2_metadata: ["account_id", "auth_type"] });
    const none = await m.call("update", "login", { role: "dev", ...(await sign(alice)) });
    expect(none?.auth?.alias?.name).toBe(alice.id);
    expect(none?.auth?.metadata).toEqual({ role_id: expect.any(String) as string });
    // With auth_type left out of the metadata the token still renews as iam.
    expect(errorOf(await m.call("renew", "login", {}, { auth: none?.auth as Auth }))).toBeUndefined();
  });

  it("checks iam_server_id_header_value: present, equal and signed", async () => {
    const alice = await createUser("alice");
    const m = await mount({ iam_server_id_header_value: "vault.example.com" });
    await roleWrite(m, "dev", { bound_iam_principal_arn: alice.arn });
    expect(errorOf(await m.call("update", "login", { role: "dev", ...(await sign(alice)) }))).toBe(
      'error validating X-Vault-AWS-IAM-Server-ID header: missing header "X-Vault-AWS-IAM-Server-ID"',
    );
    const signed = await sign(alice, { headers: { "X-Vault-AWS-IAM-Server-ID": "vault.example.com" } });
    expect(errorOf(await m.call("update", "login", { role: "dev", ...signed }))).toBeUndefined();
  });

  it("reports STS's refusal of a bad signature", async () => {
    const alice = await createUser("alice");
    const m = await mount();
    await roleWrite(m, "dev", { bound_iam_principal_arn: alice.arn });
    const r = await m.call("update", "login", { role: "dev", ...(await sign({ ...alice, secretAccessKey: "wrong" })) });
    // moto answers errors as HTML or application/xml (real STS: text/xml), which the CVE-2020-16250 checks refuse unread.
    expect(errorOf(r)).toMatch(/^error making upstream request: body of GetCallerIdentity is invalid \(STS answered HTTP 403 with Content-Type "[^"]+", expected "text\/xml"\)$/);
  });

  it("infers an EC2 instance from the role session: running, in the caller's account, meeting the ec2 binds", async () => {
    const ec2 = new EC2Client({ region: "us-east-1", endpoint: moto.endpoint, credentials: moto.rootCredentials });
    const run = await ec2.send(new RunInstancesCommand({ ImageId: "ami-12c6146b", MinCount: 1, MaxCount: 1 }));
    const instanceId = run.Instances?.[0]?.InstanceId ?? "";
    // An instance profile's credentials are an assumed-role session named after the instance.
    const creds = await assumedRole("web-instance", instanceId);
    const m = await mount();
    const inferred = { bound_iam_principal_arn: creds.roleArn, inferred_entity_type: "ec2_instance", inferred_aws_region: "us-east-1" };
    await roleWrite(m, "web", { ...inferred, bound_ami_id: "ami-12c6146b" });
    await roleWrite(m, "other-ami", { ...inferred, bound_ami_id: "ami-00000000" });
    const fields = await sign(creds);
    const r = await m.call("update", "login", { role: "web", ...fields });
    expect(errorOf(r)).toBeUndefined();
    expect(r?.auth?.internalData).toMatchObject({ inferred_entity_id: instanceId, inferred_aws_region: "us-east-1", account_id: ACCOUNT });
    expect(errorOf(await m.call("update", "login", { role: "other-ami", ...fields }))).toBe('error validating instance: AMI ID "ami-12c6146b" does not belong to role "other-ami"');

    await ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
    ec2.destroy();
    expect(errorOf(await m.call("update", "login", { role: "web", ...fields }))).toBe(
      `failed to verify ${instanceId} as a valid EC2 instance in region us-east-1: instance is not in 'running' state`,
    );
    await expect(m.call("renew", "login", {}, { auth: r?.auth as Auth })).rejects.toThrow(`failed to verify instance ID "${instanceId}": instance is not in 'running' state`);
  });
});
