// High availability: the AWS secrets engine in a three-node OpenBao cluster on integrated storage
// (Raft), against moto with SigV4 on. IAM goes through the loopback proxy, which counts calls and
// can hold one in flight, so the active node can be killed in the middle of issuing credentials
// and of rotating a static role's key.
//
// What must hold:
//   * every path answers through every node: standbys serve reads themselves and forward what
//     writes — credential issuance included, before anything is created in AWS (no user created
//     twice, no "cannot write to readonly storage" from the plugin);
//   * after SIGKILL of the active node a standby takes over, serves every mount, revokes every
//     lease the old active issued, rolls back the IAM user it left half-created (its WAL entry),
//     and rotates the static role once — not once per node, not twice;
//   * nothing issued is lost track of: at the end no IAM user made by the engine is left in moto.
// The file is bounded in time: each wait has its own limit, the whole file stays under 5 minutes.
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDeleteConflictProxy, type DeleteConflictProxy, type ProxiedCall } from "../helpers/delete-conflict-proxy.js";
import { MOTO_START_TIMEOUT_MS, startMoto, type MotoServer } from "../helpers/moto.js";
import { startCluster, type Cluster, type ClusterNode } from "./cluster.js";
import { requireDistFile, waitFor, type HttpResult } from "./lib.js";

const ACCOUNT = "123456789012";
const ADMIN_ARN = `arn:aws:iam::${ACCOUNT}:user/vnp-moto-admin`;
const POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }] });
const ALLOW_ALL = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
const STATIC_USER = "vnp-ha-static";
const ROTATE_ROOT_USER = "vnp-ha-root-b";
/** Upstream's smallest rotation_period: the static role is due about every minute. */
const ROTATION_PERIOD_S = 60;
const CLUSTER_START_LIMIT_MS = 90_000;

let moto: MotoServer | undefined;
let proxy: DeleteConflictProxy | undefined;
let cluster: Cluster | undefined;
let iam: IAMClient | undefined;
const timings: Record<string, number> = {};

const ha = (): Cluster => {
  if (cluster === undefined) throw new Error("cluster did not start (see beforeAll)");
  return cluster;
};
const aws = (): IAMClient => {
  if (iam === undefined) throw new Error("moto did not start (see beforeAll)");
  return iam;
};
const px = (): DeleteConflictProxy => {
  if (proxy === undefined) throw new Error("proxy did not start (see beforeAll)");
  return proxy;
};

async function ok(node: ClusterNode, method: string, path: string, body?: unknown, status = [200, 204]): Promise<HttpResult> {
  const res = await node.http(method, path, body);
  expect(status, `${method} ${path} on ${node.name}: ${res.status} ${res.text}`).toContain(res.status);
  return res;
}

async function engineUsers(): Promise<string[]> {
  const out = await aws().send(new ListUsersCommand({ MaxItems: 1000 }));
  return (out.Users ?? []).map((u) => u.UserName ?? "").filter((n) => n.startsWith("vault-"));
}

/** Calls of `action` the proxy saw, optionally for one user. */
const callsOf = (action: string, userName?: string): number =>
  px().calls.filter((c) => c.action === action && (userName === undefined || c.userName === userName)).length;

async function configureMount(node: ClusterNode, mount: string, keys: { accessKeyId: string; secretAccessKey: string }): Promise<void> {
  await ok(node, "PUT", `${mount}/config/root`, {
    access_key: keys.accessKeyId,
    secret_key: keys.secretAccessKey,
    region: "us-east-1",
    iam_endpoint: px().endpoint,
    sts_endpoint: moto?.endpoint,
    max_retries: 0,
  });
}

/** Moves the created_at of every WAL entry of `mount` back by `seconds`, through sys/raw. */
async function backdateWalEntries(node: ClusterNode, mount: string, seconds: number): Promise<number> {
  const mounts = await ok(node, "GET", "sys/mounts");
  const uuid = (mounts.json as { data: Record<string, { uuid: string }> }).data[mount]?.uuid ?? "";
  const walDir = `/v1/sys/raw/logical/${uuid}/wal/`;
  const listed = await node.http("LIST", walDir);
  if (listed.status === 404) return 0;
  expect(listed.status, listed.text).toBe(200);
  const ids = (listed.json as { data: { keys: string[] } }).data.keys;
  for (const id of ids) {
    const read = await ok(node, "GET", walDir + id);
    const entry = JSON.parse((read.json as { data: { value: string } }).data.value) as { created_at: number };
    entry.created_at -= seconds;
    await ok(node, "PUT", walDir + id, { value: JSON.stringify(entry) });
  }
  return ids.length;
}

/** A poll function for waitFor: the call once `arrived` has resolved, undefined until then. */
function arrivedYet(arrived: Promise<ProxiedCall>): () => ProxiedCall | undefined {
  let call: ProxiedCall | undefined;
  void arrived.then((c) => (call = c));
  return () => call;
}

async function liveLeases(node: ClusterNode, prefix: string): Promise<string[]> {
  const res = await node.http("LIST", `sys/leases/lookup/${prefix}`);
  if (res.status === 404) return [];
  expect(res.status, res.text).toBe(200);
  return ((res.json as { data: { keys: string[] } }).data.keys ?? []).map((k) => prefix + k);
}

describe("HA: three OpenBao nodes on Raft, the active one killed mid-work", () => {
  beforeAll(async () => {
    moto = await startMoto({ sigv4: true });
    proxy = await startDeleteConflictProxy(moto.endpoint, { credentials: moto.rootCredentials });
    iam = new IAMClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: moto.rootCredentials });
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: ADMIN_ARN }, Action: ["sts:AssumeRole"] }] });
    await aws().send(new CreateRoleCommand({ RoleName: "vnp-ha-deploy", AssumeRolePolicyDocument: trust }));
    await aws().send(new CreateUserCommand({ UserName: STATIC_USER }));
    await aws().send(new CreateUserCommand({ UserName: ROTATE_ROOT_USER }));
    await aws().send(new PutUserPolicyCommand({ UserName: ROTATE_ROOT_USER, PolicyName: "all", PolicyDocument: ALLOW_ALL }));

    const started = Date.now();
    cluster = await startCluster({ startTimeoutMs: CLUSTER_START_LIMIT_MS });
    timings["cluster start"] = Date.now() - started;
    const file = requireDistFile("vault-plugin-secrets-aws");
    await cluster.registerPlugin({ file, type: "secret", name: "aws", mountPath: "aws" });
    await ok(await cluster.active(), "POST", "sys/mounts/aws-b", { type: "aws", plugin_version: "v0.1.0" });
    // Standbys set up a mount when the replicated mount table reaches them.
    for (const node of cluster.nodes) {
      for (const mount of ["aws", "aws-b"]) {
        await waitFor(`${mount} mounted on ${node.name}`, async () => (await node.http("GET", `${mount}/config/lease?help=1`)).status === 200, { timeoutMs: 60_000, intervalMs: 250 });
      }
    }
    timings["cluster start, plugin mounted on every node"] = Date.now() - started;
  }, MOTO_START_TIMEOUT_MS);

  afterAll(async () => {
    process.stderr.write(`[ha] timings (ms): ${JSON.stringify(timings)}\n`);
    await cluster?.stop();
    await proxy?.stop();
    await moto?.stop();
    iam?.destroy();
  }, 60_000);

  it("starts within its bound: one active node, two standbys", async () => {
    expect(timings["cluster start"]).toBeLessThan(CLUSTER_START_LIMIT_MS);
    const active = await ha().active();
    expect((await ha().standbys()).map((n) => n.name).sort()).toEqual(ha().nodes.filter((n) => n !== active).map((n) => n.name).sort());
  });

  it("every path answers through every node: reads served by standbys, writes forwarded before any side effect", async () => {
    const started = Date.now();
    const active = await ha().active();
    const [standbyA, standbyB] = await ha().standbys();
    if (standbyA === undefined || standbyB === undefined) throw new Error("two standbys expected");
    // Configuration written through standbys: forwarded to the active node.
    await configureMount(standbyA, "aws", moto?.rootCredentials ?? { accessKeyId: "", secretAccessKey: "" });
    const rootB = await aws().send(new CreateAccessKeyCommand({ UserName: ROTATE_ROOT_USER }));
    await configureMount(standbyB, "aws-b", { accessKeyId: rootB.AccessKey?.AccessKeyId ?? "", secretAccessKey: rootB.AccessKey?.SecretAccessKey ?? "" });
    // The static role first, so that its first rotation falls due while the rest runs.
    await ok(standbyA, "PUT", `aws/static-roles/${STATIC_USER}`, { username: STATIC_USER, rotation_period: `${ROTATION_PERIOD_S}s` });
    await ok(standbyB, "PUT", "aws/roles/user", { credential_type: "iam_user", policy_document: POLICY });
    await ok(standbyA, "PUT", "aws/roles/ar", { credential_type: "assumed_role", role_arns: [`arn:aws:iam::${ACCOUNT}:role/vnp-ha-deploy`] });
    await ok(standbyB, "PUT", "aws-b/roles/gone", { credential_type: "iam_user", policy_document: POLICY });
    await ok(standbyA, "PUT", "aws/config/lease", { lease: "1h", lease_max: "2h" });
    await ok(standbyB, "PUT", "aws/static-roles/tmp", { username: ROTATE_ROOT_USER, rotation_period: "1h" });
    await ok(standbyB, "DELETE", "aws/static-roles/tmp");
    await ok(standbyA, "DELETE", "aws-b/roles/gone");
    // rotate-root through a standby: forwarded, done once by the active node.
    const rotateCalls = callsOf("CreateAccessKey", ROTATE_ROOT_USER);
    const rotated = await ok(standbyB, "PUT", "aws-b/config/rotate-root", {});
    expect(callsOf("CreateAccessKey", ROTATE_ROOT_USER)).toBe(rotateCalls + 1);
    const newRootKey = (rotated.json as { data: { access_key: string } }).data.access_key;
    const rootKeys = await aws().send(new ListAccessKeysCommand({ UserName: ROTATE_ROOT_USER }));
    expect(rootKeys.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([newRootKey]);

    // Every read on every node (standby reads are local; data written above has replicated).
    for (const node of ha().nodes) {
      await waitFor(`${node.name} sees the roles`, async () => (await node.http("GET", "aws/roles/ar")).status === 200, { timeoutMs: 10_000 });
      for (const path of ["aws/config/root", "aws-b/config/root", "aws/config/lease", "aws/roles/user", "aws/roles/ar", `aws/static-roles/${STATIC_USER}`, `aws/static-creds/${STATIC_USER}`]) {
        await ok(node, "GET", path, undefined, [200]);
      }
      await ok(node, "LIST", "aws/roles", undefined, [200]);
      await ok(node, "LIST", "aws/static-roles", undefined, [200]);
      await ok(node, "GET", "aws/roles/gone-for-good", undefined, [404, 204]);
    }

    // Credentials through every node: issued once each, on the active node, with a lease.
    const usersBefore = callsOf("CreateUser");
    const leases: string[] = [];
    for (const node of ha().nodes) {
      const user = await ok(node, "GET", "aws/creds/user", undefined, [200]);
      const assumed = await ok(node, "GET", "aws/sts/ar", undefined, [200]);
      for (const res of [user, assumed]) leases.push((res.json as { lease_id: string }).lease_id);
    }
    expect(callsOf("CreateUser") - usersBefore).toBe(3);
    for (const lease of leases) {
      expect(lease).toMatch(/^aws\/(creds\/user|sts\/ar)\//);
      await ok(active, "PUT", "sys/leases/lookup", { lease_id: lease }, [200]);
    }
    // Forwarded before the handler ran: no plugin on a standby tried to write.
    for (const node of [standbyA, standbyB]) {
      const lines = node.logText().split("\n");
      expect(lines.filter((l) => /cannot write to readonly storage|failed to persist lease entry/.test(l)), node.name).toEqual([]);
    }
    timings["every path, every node"] = Date.now() - started;
  }, 120_000);

  it("the active node killed while issuing credentials and while rotating the static role: a standby takes over cleanly", async () => {
    const started = Date.now();
    const oldActive = await ha().active();
    const [standby] = await ha().standbys();
    if (standby === undefined) throw new Error("a standby expected");
    const leasesBefore = [...(await liveLeases(oldActive, "aws/creds/user/")), ...(await liveLeases(oldActive, "aws/sts/ar/"))];
    expect(leasesBefore).toHaveLength(6);

    // Hold the static role's next rotation and one credential issuance at CreateAccessKey: the
    // user exists in IAM (and its WAL entry in storage), the key is on its way.
    const rotation = px().holdNext("CreateAccessKey", STATIC_USER);
    const issuance = px().holdNext("CreateAccessKey", /^vault-/);
    const inFlight = standby.http("GET", "aws/creds/user", undefined, { timeoutMs: 120_000 }).catch((err: unknown) => err);
    const held = await waitFor("the issuance to reach CreateAccessKey", arrivedYet(issuance.arrived), { timeoutMs: 30_000 });
    const halfCreatedUser = held.userName ?? "";
    expect(halfCreatedUser).toMatch(/^vault-/);
    // The rotation is due at most a period plus the one-minute rollback tick after the role was written.
    await waitFor("the static rotation to reach CreateAccessKey", arrivedYet(rotation.arrived), { timeoutMs: 150_000, intervalMs: 500 });
    timings["waiting for the rotation"] = Date.now() - started;
    const staticKeyBefore = ((await ok(standby, "GET", `aws/static-creds/${STATIC_USER}`)).json as { data: { access_key: string } }).data.access_key;
    const staticCreatesBefore = callsOf("CreateAccessKey", STATIC_USER);
    // The key made when the role was written, and the held rotation: no standby rotated meanwhile.
    expect(staticCreatesBefore).toBe(2);

    const killedAt = Date.now();
    await ha().kill(oldActive);
    // The held calls go on to AWS now, as they would have from a node dying after sending them.
    issuance.release();
    rotation.release();
    const answer = await inFlight;
    // The standby could not get an answer from the dead node: an error (or OpenBao's fallback, a
    // redirect to the node it still believes active), never credentials.
    if (!(answer instanceof Error)) expect((answer as HttpResult).status, (answer as HttpResult).text).not.toBe(200);

    const newActive = await ha().active(60_000);
    timings["failover"] = Date.now() - killedAt;
    expect(newActive).not.toBe(oldActive);

    // Every mount is served by the new active node, the lease table came with it.
    await waitFor("both mounts served by the new active node", async () => {
      const a = await newActive.http("GET", "aws/config/root");
      const b = await newActive.http("GET", "aws-b/config/root");
      return a.status === 200 && b.status === 200;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    await ok(newActive, "GET", `aws/static-roles/${STATIC_USER}`, undefined, [200]);
    for (const lease of leasesBefore) await ok(newActive, "PUT", "sys/leases/lookup", { lease_id: lease }, [200]);
    // Writes through the remaining standby reach the new active node.
    const [remaining] = await ha().standbys();
    // (Until the standby learns who leads now, OpenBao answers with a redirect: retry, bounded.)
    if (remaining !== undefined) {
      await waitFor("a write through the remaining standby", async () => {
        const res = await remaining.http("PUT", "aws/roles/after", { credential_type: "iam_user", policy_document: POLICY });
        return res.status === 204;
      }, { timeoutMs: 30_000, intervalMs: 500 });
    }

    // The half-created user has no lease: only its WAL entry knows it. Age the entry (the
    // engine leaves entries younger than five minutes alone) and let the rollback run.
    expect(await engineUsers()).toContain(halfCreatedUser);
    expect(await backdateWalEntries(newActive, "aws/", 10 * 60)).toBeGreaterThan(0);
    await waitFor("the half-created user rolled back by the new active node", async () => !(await engineUsers()).includes(halfCreatedUser), {
      timeoutMs: 100_000,
      intervalMs: 1_000,
    });
    timings["WAL rollback after failover"] = Date.now() - killedAt;

    // Exactly one rotation by the new active node (it picks the due role up from storage);
    // the standby does not rotate, and nothing rotates twice.
    await waitFor("the new active node to rotate the static role", () => callsOf("CreateAccessKey", STATIC_USER) > staticCreatesBefore, {
      timeoutMs: 100_000,
      intervalMs: 1_000,
    });
    timings["rotation after failover"] = Date.now() - killedAt;
    const staticKeyAfter = await waitFor("the rotated key stored", async () => {
      const res = await newActive.http("GET", `aws/static-creds/${STATIC_USER}`);
      const key = (res.json as { data?: { access_key?: string } } | null)?.data?.access_key;
      return key !== undefined && key !== staticKeyBefore ? key : undefined;
    }, { timeoutMs: 10_000 });
    const keys = (await aws().send(new ListAccessKeysCommand({ UserName: STATIC_USER }))).AccessKeyMetadata ?? [];
    expect(keys.map((k) => k.AccessKeyId)).toContain(staticKeyAfter);
    await new Promise((r) => setTimeout(r, 10_000));
    expect(callsOf("CreateAccessKey", STATIC_USER)).toBe(staticCreatesBefore + 1);

    // Every lease the old active node issued is revoked by the new one, and with it every user.
    const revoke = await newActive.cli(["lease", "revoke", "-sync", "-prefix", "aws/"]);
    expect(revoke.code, revoke.stdout + revoke.stderr).toBe(0);
    expect([...(await liveLeases(newActive, "aws/creds/user/")), ...(await liveLeases(newActive, "aws/sts/ar/"))]).toEqual([]);
    // Nothing issued is lost track of: no user made by the engine is left in IAM.
    expect(await engineUsers()).toEqual([]);
    timings["kill test"] = Date.now() - started;
  }, 300_000);
});
