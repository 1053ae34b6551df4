// The AWS auth method's iam login end to end: dist/vault-plugin-auth-aws mounted with
// `bao auth enable` in a real OpenBao, config/client pointed at a real moto with SigV4 checking on
// (two AWS accounts), and logins made by independent clients with real AWS credentials (a moto IAM
// user's key, an assumed role's session):
//   (a') the `bao` CLI — OpenBao 2.6's CLI has no `login -method=aws` ("Unknown auth method: aws"),
//        so `bao write auth/aws/login` with a GET presigned by the AWS SDK for JavaScript;
//   (b)  hvac (pinned from PyPI), `Client.auth.aws.iam_login`, which signs its own POST;
//   (c)  the HTTP API with a POST header-signed by the AWS SDK for JavaScript.
// Then the token (policies, metadata, alias), renewal, a binding that no longer matches, and the
// refusals that close CVE-2020-16250 and CVE-2025-11621, each checked by status and message.
import { spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MOTO_START_TIMEOUT_MS, startMoto, type MotoServer } from "../helpers/moto.js";
import { startPresignedStsFront, type PresignedStsFront } from "../helpers/presigned-sts-front.js";
import { type AwsCredentials, type IamLoginFields, presignedGetLogin, signedPostLogin, type SignOptions } from "../helpers/sts-login.js";
import { ensureHvacPython } from "../helpers/tools.js";
import { cliOk, type DevServer, type HttpResult, parseCliJson, registerAndMount, requireDistFile, started, startServer } from "./lib.js";

const ACCOUNT_A = "123456789012"; // moto's default account: the one config/client's key lives in
const ACCOUNT_B = "210987654321"; // a second account, reached through config/sts
const SERVER_ID = "vault.example.com";
const ALLOW_ALL = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
const TRUST_ANYONE = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] });

interface LoginAuth {
  client_token: string;
  accessor: string;
  policies: string[];
  token_policies: string[];
  metadata: Record<string, string>;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
}

let moto: MotoServer | undefined;
let front: PresignedStsFront | undefined;
let server: DevServer | undefined;
let decoy: Decoy | undefined;
let redirector: Decoy | undefined;
/** Credentials of moto principals, by name. */
const principals: Record<string, AwsCredentials> = {};

const srv = started<DevServer>(() => server, "OpenBao");
const cli = (...args: string[]): Promise<string> => cliOk(srv(), args);
const who = (name: string): AwsCredentials => {
  const creds = principals[name];
  if (!creds) throw new Error(`principal ${name} was not created (see beforeAll)`);
  return creds;
};

/** A loopback HTTP server that counts requests and answers each the same way. */
interface Decoy {
  endpoint: string;
  hostPort: string;
  hits: number;
  stop(): Promise<void>;
}

async function startDecoy(answer: (res: http.ServerResponse) => void): Promise<Decoy> {
  const s = http.createServer((req, res) => {
    decoyState.hits++;
    req.resume();
    req.on("end", () => answer(res));
  });
  const decoyState = { hits: 0 };
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    hostPort: `127.0.0.1:${port}`,
    get hits() {
      return decoyState.hits;
    },
    stop: () => new Promise<void>((resolve) => s.close(() => resolve())),
  };
}

/** A GetCallerIdentity answer for the admin, as an attacker-controlled host would forge it. */
function forgedIdentity(res: http.ServerResponse): void {
  res.writeHead(200, { "content-type": "text/xml" });
  res.end(
    `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT_A}:user/vnp-moto-admin</Arn>` +
      `<UserId>AIDAFORGED</UserId><Account>${ACCOUNT_A}</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
  );
}

async function login(mount: string, role: string, fields: IamLoginFields): Promise<HttpResult> {
  return srv().http("PUT", `/v1/auth/${mount}/login`, { role, ...fields });
}

async function loginOk(mount: string, role: string, fields: IamLoginFields): Promise<LoginAuth> {
  const res = await login(mount, role, fields);
  expect(res.status, res.text).toBe(200);
  return (res.json as unknown as { auth: LoginAuth }).auth;
}

/** A refused login: status and the message that names the failed check. */
async function expectRefused(res: Promise<HttpResult>, status: number, message: RegExp): Promise<void> {
  const r = await res;
  expect(r.status, r.text).toBe(status);
  expect((r.json?.errors ?? []).join("\n"), r.text).toMatch(message);
}

async function lookup(token: string): Promise<{ policies: string[]; meta: Record<string, string>; display_name: string; entity_id: string; ttl: number; path: string }> {
  return parseCliJson<{ data: { policies: string[]; meta: Record<string, string>; display_name: string; entity_id: string; ttl: number; path: string } }>(
    await srv().cli(["token", "lookup", "-format=json", token]),
  ).data;
}

async function roleId(role: string): Promise<string> {
  return String(parseCliJson(await srv().cli(["read", "-format=json", `auth/aws/role/${role}`])).data?.["role_id"]);
}

/** hvac's iam_login run by the pinned hvac venv's python; resolves its JSON answer or its error. */
async function hvacLogin(creds: AwsCredentials, role: string, headerValue: string | null): Promise<{ ok: boolean; out: string }> {
  const python = await ensureHvacPython();
  const script = [
    "import json, os, sys, hvac",
    "c = hvac.Client(url=os.environ['VAULT_ADDR'])",
    "try:",
    "    r = c.auth.aws.iam_login(os.environ['AK'], os.environ['SK'], os.environ.get('ST') or None,",
    "        header_value=os.environ.get('HV') or None, role=os.environ['ROLE'], use_token=True, region='us-east-1')",
    "    print(json.dumps({'auth': r['auth'], 'token_set': c.token == r['auth']['client_token']}))",
    "except hvac.exceptions.VaultError as e:",
    "    print(json.dumps({'error': str(e)})); sys.exit(3)",
  ].join("\n");
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    VAULT_ADDR: srv().addr,
    AK: creds.accessKeyId,
    SK: creds.secretAccessKey,
    ST: creds.sessionToken ?? "",
    HV: headerValue ?? "",
    ROLE: role,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(python, ["-c", script], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ ok: code === 0, out: code === 0 || code === 3 ? out : `${out}${err}` }));
  });
}

async function assume(creds: AwsCredentials, roleArn: string, session: string): Promise<AwsCredentials> {
  const sts = new STSClient({ endpoint: moto?.endpoint, region: "us-east-1", credentials: creds });
  try {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: session }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error(`AssumeRole ${roleArn}: no credentials`);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  } finally {
    sts.destroy();
  }
}

async function createUserWithKey(iam: IAMClient, name: string): Promise<AwsCredentials> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
  if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error(`CreateAccessKey ${name}: no key`);
  return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
}

const signedPost = (name: string, opts: SignOptions = {}): Promise<IamLoginFields> => signedPostLogin(who(name), { serverId: SERVER_ID, ...opts });

describe("AWS auth method, iam login, through OpenBao and moto (SigV4 on)", () => {
  beforeAll(async () => {
    moto = await startMoto({ sigv4: true, extraAccounts: [ACCOUNT_B] });
    front = await startPresignedStsFront(moto.endpoint);
    decoy = await startDecoy(forgedIdentity);
    redirector = await startDecoy((res) => {
      res.writeHead(302, { location: `${decoy?.endpoint ?? ""}/`, "content-type": "text/xml" });
      res.end();
    });
    const iamA = new IAMClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: moto.rootCredentials });
    const adminB = moto.accountCredentials[ACCOUNT_B];
    if (!adminB) throw new Error("moto did not bootstrap account B");
    const iamB = new IAMClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: adminB });
    try {
      principals["alice"] = await createUserWithKey(iamA, "alice");
      principals["bob"] = await createUserWithKey(iamA, "bob");
      await iamA.send(new CreateUserCommand({ UserName: "carol" }));
      await iamA.send(new CreateRoleCommand({ RoleName: "dev", AssumeRolePolicyDocument: TRUST_ANYONE }));
      // CVE-2025-11621's setting: a role of the same name in another account, and the role Vault
      // assumes there to look things up (config/sts).
      await iamB.send(new CreateRoleCommand({ RoleName: "dev", AssumeRolePolicyDocument: TRUST_ANYONE }));
      await iamB.send(new CreateRoleCommand({ RoleName: "vault-reader", AssumeRolePolicyDocument: TRUST_ANYONE }));
      await iamB.send(new PutRolePolicyCommand({ RoleName: "vault-reader", PolicyName: "allow-all", PolicyDocument: ALLOW_ALL }));
    } finally {
      iamA.destroy();
      iamB.destroy();
    }
    principals["dev"] = await assume(moto.rootCredentials, `arn:aws:iam::${ACCOUNT_A}:role/dev`, "build-42");
    principals["devB"] = await assume(adminB, `arn:aws:iam::${ACCOUNT_B}:role/dev`, "build-42");
    for (const creds of Object.values(principals)) front.register(creds);

    server = await startServer({ startTimeoutMs: 60_000 });
    const file = requireDistFile("vault-plugin-auth-aws");
    // Registered as "aws", mounted with `bao auth enable -path=aws aws`.
    await registerAndMount(server, { file, type: "auth", name: "aws", mountPath: "aws" });
    const { accessKeyId, secretAccessKey } = moto.rootCredentials;
    await cli("write", "auth/aws/config/client", `access_key=${accessKeyId}`, `secret_key=${secretAccessKey}`,
      `endpoint=${moto.endpoint}`, `iam_endpoint=${moto.endpoint}`, `sts_endpoint=${front.endpoint}`, "sts_region=us-east-1",
      `iam_server_id_header_value=${SERVER_ID}`);
    await cli("write", `auth/aws/config/sts/${ACCOUNT_B}`, `sts_role=arn:aws:iam::${ACCOUNT_B}:role/vault-reader`);
    await cli("write", "auth/aws/role/alice", "auth_type=iam", `bound_iam_principal_arn=arn:aws:iam::${ACCOUNT_A}:user/alice`,
      "token_policies=dev,ops", "token_ttl=1h", "token_max_ttl=4h");
    await cli("write", "auth/aws/role/renewer", "auth_type=iam", `bound_iam_principal_arn=arn:aws:iam::${ACCOUNT_A}:user/bob`,
      "token_policies=ops", "token_ttl=30m");
    // A wildcard bind: the caller's full ARN is looked up in the caller's own account.
    await cli("write", "auth/aws/role/dev", "auth_type=iam", `bound_iam_principal_arn=arn:aws:iam::${ACCOUNT_A}:role/dev*`,
      "token_policies=deploy");
    await cli("write", "auth/aws/role/web", "auth_type=ec2", "bound_ami_id=ami-0123456789abcdef0", "token_policies=web");
  }, MOTO_START_TIMEOUT_MS);

  afterAll(async () => {
    await server?.stop();
    await front?.stop();
    await decoy?.stop();
    await redirector?.stop();
    await moto?.stop();
  }, 60_000);

  it("config/client reads back the endpoints and header value, never the secret key", async () => {
    const body = parseCliJson(await srv().cli(["read", "-format=json", "auth/aws/config/client"]));
    expect(body.data).toMatchObject({
      access_key: moto?.rootCredentials.accessKeyId,
      endpoint: moto?.endpoint,
      iam_endpoint: moto?.endpoint,
      sts_endpoint: front?.endpoint,
      sts_region: "us-east-1",
      iam_server_id_header_value: SERVER_ID,
    });
    expect(body.data).not.toHaveProperty("secret_key");
  });

  it("roles of both auth types read back with their auth_type and a role_id", async () => {
    const iamRole = parseCliJson(await srv().cli(["read", "-format=json", "auth/aws/role/alice"])).data;
    expect(iamRole).toMatchObject({ auth_type: "iam", bound_iam_principal_arn: [`arn:aws:iam::${ACCOUNT_A}:user/alice`], resolve_aws_unique_ids: true });
    expect((iamRole?.["bound_iam_principal_id"] as string[] | undefined)?.[0]).toMatch(/\S/);
    const ec2Role = parseCliJson(await srv().cli(["read", "-format=json", "auth/aws/role/web"])).data;
    expect(ec2Role).toMatchObject({ auth_type: "ec2", bound_ami_id: ["ami-0123456789abcdef0"] });
    const roles = parseCliJson<string[]>(await srv().cli(["list", "-format=json", "auth/aws/roles"]));
    expect(roles).toEqual(expect.arrayContaining(["alice", "dev", "renewer", "web"]));
  });

  describe("three independent clients log in", () => {
    it("(a') the bao CLI: `bao write auth/aws/login` with an SDK-presigned GET, as a moto IAM user", async () => {
      const fields = await presignedGetLogin(who("alice"), { serverId: SERVER_ID });
      const before = front?.presignedForwarded() ?? 0;
      const body = parseCliJson<{ auth: LoginAuth }>(
        await srv().cli([
          "write", "-format=json", "auth/aws/login", "role=alice",
          `iam_http_request_method=${fields.iam_http_request_method}`, `iam_request_url=${fields.iam_request_url}`,
          "iam_request_body=", `iam_request_headers=${fields.iam_request_headers}`,
        ]),
      );
      expect(front?.presignedForwarded()).toBeGreaterThan(before);
      expect(body.auth.token_policies).toEqual(["default", "dev", "ops"]);
      expect(body.auth.lease_duration).toBe(3600);
      expect(body.auth.renewable).toBe(true);
      expect(body.auth.metadata).toMatchObject({ account_id: ACCOUNT_A, auth_type: "iam", role_id: await roleId("alice") });
    });

    it("(b) hvac's Client.auth.aws.iam_login (its own SigV4 POST), as a moto IAM user and as an assumed role", async () => {
      const asUser = await hvacLogin(who("alice"), "alice", SERVER_ID);
      expect(asUser.ok, asUser.out).toBe(true);
      const user = JSON.parse(asUser.out) as { auth: LoginAuth; token_set: boolean };
      expect(user.token_set).toBe(true);
      expect(user.auth.token_policies).toEqual(["default", "dev", "ops"]);
      expect(user.auth.metadata).toMatchObject({ account_id: ACCOUNT_A, auth_type: "iam" });

      const asRole = await hvacLogin(who("dev"), "dev", SERVER_ID);
      expect(asRole.ok, asRole.out).toBe(true);
      expect((JSON.parse(asRole.out) as { auth: LoginAuth }).auth.token_policies).toEqual(["default", "deploy"]);

      // Without the server-ID header hvac's request is refused, naming the header.
      const noHeader = await hvacLogin(who("alice"), "alice", null);
      expect(noHeader.ok).toBe(false);
      expect(noHeader.out).toMatch(/error validating X-Vault-AWS-IAM-Server-ID header: missing header/i);
    });

    it("(c) the HTTP API with an SDK header-signed POST, as an assumed role: the token's policies, metadata and alias", async () => {
      const auth = await loginOk("aws", "dev", await signedPost("dev"));
      expect(auth.token_policies).toEqual(["default", "deploy"]);
      const token = await lookup(auth.client_token);
      expect(token.policies).toEqual(["default", "deploy"]);
      expect(token.path).toBe("auth/aws/login");
      // Upstream's display name for an assumed role: <role>/<session>, under the mount's prefix.
      expect(token.display_name).toBe("aws-dev/build-42");
      expect(token.meta).toMatchObject({ account_id: ACCOUNT_A, auth_type: "iam", role_id: await roleId("dev") });

      // The identity alias: the role's role_id by default (config/identity iam_alias).
      const entity = parseCliJson(await srv().cli(["read", "-format=json", `identity/entity/id/${token.entity_id}`])).data;
      const aliases = (entity?.["aliases"] ?? []) as { name: string; mount_path: string; mount_type: string }[];
      expect(aliases).toHaveLength(1);
      expect(aliases[0]).toMatchObject({ name: await roleId("dev"), mount_path: "auth/aws/" });

      // full_arn: the caller's ARN as STS answered it; canonical_arn: the role's IAM ARN.
      const aliasWith = async (setting: string): Promise<string | undefined> => {
        await cli("write", "auth/aws/config/identity", `iam_alias=${setting}`);
        const again = await loginOk("aws", "dev", await signedPost("dev"));
        const e2 = parseCliJson(await srv().cli(["read", "-format=json", `identity/entity/id/${(await lookup(again.client_token)).entity_id}`])).data;
        return (e2?.["aliases"] as { name: string }[])[0]?.name;
      };
      try {
        expect(await aliasWith("full_arn")).toBe(`arn:aws:sts::${ACCOUNT_A}:assumed-role/dev/build-42`);
        expect(await aliasWith("canonical_arn")).toBe(`arn:aws:iam::${ACCOUNT_A}:role/dev`);
      } finally {
        await cli("write", "auth/aws/config/identity", "iam_alias=role_id");
      }
    });
  });

  describe("renewal", () => {
    it("`bao token renew` renews while the binding matches and refuses once the role is bound elsewhere", async () => {
      const auth = await loginOk("aws", "renewer", await signedPost("bob"));
      expect(auth.lease_duration).toBe(1800);
      const renewed = parseCliJson<{ auth: LoginAuth }>(await srv().cli(["token", "renew", "-format=json", auth.client_token]));
      expect(renewed.auth.lease_duration).toBe(1800);
      expect(renewed.auth.token_policies).toEqual(["default", "ops"]);

      await cli("write", "auth/aws/role/renewer", `bound_iam_principal_arn=arn:aws:iam::${ACCOUNT_A}:user/carol`);
      const refused = await srv().cli(["token", "renew", auth.client_token]);
      expect(refused.code, refused.stdout).not.toBe(0);
      expect(refused.stderr).toMatch(/role "renewer" no longer bound to ARN "arn:aws:iam::123456789012:user\/bob"/);
    });
  });

  describe("refusals", () => {
    it("an iam login against an ec2 role names the auth type", async () => {
      await expectRefused(login("aws", "web", await signedPost("alice")), 400, /auth method iam not allowed for role web/);
    });

    it("a principal outside the binding is refused, naming the ARN and the role", async () => {
      await expectRefused(login("aws", "alice", await signedPost("bob")), 400,
        /IAM Principal "arn:aws:iam::123456789012:user\/bob" does not belong to the role "alice"/);
    });

    it("a wrong secret key: moto's SignatureDoesNotMatch (an HTML 403) is refused as upstream does, by its content type", async () => {
      const fields = await signedPostLogin({ ...who("alice"), secretAccessKey: "not-the-secret" }, { serverId: SERVER_ID });
      await expectRefused(login("aws", "alice", fields), 400, /error making upstream request: body of GetCallerIdentity is invalid.*403/);
    });

    it("the server-ID header: missing, wrong, and present but not signed", async () => {
      await expectRefused(login("aws", "alice", await signedPostLogin(who("alice"))), 400,
        /error validating X-Vault-AWS-IAM-Server-ID header: missing header "X-Vault-AWS-IAM-Server-ID"/);
      await expectRefused(login("aws", "alice", await signedPost("alice", { serverId: "other.example" })), 400,
        /error validating X-Vault-AWS-IAM-Server-ID header: expected "vault.example.com" but got "other.example"/);
      const unsigned = await signedPostLogin(who("alice"));
      const headers = JSON.parse(Buffer.from(unsigned.iam_request_headers, "base64").toString("utf8")) as Record<string, string[]>;
      headers["X-Vault-AWS-IAM-Server-ID"] = [SERVER_ID];
      unsigned.iam_request_headers = Buffer.from(JSON.stringify(headers)).toString("base64");
      await expectRefused(login("aws", "alice", unsigned), 400, /error validating X-Vault-AWS-IAM-Server-ID header: vault header wasn't signed/);
    });

    describe("CVE-2020-16250: the forwarded request can only be GetCallerIdentity to sts_endpoint", () => {
      it("a URL with a query string pointing at another host is refused and that host is never contacted", async () => {
        const hits = decoy?.hits ?? 0;
        const fields = await signedPost("alice", { host: decoy?.hostPort, query: { Action: "GetCallerIdentity" } });
        await expectRefused(login("aws", "alice", fields), 400, /invalid request/);
        expect(decoy?.hits).toBe(hits);
      });

      it("a URL naming another host is still answered by sts_endpoint: the signer's own identity, never the forged one", async () => {
        const hits = decoy?.hits ?? 0;
        const fields = await signedPost("bob", { host: decoy?.hostPort });
        // bob is not alice: the decoy's forged admin identity would have passed no binding either,
        // but the point is who answered. sts_endpoint (moto) says bob.
        await expectRefused(login("aws", "alice", fields), 400, /IAM Principal "arn:aws:iam::123456789012:user\/bob" does not belong/);
        expect(decoy?.hits).toBe(hits);
      });

      it("an extra X-Amz-* header outside the allow-list is refused, naming it", async () => {
        const fields = await signedPost("alice", { extraHeaders: { "x-amz-mallory-header": "1" } });
        await expectRefused(login("aws", "alice", fields), 400, /invalid request header: x-amz-mallory-header/i);
      });

      it("a body with another action, or a second action, is refused", async () => {
        await expectRefused(login("aws", "alice", await signedPost("alice", { body: "Action=ListUsers&Version=2010-05-08" })), 400, /iam request body is invalid/);
        await expectRefused(
          login("aws", "alice", await signedPost("alice", { body: "Action=GetCallerIdentity&Action=AssumeRole&Version=2011-06-15" })),
          400, /iam request body is invalid/,
        );
        await expectRefused(
          login("aws", "alice", await signedPost("alice", { body: "Action=GetCallerIdentity&Version=2011-06-15&RoleArn=x" })),
          400, /iam request body is invalid/,
        );
      });

      it("a presigned GET for another action is refused", async () => {
        const fields = await presignedGetLogin(who("alice"), { serverId: SERVER_ID, query: { Action: "AssumeRole" } });
        await expectRefused(login("aws", "alice", fields), 400, /unexpected action parameter, AssumeRole|found multiple actions/);
      });

      it("an sts_endpoint that answers 302 is not followed: the redirect target is never contacted", async () => {
        await cli("auth", "enable", "-path=aws-redirect", "aws");
        const { accessKeyId, secretAccessKey } = moto?.rootCredentials ?? { accessKeyId: "", secretAccessKey: "" };
        await cli("write", "auth/aws-redirect/config/client", `access_key=${accessKeyId}`, `secret_key=${secretAccessKey}`,
          `endpoint=${moto?.endpoint ?? ""}`, `iam_endpoint=${moto?.endpoint ?? ""}`, `sts_endpoint=${redirector?.endpoint ?? ""}`,
          "sts_region=us-east-1", "max_retries=0");
        await cli("write", "auth/aws-redirect/role/admin", "auth_type=iam", "resolve_aws_unique_ids=false",
          `bound_iam_principal_arn=arn:aws:iam::${ACCOUNT_A}:user/vnp-moto-admin`);
        const hits = decoy?.hits ?? 0;
        const redirects = redirector?.hits ?? 0;
        await expectRefused(login("aws-redirect", "admin", await signedPostLogin(who("alice"))), 400,
          /error making upstream request: received error code 302 from STS/);
        expect(redirector?.hits).toBe(redirects + 1);
        expect(decoy?.hits).toBe(hits);
      });
    });

    describe("CVE-2025-11621: a same-named role in another account", () => {
      it("the trusted account's role logs in; the same role name in account B is refused although its clients were warmed", async () => {
        // Warm the per-account clients with the trusted account first (the bug reused them).
        await loginOk("aws", "dev", await signedPost("dev"));
        await expectRefused(login("aws", "dev", await signedPost("devB")), 400,
          /IAM Principal "arn:aws:sts::210987654321:assumed-role\/dev\/build-42" does not belong to the role "dev"/);
      });

      it("without a config/sts entry for account B the lookup is refused, never answered from account A", async () => {
        await cli("delete", `auth/aws/config/sts/${ACCOUNT_B}`);
        try {
          const res = await login("aws", "dev", await signedPost("devB"));
          expect(res.status, res.text).toBe(400);
          expect((res.json?.errors ?? []).join("\n")).toMatch(/210987654321/);
        } finally {
          await cli("write", `auth/aws/config/sts/${ACCOUNT_B}`, `sts_role=arn:aws:iam::${ACCOUNT_B}:role/vault-reader`);
        }
      });
    });
  });
});
