// A creds request Vault gives up on (its request timeout, the client hanging up, kill -9 before
// the reply): whatever step it is in, the issuance stops at the next step, the WAL entry stays,
// and the rollback removes everything that was created. Nothing issued is lost track of.
import { afterEach, describe, expect, it, vi } from "vitest";
import { listWal } from "../../../src/framework/index.js";
import type { Response } from "../../../src/logical/index.js";
import { AWS_USER_ROLLBACK_MIN_AGE_MS } from "../../../src/engines/aws-secrets/rollback.js";
import { harness, putRole, type Harness } from "./creds-fakes.js";

const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';

afterEach(() => {
  vi.useRealTimers();
});

/** Vault's periodic `rollback` operation, with Vault's clock at the harness clock. */
async function rollback(h: Harness, signal?: AbortSignal): Promise<Response | undefined> {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(h.clock.current);
  try {
    return await h.backend.handleRequest(h.request({ operation: "rollback", path: "", ...(signal === undefined ? {} : { signal }) }));
  } finally {
    vi.useRealTimers();
  }
}

/** A harness with a role that makes every creation step happen once. */
async function everyStep(): Promise<Harness> {
  const h = harness();
  h.iam.groups.set("devs", { attached: [], inline: new Map() });
  await putRole(h.storage, "deploy", {
    credential_types: ["iam_user"], policy_document: POLICY, policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], iam_groups: ["devs"], iam_tags: { t: "v" },
  });
  return h;
}

const STEPS = ["CreateUser", "AttachUserPolicy", "PutUserPolicy", "AddUserToGroup", "TagUser", "CreateAccessKey"] as const;

describe("a creds request cancelled during an IAM user's creation", () => {
  it.each(STEPS)("cancelled while AWS runs %s: stops there, keeps the WAL entry, and the rollback removes the user", async (step) => {
    const h = await everyStep();
    const controller = new AbortController();
    // The worst case: AWS completes the call, but the cancel arrived while it ran.
    h.iam.failures.set(step, () => {
      controller.abort(new Error("the host cancelled the call"));
      return undefined;
    });
    const request = h.request({ operation: "read", path: "creds/deploy", signal: controller.signal });
    const outcome = await h.backend.handleRequest(request).then(
      (response) => ({ response }),
      (error: unknown) => ({ error }),
    );
    // No key reaches anybody without a lease, and the step after the cancel never ran.
    if ("response" in outcome) expect(outcome.response?.data?.["access_key"]).toBeUndefined();
    const ops = h.iam.calls.map((c) => c.split(" ")[0]);
    expect(ops.at(-1)).toBe(step);
    expect(h.iam.users.size).toBe(1);
    expect(await listWal(h.storage)).toHaveLength(1);

    h.clock.advance(AWS_USER_ROLLBACK_MIN_AGE_MS + 1_000);
    expect(await rollback(h)).toBeUndefined();
    expect(h.iam.users.size).toBe(0);
    expect(await listWal(h.storage)).toEqual([]);
  });

  it("cancelled after the keys exist but before the reply went out: the reply's commit never runs, the rollback removes the user", async () => {
    const h = await everyStep();
    const response = await h.backend.handleRequest(h.request({ operation: "read", path: "creds/deploy" }));
    expect(response?.data?.["access_key"]).toBeDefined();
    expect(response?.afterReply).toBeTypeOf("function");
    // The transport drops afterReply for a cancelled call (test/grpc/backend-server-cancellation.test.ts).
    expect(await listWal(h.storage)).toHaveLength(1);
    h.clock.advance(AWS_USER_ROLLBACK_MIN_AGE_MS + 1_000);
    expect(await rollback(h)).toBeUndefined();
    expect(h.iam.users.size).toBe(0);
  });

  it("killed after Vault got the reply but before the commit: the rollback deletes the user, and the lease's revoke then succeeds once it is five minutes old", async () => {
    const h = await everyStep();
    const issued = h.clock.now();
    const response = await h.backend.handleRequest(h.request({ operation: "read", path: "creds/deploy" }));
    // Vault records the lease; the process dies before afterReply runs.
    h.clock.advance(AWS_USER_ROLLBACK_MIN_AGE_MS + 1_000);
    expect(await rollback(h)).toBeUndefined();
    expect(h.iam.users.size).toBe(0);
    const secret = response?.secret;
    expect(secret).toBeDefined();
    if (secret === undefined) return;
    // Vault stamps the lease when it records it, a little after the WAL entry was written.
    const lease = { ...secret, lease: { ...secret.lease, issueTime: new Date(issued.getTime() + 30_000) } };
    const revoke = () => h.backend.handleRequest(h.request({ operation: "revoke", path: "", secret: lease }));
    // Younger than five minutes: IAM's "no such user" is not believed yet, and Vault retries.
    await expect(revoke()).rejects.toThrow(/NoSuchEntity/);
    h.clock.advance(60_000);
    await expect(revoke()).resolves.toBeUndefined();
  });

  it("delivered: the reply's commit removes the WAL entry, and the rollback leaves the user to its lease", async () => {
    const h = await everyStep();
    const response = await h.backend.handleRequest(h.request({ operation: "read", path: "creds/deploy" }));
    await response?.afterReply?.();
    expect(await listWal(h.storage)).toEqual([]);
    h.clock.advance(AWS_USER_ROLLBACK_MIN_AGE_MS + 1_000);
    expect(await rollback(h)).toBeUndefined();
    expect(h.iam.users.size).toBe(1);
  });

  it("a request already cancelled when it arrives touches neither storage nor AWS", async () => {
    const h = await everyStep();
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    await expect(h.backend.handleRequest(h.request({ operation: "read", path: "creds/deploy", signal: controller.signal }))).rejects.toThrow("gone");
    expect(h.iam.calls).toEqual([]);
    expect(await listWal(h.storage)).toEqual([]);
  });

  it("the signal reaches the mount's IAM client for issuance, revoke and rollback", async () => {
    const h = await everyStep();
    const seen: (AbortSignal | undefined)[] = [];
    const original = h.iam;
    h.ctx.clients.iam = (signal) => {
      seen.push(signal);
      return Promise.resolve(original);
    };
    const controller = new AbortController();
    const response = await h.backend.handleRequest(h.request({ operation: "read", path: "creds/deploy", signal: controller.signal }));
    await h.backend.handleRequest(h.request({ operation: "revoke", path: "", signal: controller.signal, ...(response?.secret === undefined ? {} : { secret: response.secret }) }));
    const rolledBack = await everyStep();
    rolledBack.iam.failures.set("CreateAccessKey", () => new Error("injected"));
    await rolledBack.backend.handleRequest(rolledBack.request({ operation: "read", path: "creds/deploy" }));
    rolledBack.ctx.clients.iam = (signal) => {
      seen.push(signal);
      return Promise.resolve(rolledBack.iam);
    };
    rolledBack.clock.advance(AWS_USER_ROLLBACK_MIN_AGE_MS + 1_000);
    expect(await rollback(rolledBack, controller.signal)).toBeUndefined();
    expect(rolledBack.iam.users.size).toBe(0);
    expect(seen).toHaveLength(3);
    expect(seen.every((s) => s === controller.signal)).toBe(true);
  });
});
