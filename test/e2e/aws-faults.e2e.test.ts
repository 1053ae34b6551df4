// AWS going away under a running engine, through real OpenBao and moto: IAM and STS are reached
// through a TCP forwarder (test/helpers/tcp-fault-proxy.ts) that can refuse connections (AWS
// unreachable) or accept and never answer (AWS hung). Nothing is restarted between the phases:
// the same plugin process must recover by itself, and OpenBao's own revocation retries must
// clean up leases whose revocation failed during the outage.
import { GetUserCommand, IAMClient, ListAccessKeysCommand, ListUsersCommand } from "@aws-sdk/client-iam";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MOTO_START_TIMEOUT_MS, startMoto, type MotoServer } from "../helpers/moto.js";
import { startTcpFaultProxy, type TcpFaultProxy } from "../helpers/tcp-fault-proxy.js";
import { cliOk, type DevServer, parseCliJson, registerAndMount, requireDistFile, started, startServer, waitFor } from "./lib.js";

const POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }] });
/** The longest a creds request may take against a hung AWS: well inside OpenBao's 90 s request limit. */
const HUNG_BOUND_MS = 75_000;

let moto: MotoServer | undefined;
let faults: TcpFaultProxy | undefined;
let server: DevServer | undefined;
let iam: IAMClient | undefined;

const srv = started<DevServer>(() => server, "server");
const proxy = started<TcpFaultProxy>(() => faults, "fault proxy");

const cli = (...args: string[]): Promise<string> => cliOk(srv(), args);

interface Lease {
  lease_id: string;
  data: Record<string, unknown>;
}

async function issue(path: string): Promise<Lease> {
  return parseCliJson<Lease>(await srv().cli(["read", "-format=json", path]));
}

/** The IAM user that owns an access key, asked of moto directly (not through the fault proxy). */
async function ownerOf(accessKey: string): Promise<string> {
  const users = await iam?.send(new ListUsersCommand({ MaxItems: 1000 }));
  for (const user of users?.Users ?? []) {
    const keys = await iam?.send(new ListAccessKeysCommand({ UserName: user.UserName }));
    if ((keys?.AccessKeyMetadata ?? []).some((k) => k.AccessKeyId === accessKey)) return user.UserName ?? "";
  }
  throw new Error(`no user owns ${accessKey}`);
}

async function userExists(name: string): Promise<boolean> {
  try {
    await iam?.send(new GetUserCommand({ UserName: name }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name?.startsWith("NoSuchEntity") === true) return false;
    throw err;
  }
}

async function vaultUserCount(): Promise<number> {
  const users = await iam?.send(new ListUsersCommand({ MaxItems: 1000 }));
  return (users?.Users ?? []).filter((u) => (u.UserName ?? "").startsWith("vault-")).length;
}

/** OpenBao's "failed to revoke lease" log lines so far. */
function revocationFailures(): number {
  return readFileSync(srv().logFile, "utf8").split("failed to revoke lease").length - 1;
}

function pluginPids(): number[] {
  return srv().pluginProcesses().map((p) => p.pid).sort();
}

describe("AWS unreachable or hung under a running engine", () => {
  beforeAll(async () => {
    moto = await startMoto({ sigv4: true });
    faults = await startTcpFaultProxy(moto.endpoint);
    iam = new IAMClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: moto.rootCredentials });
    server = await startServer({ startTimeoutMs: 60_000 });
    await registerAndMount(server, { file: requireDistFile("vault-plugin-secrets-aws"), type: "secret", name: "aws", mountPath: "aws" });
    const { accessKeyId, secretAccessKey } = moto.rootCredentials;
    // The SDK's default retries, as an operator would have them.
    await cli("write", "aws/config/root", `access_key=${accessKeyId}`, `secret_key=${secretAccessKey}`, "region=us-east-1",
      `iam_endpoint=${faults.endpoint}`, `sts_endpoint=${faults.endpoint}`);
    await cli("write", "aws/roles/app", "credential_type=iam_user", `policy_document=${POLICY}`);
    await cli("write", "aws/roles/short", "credential_type=iam_user", `policy_document=${POLICY}`, "ttl=5s", "max_ttl=5s");
  }, MOTO_START_TIMEOUT_MS);

  // A failed test must not leave AWS away for the next one.
  beforeEach(async () => {
    await faults?.up();
  });

  afterAll(async () => {
    await faults?.up();
    await server?.stop();
    await faults?.stop();
    await moto?.stop();
    iam?.destroy();
  }, 60_000);

  it("down and back: creds fail clearly while AWS is unreachable, then work again; a revoke that failed meanwhile succeeds after", async () => {
    const before = await issue("aws/creds/app");
    const owner = await ownerOf(String(before.data["access_key"]));
    const pids = pluginPids();
    const users = await vaultUserCount();

    await proxy().down();
    const refused = await srv().http("GET", "/v1/aws/creds/app");
    expect(refused.status, refused.text).toBe(400);
    expect((refused.json?.errors ?? []).join("\n")).toMatch(/^Error creating IAM user: IAM CreateUser: AWS could not be reached: connect ECONNREFUSED/s);
    expect(await vaultUserCount()).toBe(users);

    // Revoked synchronously, the failure is answered at once and the lease stays.
    const revokeDuringOutage = await srv().cli(["lease", "revoke", "-sync", before.lease_id]);
    expect(revokeDuringOutage.code, revokeDuringOutage.stdout).not.toBe(0);
    expect(revokeDuringOutage.stderr).toMatch(/AWS could not be reached: connect ECONNREFUSED/);
    const lookup = await srv().http("PUT", "/v1/sys/leases/lookup", { lease_id: before.lease_id });
    expect(lookup.status, "the lease stays while its revocation fails").toBe(200);
    expect(await userExists(owner)).toBe(true);
    // Revoked the CLI's default way (queued), OpenBao keeps trying.
    await cli("lease", "revoke", before.lease_id);

    await proxy().up();
    const after = await issue("aws/creds/app");
    expect(after.data["access_key"]).toEqual(expect.any(String));
    // OpenBao retries a failed revocation with a back-off (20 s after the first failure).
    await waitFor(`user ${owner} deleted by the retried revocation`, async () => !(await userExists(owner)), { timeoutMs: 90_000, intervalMs: 1_000 });
    await cli("lease", "revoke", "-sync", after.lease_id);
    expect(pluginPids(), "the same plugin process served throughout").toEqual(pids);
  }, 150_000);

  it("a lease that expires while AWS is unreachable is revoked by OpenBao's retry once AWS is back", async () => {
    const lease = await issue("aws/creds/short");
    const owner = await ownerOf(String(lease.data["access_key"]));
    const failuresBefore = revocationFailures();
    await proxy().down();
    // The lease expires after 5 s; OpenBao's first revocation attempt fails against the closed port.
    await waitFor("OpenBao's failed revocation attempt", () => revocationFailures() > failuresBefore, {
      timeoutMs: 30_000,
      intervalMs: 500,
    });
    expect(await userExists(owner)).toBe(true);
    await proxy().up();
    // OpenBao retries with a back-off (20 s after the first failure); the user goes then.
    await waitFor(`user ${owner} deleted by the retried revocation`, async () => !(await userExists(owner)), { timeoutMs: 90_000, intervalMs: 1_000 });
    const lookup = await srv().http("PUT", "/v1/sys/leases/lookup", { lease_id: lease.lease_id });
    expect(lookup.status, lookup.text).toBe(400);
  }, 150_000);

  it(`hung: an endpoint that accepts and never answers ends the creds request with a clear error within ${HUNG_BOUND_MS / 1000} s`, async () => {
    const users = await vaultUserCount();
    await proxy().hang();
    const started = Date.now();
    const res = await srv().http("GET", "/v1/aws/creds/app", undefined, { timeoutMs: 120_000 });
    const elapsed = Date.now() - started;
    await proxy().up();
    expect(proxy().hungConnections).toBeGreaterThan(0);
    expect(elapsed, `creds answered ${res.status} after ${elapsed} ms: ${res.text}`).toBeLessThan(HUNG_BOUND_MS);
    expect(res.status, res.text).toBe(400);
    expect((res.json?.errors ?? []).join("\n")).toMatch(/^Error creating IAM user: IAM CreateUser: AWS did not answer in time/s);
    expect(await vaultUserCount()).toBe(users);
    // And the engine is fine afterwards.
    const lease = await issue("aws/creds/app");
    await cli("lease", "revoke", lease.lease_id);
  }, 180_000);
});
