// The AWS secrets engine end to end: dist/vault-plugin-secrets-aws inside a real OpenBao dev
// server, talking to a real moto with SigV4 checking on. IAM goes through a loopback proxy that
// answers DeleteUser as AWS does (409 DeleteConflict while a login profile, SSH key, MFA device,
// signing certificate or access key remains) and can inject failures. Covers the three
// generations of the engine's API (2015 `policy` roles, 2017 `policy`/`arn` roles and `sts/`,
// 2018 `credential_type`), revocation, WAL rollback, static roles and bad input.
import {
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteUserCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  PutUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  UploadSSHPublicKeyCommand,
} from "@aws-sdk/client-iam";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDeleteConflictProxy, type DeleteConflictProxy } from "../helpers/delete-conflict-proxy.js";
import { closedPort, startFailingAws } from "../helpers/failing-aws.js";
import { MOTO_START_TIMEOUT_MS, startMoto, type MotoServer } from "../helpers/moto.js";
import { cliOk, type DevServer, parseCliJson, registerAndMount, requireDistFile, started, startServer, waitFor } from "./lib.js";
import { SecretWatch, expectNoSecretsInLog } from "./secret-watch.js";

const ACCOUNT = "123456789012";
const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:user/vnp-moto-admin`;
const POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }] });

interface LeaseBody {
  lease_id: string;
  lease_duration: number;
  renewable: boolean;
  data: Record<string, unknown>;
  warnings?: string[] | null;
}

let moto: MotoServer | undefined;
let proxy: DeleteConflictProxy | undefined;
let server: DevServer | undefined;
let iam: IAMClient | undefined;
let workDir = "";
/** Every secret of the run, checked against the server log at the end. */
const secrets = new SecretWatch();

const srv = started<DevServer>(() => server, "server");
const aws = started<IAMClient>(() => iam, "moto");

const cli = (...args: string[]): Promise<string> => cliOk(srv(), args);

async function creds(pathName: string, ...args: string[]): Promise<LeaseBody> {
  const verb = args.length === 0 ? "read" : "write";
  return parseCliJson<LeaseBody>(await srv().cli([verb, "-format=json", pathName, ...args]));
}

async function vaultUsers(): Promise<string[]> {
  const out = await aws().send(new ListUsersCommand({ MaxItems: 1000 }));
  return (out.Users ?? []).map((u) => u.UserName ?? "").filter((n) => n.startsWith("vault-"));
}

async function userExists(name: string): Promise<boolean> {
  try {
    await aws().send(new GetUserCommand({ UserName: name }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name?.startsWith("NoSuchEntity") === true) return false;
    throw err;
  }
}

/**
 * The IAM user that owns an access key (moto's ListAccessKeys per user). A user that a revocation
 * deletes between the listing and its ListAccessKeys is passed over: it owns no live key.
 */
async function ownerOf(accessKey: string): Promise<string> {
  for (const user of await vaultUsers()) {
    const keys = await aws()
      .send(new ListAccessKeysCommand({ UserName: user }))
      .catch((err: unknown) => {
        if ((err as { name?: string }).name?.startsWith("NoSuchEntity") === true) return { AccessKeyMetadata: [] };
        throw err;
      });
    if ((keys.AccessKeyMetadata ?? []).some((k) => k.AccessKeyId === accessKey)) return user;
  }
  throw new Error(`no vault- user owns ${accessKey}`);
}

async function httpStatus(method: string, pathName: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await srv().http(method, pathName, body);
  return { status: res.status, text: res.text };
}

/** Moves the created_at of every WAL entry of `mount` back by `seconds`, through sys/raw. */
async function backdateWalEntries(mount: string, seconds: number): Promise<void> {
  const mounts = await srv().http("GET", "/v1/sys/mounts");
  const uuid = (mounts.json as { data: Record<string, { uuid: string }> }).data[mount]?.uuid;
  expect(uuid, `mount ${mount} has a uuid`).toBeTruthy();
  const walDir = `/v1/sys/raw/logical/${uuid ?? ""}/wal/`;
  const listed = await srv().http("LIST", walDir);
  expect(listed.status, listed.text).toBe(200);
  const ids = (listed.json as { data: { keys: string[] } }).data.keys;
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) {
    const read = await srv().http("GET", walDir + id);
    expect(read.status, read.text).toBe(200);
    const entry = JSON.parse((read.json as { data: { value: string } }).data.value) as { created_at: number };
    entry.created_at -= seconds;
    const written = await srv().http("PUT", walDir + id, { value: JSON.stringify(entry) });
    expect(written.status, written.text).toBe(204);
  }
}

describe("AWS secrets engine through OpenBao and moto (SigV4 on)", () => {
  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), "vnp-aws-e2e-"));
    moto = await startMoto({ sigv4: true });
    proxy = await startDeleteConflictProxy(moto.endpoint, { credentials: moto.rootCredentials });
    iam = new IAMClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: moto.rootCredentials });
    // Fixtures only AWS-side setup can make: a role to assume, a managed policy, a group.
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ADMIN_ARN }, Action: ["sts:AssumeRole", "sts:TagSession"] }] });
    await aws().send(new CreateRoleCommand({ RoleName: "vnp-deploy", AssumeRolePolicyDocument: trust }));
    const managed = await aws().send(new CreatePolicyCommand({ PolicyName: "vnp-readonly", PolicyDocument: POLICY }));
    await aws().send(new AttachRolePolicyCommand({ RoleName: "vnp-deploy", PolicyArn: managed.Policy?.Arn ?? "" }));
    await aws().send(new CreateGroupCommand({ GroupName: "vnp-devs" }));

    // Everything at trace, OpenBao and the plugin, so the log check at the end sees every line.
    server = secrets.watch(await startServer({ startTimeoutMs: 60_000, rawStorage: true, logLevel: "trace", env: { VNP_LOG_LEVEL: "trace" } }));
    const file = requireDistFile("vault-plugin-secrets-aws");
    await registerAndMount(server, { file, type: "secret", name: "aws", mountPath: "aws" });
    const { accessKeyId, secretAccessKey } = moto.rootCredentials;
    await cli("write", "aws/config/root", `access_key=${accessKeyId}`, `secret_key=${secretAccessKey}`, "region=us-east-1",
      `iam_endpoint=${proxy.endpoint}`, `sts_endpoint=${moto.endpoint}`);
  }, MOTO_START_TIMEOUT_MS);

  afterAll(async () => {
    await server?.stop();
    await proxy?.stop();
    await moto?.stop();
    iam?.destroy();
    if (workDir !== "") rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it("config/root reads back every field but the secret key", async () => {
    const body = parseCliJson(await srv().cli(["read", "-format=json", "aws/config/root"]));
    expect(body.data).toMatchObject({ access_key: moto?.rootCredentials.accessKeyId, region: "us-east-1", iam_endpoint: proxy?.endpoint, max_retries: -1 });
    expect(body.data).not.toHaveProperty("secret_key");
    // Vault 1.21 CE (SDK v0.21) has no rotation_policy.
    expect(body.data).not.toHaveProperty("rotation_policy");
  });

  describe("the 2015 quick start: a policy role, creds twice, revoke", () => {
    it("issues two different IAM users and revokes each completely", async () => {
      const policyFile = path.join(workDir, "policy.json");
      writeFileSync(policyFile, POLICY);
      await cli("write", "aws/config/lease", "lease=1h", "lease_max=24h");
      await cli("write", "aws/roles/deploy", `policy=@${policyFile}`);

      const first = await creds("aws/creds/deploy");
      const second = await creds("aws/creds/deploy");
      expect(first.data["access_key"]).not.toBe(second.data["access_key"]);
      expect(first.data).toMatchObject({ session_token: null, security_token: null });
      expect(typeof first.data["secret_key"]).toBe("string");
      expect(first.lease_id).toMatch(/^aws\/creds\/deploy\//);
      expect(first.lease_duration).toBe(3600);
      expect(first.renewable).toBe(true);

      const userA = await ownerOf(String(first.data["access_key"]));
      const userB = await ownerOf(String(second.data["access_key"]));
      expect(userA).not.toBe(userB);
      expect(userA).toMatch(/^vault-/);

      await cli("lease", "revoke", first.lease_id);
      await waitFor(`user ${userA} deleted`, async () => !(await userExists(userA)), { timeoutMs: 20_000 });
      expect(await userExists(userB)).toBe(true);
      await cli("lease", "revoke", second.lease_id);
      await waitFor(`user ${userB} deleted`, async () => !(await userExists(userB)), { timeoutMs: 20_000 });
    });

    it("renews an IAM user lease within config/lease", async () => {
      await cli("write", "aws/config/lease", "lease=30m", "lease_max=2h");
      const lease = await creds("aws/creds/deploy");
      expect(lease.lease_duration).toBe(1800);
      const renewed = parseCliJson<{ lease_duration: number }>(await srv().cli(["lease", "renew", "-format=json", lease.lease_id]));
      expect(renewed.lease_duration).toBe(1800);
      await cli("lease", "revoke", lease.lease_id);
    });

    // Security regression: lease IDs are not secret (audit logs, UIs), and the default policy may
    // renew any lease it knows. The renew reply must carry the lease, never the credential.
    it("a renew by a default-policy token gets the lease back, not the access key or secret key", async () => {
      const lease = await creds("aws/creds/deploy");
      const accessKey = String(lease.data["access_key"]);
      const secretKey = String(lease.data["secret_key"]);
      const created = await srv().http("POST", "/v1/auth/token/create", { policies: ["default"], no_default_policy: false });
      expect(created.status, created.text).toBe(200);
      const token = String((created.json as { auth: { client_token: string } }).auth.client_token);

      const renewed = await srv().http("PUT", "/v1/sys/leases/renew", { lease_id: lease.lease_id, increment: 600 }, { token });
      expect(renewed.status, renewed.text).toBe(200);
      expect(renewed.json).toMatchObject({ lease_id: lease.lease_id, renewable: true, data: null });
      expect(renewed.text).not.toContain(secretKey);
      expect(renewed.text).not.toContain(accessKey);
      // The lease still revokes (its internal data survived the renew) and takes the user with it.
      const user = await ownerOf(accessKey);
      await cli("lease", "revoke", lease.lease_id);
      await waitFor(`user ${user} deleted`, async () => !(await userExists(user)), { timeoutMs: 20_000 });
    });
  });

  describe("the 2017 API: arn roles and sts/", () => {
    it("an arn= policy role attaches the managed policy to an IAM user", async () => {
      await cli("write", "aws/roles/readonly", `arn=arn:aws:iam::${ACCOUNT}:policy/vnp-readonly`);
      const lease = await creds("aws/creds/readonly");
      const user = await ownerOf(String(lease.data["access_key"]));
      const attached = await aws().send(new ListAttachedUserPoliciesCommand({ UserName: user }));
      expect((attached.AttachedPolicies ?? []).map((p) => p.PolicyName)).toEqual(["vnp-readonly"]);
      await cli("lease", "revoke", lease.lease_id);
    });

    it("an arn= role ARN assumes the role through sts/ with a ttl", async () => {
      await cli("write", "aws/roles/assume", `arn=arn:aws:iam::${ACCOUNT}:role/vnp-deploy`);
      const lease = await creds("aws/sts/assume", "ttl=15m");
      expect(lease.data["security_token"]).toEqual(expect.any(String));
      expect(lease.data["session_token"]).toBe(lease.data["security_token"]);
      expect(lease.data["arn"]).toMatch(/assumed-role\/vnp-deploy\//);
      expect(lease.renewable).toBe(false);
      expect(lease.lease_duration).toBeGreaterThan(800);
      expect(lease.lease_duration).toBeLessThanOrEqual(900);
    });

    it("a policy role read through sts/ is a federation token", async () => {
      const lease = await creds("aws/sts/deploy", "ttl=1h");
      expect(lease.data).toMatchObject({ access_key: expect.any(String), security_token: expect.any(String) });
      expect(lease.data["session_token"]).toBe(lease.data["security_token"]);
      expect(lease.data["ttl"]).toEqual(expect.any(Number));
    });
  });

  describe("the 2018 credential_type API", () => {
    it("iam_user with policy document, managed policy, group, tags and a user path", async () => {
      await cli("write", "aws/roles/dev", "credential_type=iam_user", `policy_document=${POLICY}`,
        `policy_arns=arn:aws:iam::${ACCOUNT}:policy/vnp-readonly`, "iam_groups=vnp-devs", "iam_tags=team=platform", "iam_tags=env=test", "user_path=/vault/");
      const role = parseCliJson(await srv().cli(["read", "-format=json", "aws/roles/dev"]));
      expect(role.data).toMatchObject({ credential_type: "iam_user", iam_groups: ["vnp-devs"], iam_tags: { team: "platform", env: "test" }, user_path: "/vault/" });

      const lease = await creds("aws/creds/dev");
      const user = await ownerOf(String(lease.data["access_key"]));
      const got = await aws().send(new GetUserCommand({ UserName: user }));
      expect(got.User?.Path).toBe("/vault/");
      const groups = await aws().send(new ListGroupsForUserCommand({ UserName: user }));
      expect((groups.Groups ?? []).map((g) => g.GroupName)).toEqual(["vnp-devs"]);
      const tags = await aws().send(new ListUserTagsCommand({ UserName: user }));
      expect(Object.fromEntries((tags.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({ team: "platform", env: "test" });
      await cli("lease", "revoke", lease.lease_id);
      await waitFor(`user ${user} deleted`, async () => !(await userExists(user)), { timeoutMs: 20_000 });
    });

    it("an iam_user role's own ttl/max_ttl set its leases, beyond config/lease (vault#15176)", async () => {
      await cli("write", "aws/config/lease", "lease=1h", "lease_max=24h");
      await cli("write", "aws/roles/short", "credential_type=iam_user", `policy_document=${POLICY}`, "ttl=10m", "max_ttl=20m");
      const role = parseCliJson(await srv().cli(["read", "-format=json", "aws/roles/short"]));
      expect(role.data).toMatchObject({ ttl: 600, max_ttl: 1200 });
      const lease = await creds("aws/creds/short");
      expect(lease.lease_duration).toBe(600);
      const renewed = parseCliJson<{ lease_duration: number }>(await srv().cli(["lease", "renew", "-format=json", lease.lease_id]));
      expect(renewed.lease_duration).toBeLessThanOrEqual(600);
      expect(renewed.lease_duration).toBeGreaterThan(500);
      await cli("lease", "revoke", lease.lease_id);
    });

    it.each([
      ["assumed_role", ["credential_type=assumed_role", `role_arns=arn:aws:iam::${ACCOUNT}:role/vnp-deploy`, "session_tags=team=platform"], "aws/sts/ar"],
      ["federation_token", ["credential_type=federation_token", `policy_document=${POLICY}`], "aws/sts/ft"],
      ["session_token", ["credential_type=session_token"], "aws/creds/st"],
    ])("%s answers access_key, secret_key, security_token = session_token and ttl", async (type, fields, credsPath) => {
      const roleName = credsPath.split("/")[2] ?? "";
      await cli("write", `aws/roles/${roleName}`, ...fields);
      const lease = await creds(credsPath);
      expect(lease.data).toMatchObject({ access_key: expect.any(String), secret_key: expect.any(String), ttl: expect.any(Number) });
      expect(lease.data["session_token"]).toBe(lease.data["security_token"]);
      if (type === "assumed_role") expect(lease.data["arn"]).toMatch(/assumed-role\/vnp-deploy\//);
    });

    it("a ttl below AWS's 900-second minimum is a 400 with aws-sdk-go's text, as Vault answers", async () => {
      await cli("write", "aws/roles/ft-short", "credential_type=federation_token", `policy_document=${POLICY}`);
      const res = await httpStatus("POST", "/v1/aws/sts/ft-short", { ttl: "10m" });
      expect(res.status, res.text).toBe(400);
      expect(res.text).toContain("Error generating STS keys: InvalidParameter: 1 validation error(s) found.\\n- minimum field value of 900, GetFederationTokenInput.DurationSeconds.\\n");
    });
  });

  describe("revocation leaves nothing behind", () => {
    it("the proxy answers DeleteUser as AWS does while a login profile remains", async () => {
      await aws().send(new CreateUserCommand({ UserName: "vnp-conflict" }));
      await aws().send(new CreateLoginProfileCommand({ UserName: "vnp-conflict", Password: "Passw0rd!Passw0rd" }));
      const viaProxy = new IAMClient({ endpoint: proxy?.endpoint, region: "us-east-1", credentials: moto?.rootCredentials });
      await expect(viaProxy.send(new DeleteUserCommand({ UserName: "vnp-conflict" }))).rejects.toMatchObject({ name: "DeleteConflictException" });
      viaProxy.destroy();
    });

    it("revoke removes a user that gained a login profile, an SSH key and an extra access key", async () => {
      const lease = await creds("aws/creds/dev");
      const user = await ownerOf(String(lease.data["access_key"]));
      await aws().send(new CreateLoginProfileCommand({ UserName: user, Password: "Passw0rd!Passw0rd" }));
      await aws().send(new UploadSSHPublicKeyCommand({ UserName: user, SSHPublicKeyBody: sshRsaLine() }));
      await aws().send(new CreateAccessKeyCommand({ UserName: user }));
      await aws().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "added-later", PolicyDocument: POLICY }));
      const conflictsBefore = proxy?.conflicts.length ?? 0;
      await cli("lease", "revoke", lease.lease_id);
      await waitFor(`user ${user} deleted`, async () => !(await userExists(user)), { timeoutMs: 20_000 });
      expect(proxy?.conflicts.slice(conflictsBefore)).toEqual([]);
    });

    it("50 parallel creds reads give 50 distinct users, all gone after revoke -prefix", async () => {
      await cli("write", "aws/roles/par", "credential_type=iam_user", `policy_document=${POLICY}`);
      const before = new Set(await vaultUsers());
      const leases = await Promise.all(Array.from({ length: 50 }, () => srv().http("GET", "/v1/aws/creds/par")));
      for (const res of leases) expect(res.status, res.text).toBe(200);
      const keys = new Set(leases.map((r) => String((r.json?.data ?? {})["access_key"])));
      expect(keys.size).toBe(50);
      const created = (await vaultUsers()).filter((u) => !before.has(u));
      expect(created).toHaveLength(50);
      await cli("lease", "revoke", "-prefix", "aws/creds/par");
      await waitFor("50 users deleted", async () => (await vaultUsers()).filter((u) => created.includes(u)).length === 0, { timeoutMs: 90_000 });
    }, 180_000);
  });

  describe("WAL rollback", () => {
    it("a failure between CreateUser and CreateAccessKey leaves no user once rollback has run", async () => {
      await cli("secrets", "enable", "-path=aws-rb", "-plugin-version=v0.1.0", "aws");
      const { accessKeyId, secretAccessKey } = moto?.rootCredentials ?? { accessKeyId: "", secretAccessKey: "" };
      // No SDK retries on this mount, so one injected failure is the request's failure.
      await cli("write", "aws-rb/config/root", `access_key=${accessKeyId}`, `secret_key=${secretAccessKey}`, "region=us-east-1",
        `iam_endpoint=${proxy?.endpoint ?? ""}`, "max_retries=0");
      await cli("write", "aws-rb/roles/half", "credential_type=iam_user", `policy_document=${POLICY}`);
      const before = new Set(await vaultUsers());
      proxy?.failNext("CreateAccessKey");
      const res = await httpStatus("GET", "/v1/aws-rb/creds/half");
      expect(res.status).toBeGreaterThanOrEqual(400);
      const orphans = (await vaultUsers()).filter((u) => !before.has(u));
      expect(orphans).toHaveLength(1);
      // The engine rolls back only entries five minutes old (IAM's eventual consistency). Rather
      // than wait, age the entry through sys/raw, as a crash five minutes ago would have left it.
      await backdateWalEntries("aws-rb/", 10 * 60);
      // OpenBao runs rollback on every mount once a minute.
      await waitFor("half-created user rolled back", async () => !(await userExists(orphans[0] ?? "")), { timeoutMs: 150_000, intervalMs: 2_000 });
    }, 200_000);
  });

  describe("AWS failures are answered with Vault's status codes", () => {
    it("throttling is a 502 with the step's text; AWS failing on its side is a 400", async () => {
      await cli("secrets", "enable", "-path=aws-th", "-plugin-version=v0.1.0", "aws");
      const { accessKeyId, secretAccessKey } = moto?.rootCredentials ?? { accessKeyId: "", secretAccessKey: "" };
      // No SDK retries on this mount, so one injected failure is the request's failure.
      await cli("write", "aws-th/config/root", `access_key=${accessKeyId}`, `secret_key=${secretAccessKey}`, "region=us-east-1",
        `iam_endpoint=${proxy?.endpoint ?? ""}`, "max_retries=0");
      await cli("write", "aws-th/roles/th", "credential_type=iam_user", `policy_document=${POLICY}`);

      proxy?.failNext("CreateUser", 1, { code: "Throttling", message: "Rate exceeded", status: 400 });
      const throttled = await srv().http("GET", "/v1/aws-th/creds/th");
      expect(throttled.status, throttled.text).toBe(502);
      expect((throttled.json as { errors: string[] }).errors).toEqual(["Error creating IAM user: IAM CreateUser: Throttling: Rate exceeded"]);

      proxy?.failNext("CreateUser");
      const serverSide = await srv().http("GET", "/v1/aws-th/creds/th");
      expect(serverSide.status, serverSide.text).toBe(400);
      expect(serverSide.text).toContain("Error creating IAM user: ");

      const ok = await srv().http("GET", "/v1/aws-th/creds/th");
      expect(ok.status, ok.text).toBe(200);
    }, 60_000);

    it("unreachable and hung AWS: every credential type answers 400 '<step>: <call>: <what happened>' in bounded time", async () => {
      const hung = await startFailingAws({ kind: "hang" });
      const endpoints = { unreachable: `http://127.0.0.1:${await closedPort()}`, hung: hung.endpoint };
      const what = { unreachable: "AWS could not be reached: ", hung: "AWS did not answer in time: " };
      try {
        for (const [name, endpoint] of Object.entries(endpoints) as [keyof typeof endpoints, string][]) {
          const mountPath = `aws-${name}`;
          await cli("secrets", "enable", `-path=${mountPath}`, "-plugin-version=v0.1.0", "aws");
          await cli("write", `${mountPath}/config/root`, "access_key=AKIAEXAMPLE", "secret_key=secret", "region=us-east-1",
            `iam_endpoint=${endpoint}`, `sts_endpoint=${endpoint}`, "max_retries=0");
          await cli("write", `${mountPath}/roles/iam`, "credential_type=iam_user", `policy_document=${POLICY}`);
          await cli("write", `${mountPath}/roles/assumed`, "credential_type=assumed_role", "role_arns=arn:aws:iam::123456789012:role/r");
          await cli("write", `${mountPath}/roles/federation`, "credential_type=federation_token", `policy_document=${POLICY}`);
          const started = Date.now();
          const answers = await Promise.all(["iam", "assumed", "federation"].map((role) => srv().http("GET", `/v1/${mountPath}/creds/${role}`)));
          expect(Date.now() - started).toBeLessThan(60_000);
          const probe = `could not obtain sts client: ${endpoint} [us-east-1]: STS GetCallerIdentity: ${what[name]}`;
          const leads = [`Error creating IAM user: IAM CreateUser: ${what[name]}`, probe, probe];
          answers.forEach((answer, i) => {
            expect(answer.status, answer.text).toBe(400);
            expect((answer.json as { errors: string[] }).errors[0]?.startsWith(leads[i] ?? "?"), answer.text).toBe(true);
          });
        }
      } finally {
        await hung.stop();
      }
    }, 120_000);
  });

  describe("static roles", () => {
    it("manages the keys of an existing IAM user", async () => {
      await aws().send(new CreateUserCommand({ UserName: "vnp-static" }));
      await cli("write", "aws/static-roles/app", "username=vnp-static", "rotation_period=1h");
      const role = parseCliJson(await srv().cli(["read", "-format=json", "aws/static-roles/app"]));
      expect(role.data).toMatchObject({ name: "app", username: "vnp-static", rotation_period: 3600 });
      const list = parseCliJson<string[]>(await srv().cli(["list", "-format=json", "aws/static-roles"]));
      expect(list).toEqual(["app"]);
      const staticCreds = parseCliJson(await srv().cli(["read", "-format=json", "aws/static-creds/app"]));
      expect(staticCreds.data).toMatchObject({ access_key: expect.any(String), secret_key: expect.any(String), expiration: expect.any(String) });
      const keys = await aws().send(new ListAccessKeysCommand({ UserName: "vnp-static" }));
      expect((keys.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId)).toContain(staticCreds.data?.["access_key"]);
      await cli("delete", "aws/static-roles/app");
      const after = await aws().send(new ListAccessKeysCommand({ UserName: "vnp-static" }));
      expect((after.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId)).not.toContain(staticCreds.data?.["access_key"]);
    });
  });

  describe("bad input is a 400 naming the field", () => {
    it.each([
      ["config/lease", { lease: "abc", lease_max: "1h" }, "lease"],
      ["config/root", { max_retries: "many" }, "max_retries"],
      ["roles/bad", { credential_type: "bogus" }, "credential_type"],
      ["roles/bad", { credential_type: "iam_user", default_sts_ttl: 3600 }, "default_sts_ttl"],
      ["roles/bad", { credential_type: "iam_user", user_path: "no-slash" }, "user_path"],
      ["roles/bad", { credential_type: "iam_user", policy_document: "{not json" }, "policy_document"],
      ["creds/deploy", { ttl: "soon" }, "ttl"],
      ["static-roles/bad", { username: "vnp-moto-admin", rotation_period: "10s" }, "rotation"],
    ])("POST %s %j", async (pathName, body, name) => {
      const res = await httpStatus("POST", `/v1/aws/${pathName}`, body);
      expect(res.status, res.text).toBe(400);
      expect(res.text).toContain(name);
    });

    it("an unknown role is a 400 for creds", async () => {
      const res = await httpStatus("GET", "/v1/aws/creds/nope");
      expect(res.status, res.text).toBe(400);
    });
  });

  describe("rotate-root", () => {
    it("replaces the root key with a new one that keeps working", async () => {
      // A dedicated admin, so the test's own moto key stays valid.
      await aws().send(new CreateUserCommand({ UserName: "vnp-root" }));
      await aws().send(new PutUserPolicyCommand({ UserName: "vnp-root", PolicyName: "all", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) }));
      const key = await aws().send(new CreateAccessKeyCommand({ UserName: "vnp-root" }));
      await cli("secrets", "enable", "-path=aws-rot", "-plugin-version=v0.1.0", "aws");
      await cli("write", "aws-rot/config/root", `access_key=${key.AccessKey?.AccessKeyId ?? ""}`, `secret_key=${key.AccessKey?.SecretAccessKey ?? ""}`,
        "region=us-east-1", `iam_endpoint=${proxy?.endpoint ?? ""}`);
      const rotated = parseCliJson(await srv().cli(["write", "-format=json", "-f", "aws-rot/config/rotate-root"]));
      const newKey = String(rotated.data?.["access_key"]);
      expect(newKey).not.toBe(key.AccessKey?.AccessKeyId);
      const keys = await aws().send(new ListAccessKeysCommand({ UserName: "vnp-root" }));
      expect((keys.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId)).toEqual([newKey]);
      await cli("write", "aws-rot/roles/after", "credential_type=iam_user", `policy_document=${POLICY}`);
      const lease = await creds("aws-rot/creds/after");
      expect(lease.data["access_key"]).toEqual(expect.any(String));
      await cli("lease", "revoke", lease.lease_id);
    });
  });

  // Last, so it sees the whole run: every secret_key, session token, root key (including the
  // ones rotate-root made, read back through sys/raw), SigV4 signature and Vault token.
  describe("no secret in the log", () => {
    it("the server log (OpenBao and the plugin at trace) holds none of the run's secrets", async () => {
      const mounts = (await srv().http("GET", "/v1/sys/mounts")).json as { data: Record<string, { uuid: string; type: string }> };
      for (const [mount, info] of Object.entries(mounts.data)) {
        if (!mount.startsWith("aws")) continue;
        const raw = await srv().http("GET", `/v1/sys/raw/logical/${info.uuid}/config/root`);
        if (raw.status !== 200) continue;
        secrets.add(`${mount}config/root secret_key (sys/raw)`, (JSON.parse((raw.json as { data: { value: string } }).data.value) as { secret_key?: string }).secret_key);
      }
      for (const call of proxy?.calls ?? []) secrets.add(`SigV4 signature of ${call.action}`, call.signature);
      // Not a vacuous check: every kind of secret the run handles is among those searched for.
      const kinds = [...secrets.secrets.values()].join("\n");
      // (session_token is the same value as security_token, so it is listed under the latter.)
      for (const kind of ["secret_key (bao write aws/config/root)", "security_token", "client_token", "config/root secret_key (sys/raw)", "SigV4 signature"]) {
        expect(kinds, kind).toContain(kind);
      }
      expect(secrets.secrets.size).toBeGreaterThan(100);
      expectNoSecretsInLog(srv(), secrets.secrets);
    });
  });
});

/** An OpenSSH `ssh-rsa` line for a fresh RSA key. */
function sshRsaLine(): string {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const bytes = (b64url: string | undefined): Buffer => Buffer.from(b64url ?? "", "base64url");
  const field = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, (b.length >> 8) & 0xff, b.length & 0xff]), b]);
  // SSH mpints are signed: a leading high bit needs a zero byte in front.
  const mpint = (b: Buffer): Buffer => ((b[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
  const blob = Buffer.concat([field(Buffer.from("ssh-rsa")), field(mpint(bytes(jwk.e))), field(mpint(bytes(jwk.n)))]);
  return `ssh-rsa ${blob.toString("base64")} vnp-e2e`;
}
