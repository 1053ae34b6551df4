import { afterEach, describe, expect, it, vi } from "vitest";
import { listWal, putWal } from "../../../src/framework/index.js";
import { StaticSystemView, type Response } from "../../../src/logical/index.js";
import { AWS_USER_ROLLBACK_MIN_AGE_MS, walRollbacks, walUserName } from "../../../src/engines/aws-secrets/rollback.js";
import { accessDenied, harness, putRole, type Harness } from "./creds-fakes.js";

const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';

afterEach(() => {
  vi.useRealTimers();
});

/** Vault's periodic `rollback` operation, with Vault's clock at the harness clock. */
async function rollback(h: Harness): Promise<Response | undefined> {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(h.clock.current);
  try {
    return await h.backend.handleRequest(h.request({ operation: "rollback", path: "" }));
  } finally {
    vi.useRealTimers();
  }
}

/** A creds request that crashes between CreateUser and CreateAccessKey. */
async function halfCreatedUser(): Promise<{ h: Harness; username: string }> {
  let username = "";
  const h = harness();
  // The fake IAM fails CreateAccessKey, the last step: the user then exists with everything attached.
  h.iam.failures.set("CreateAccessKey", (input) => {
    username = typeof input["UserName"] === "string" ? input["UserName"] : "";
    return new Error("injected failure before CreateAccessKey");
  });
  h.iam.groups.set("devs", { attached: [], inline: new Map() });
  await putRole(h.storage, "deploy", {
    credential_types: ["iam_user"], policy_document: POLICY, policy_arns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"], iam_groups: ["devs"], iam_tags: { t: "v" },
  });
  const answer = await h.backend.handleRequest(h.request({ operation: "read", path: "creds/deploy" }));
  expect(String(answer?.data?.["error"])).toContain("injected failure before CreateAccessKey");
  return { h, username };
}

describe("WAL rollback of half-created IAM users", () => {
  it("uses upstream's five-minute minimum age", () => {
    expect(AWS_USER_ROLLBACK_MIN_AGE_MS).toBe(300_000);
  });

  it("leaves a WAL entry after an injected failure, and rolls the user back only once it is five minutes old", async () => {
    const { h, username } = await halfCreatedUser();
    expect(h.iam.users.get(username)?.groups.size).toBe(1);
    expect(await listWal(h.storage)).toHaveLength(1);

    // Too young: AWS may still be settling, and the request may even still be running.
    h.clock.advance(AWS_USER_ROLLBACK_MIN_AGE_MS - 60_000);
    expect(await rollback(h)).toBeUndefined();
    expect(h.iam.users.has(username)).toBe(true);
    expect(await listWal(h.storage)).toHaveLength(1);

    h.clock.advance(61_000);
    expect(await rollback(h)).toBeUndefined();
    expect(h.iam.users.has(username)).toBe(false);
    expect(await listWal(h.storage)).toEqual([]);
  });

  it("clears the entry of a user that never got created", async () => {
    const h = harness();
    await putWal(h.storage, "user", { UserName: "vault-never-created" }, { now: h.clock.now() });
    h.clock.advance(AWS_USER_ROLLBACK_MIN_AGE_MS + 1000);
    expect(await rollback(h)).toBeUndefined();
    expect(await listWal(h.storage)).toEqual([]);
  });

  it("keeps the entry, and reports why, when the teardown fails", async () => {
    const h = harness();
    h.iam.addUser("u", { keys: new Map([["K", "s"]]) });
    h.iam.failures.set("ListAccessKeys", () => accessDenied("iam:ListAccessKeys"));
    await putWal(h.storage, "user", { UserName: "u" }, { now: h.clock.now() });
    h.clock.advance(AWS_USER_ROLLBACK_MIN_AGE_MS + 1000);
    const response = await rollback(h);
    expect(String(response?.data?.["error"])).toMatch(/^1 error occurred:\n\t\* error rolling back "user" entry: error deleting IAM user "u": AccessDenied: /);
    expect(await listWal(h.storage)).toHaveLength(1);
    expect(h.iam.users.has("u")).toBe(true);
  });

  it("does not touch IAM on a performance secondary of a replicated mount, as upstream", async () => {
    const h = harness({ system: new StaticSystemView({ replicationState: 1 << 6 }) });
    h.iam.addUser("u");
    const rollbacks = walRollbacks(h.ctx);
    await rollbacks.user(h.request({ operation: "rollback", path: "" }), { UserName: "u" });
    expect(h.iam.users.has("u")).toBe(true);
    expect(h.iam.calls).toEqual([]);
  });

  it("rolls back on a performance secondary when the mount is local", async () => {
    const h = harness({ system: new StaticSystemView({ replicationState: 1 << 6, localMount: true }) });
    h.iam.addUser("u");
    await walRollbacks(h.ctx).user(h.request({ operation: "rollback", path: "" }), { UserName: "u" });
    expect(h.iam.users.has("u")).toBe(false);
  });
});

describe("walUserName", () => {
  it("reads upstream's {UserName} and the lower-case spelling mapstructure also accepts", () => {
    expect(walUserName({ UserName: "a" })).toBe("a");
    expect(walUserName({ username: "b" })).toBe("b");
  });

  it.each([[null], ["text"], [{}], [{ UserName: "" }], [{ UserName: 5 }], [["a"]]])("rejects %j", (data) => {
    expect(() => walUserName(data)).toThrow(/^WAL entry has no user name/);
  });
});
