import { describe, expect, it } from "vitest";
import { getStaticCreds, getStaticRole, putStaticCreds, putStaticRole } from "../../../src/engines/aws-secrets/static-storage.js";
import { ROTATION_RETRY_BACKOFF_MS } from "../../../src/engines/aws-secrets/static-rotation.js";
import { getJson, putJson, type Storage } from "../../../src/logical/index.js";
import { HOUR, MINUTE, T0, harness, serviceFailure, type Harness } from "./static-fixtures.js";

async function createRole(h: Harness, name: string, username: string, period = "1h"): Promise<void> {
  if (!h.iam.users.has(username)) h.iam.addUser(username);
  const response = await h.call("update", `static-roles/${name}`, { username, rotation_period: period });
  expect(response?.data?.["error"]).toBeUndefined();
}

async function currentKey(h: Harness, name: string): Promise<string | undefined> {
  return (await getStaticCreds(h.storage, name))?.accessKeyId;
}

describe("StaticRotationQueue.rotateDue", () => {
  it("does nothing before the rotation time and rotates once it has come", async () => {
    const h = harness();
    await createRole(h, "app", "app-user", "1h");
    const first = await currentKey(h, "app");
    h.clock.advance(HOUR - 1000);
    await h.feature.queue.rotateDue(h.storage);
    expect(await currentKey(h, "app")).toBe(first);

    h.clock.advance(1000);
    await h.feature.queue.rotateDue(h.storage);
    const second = await currentKey(h, "app");
    expect(second).not.toBe(first);
    expect(h.iam.keyIds("app-user")).toEqual([first, second]);
    const creds = await getStaticCreds(h.storage, "app");
    expect(creds?.expiration).toEqual(new Date(T0 + 2 * HOUR));
    expect(h.feature.queue.nextRotation("app")).toEqual(new Date(T0 + 2 * HOUR));
  });

  it("deletes the new key again when its creds cannot be stored, keeping the stored ones", async () => {
    const h = harness();
    await createRole(h, "app", "app-user");
    const first = await currentKey(h, "app");
    const failing: Storage = {
      list: (prefix) => h.storage.list(prefix),
      get: (key) => h.storage.get(key),
      delete: (key) => h.storage.delete(key),
      put: (entry) => (entry.key.startsWith("static-creds/") ? Promise.reject(new Error("storage is full")) : h.storage.put(entry)),
    };
    h.clock.advance(HOUR);
    await expect(h.feature.queue.rotateDue(failing)).rejects.toThrow(/storage is full/);
    expect(h.iam.keyIds("app-user")).toEqual([first]);
    expect(await currentKey(h, "app")).toBe(first);
  });

  it("uses a fresh IAM client for every rotation and checks the user first", async () => {
    const h = harness();
    await createRole(h, "app", "app-user");
    const before = h.freshClients();
    h.iam.calls.length = 0;
    h.clock.advance(HOUR);
    await h.feature.queue.rotateDue(h.storage);
    expect(h.freshClients()).toBe(before + 1);
    expect(h.iam.calls.map((c) => c.split(":")[0])).toEqual(["getUser", "listAccessKeys", "createAccessKey"]);
  });

  it("at IAM's two-key limit deletes the oldest key, even one the user had before adoption", async () => {
    const h = harness();
    const user = h.iam.addUser("app-user", 1);
    const preexisting = user.keys[0]?.id;
    await createRole(h, "app", "app-user");
    const vaultKey = await currentKey(h, "app");
    // vault#27477: with one key the role adds a second instead of replacing it.
    expect(h.iam.keyIds("app-user")).toEqual([preexisting, vaultKey]);

    h.clock.advance(HOUR);
    await h.feature.queue.rotateDue(h.storage);
    const rotated = await currentKey(h, "app");
    expect(h.iam.keyIds("app-user")).toEqual([vaultKey, rotated]);
    expect(h.iam.calls).toContain(`deleteAccessKey:app-user:${preexisting}`);

    h.clock.advance(HOUR);
    await h.feature.queue.rotateDue(h.storage);
    // The previous Vault key served one more period, then went.
    expect(h.iam.keyIds("app-user")).toEqual([rotated, await currentKey(h, "app")]);
  });

  it("picks the oldest by creation date, not by list order", async () => {
    const h = harness();
    const user = h.iam.addUser("app-user", 2);
    const [older, newer] = user.keys;
    if (older === undefined || newer === undefined) throw new Error("setup");
    user.keys.reverse();
    await createRole(h, "app", "app-user");
    expect(h.iam.keyIds("app-user")).toEqual([newer.id, await currentKey(h, "app")]);
  });

  it("re-queues a failed role 10 s later, goes on with the others and reports every failure", async () => {
    const h = harness();
    await createRole(h, "a", "user-a");
    await createRole(h, "b", "user-b");
    const keyA = await currentKey(h, "a");
    h.clock.advance(HOUR);
    h.iam.failNext.set("createAccessKey", serviceFailure());

    const error = await h.feature.queue.rotateDue(h.storage).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^error\(s\) occurred while rotating expired static credentials: 1 error occurred:\n\t\* unable to create new access keys for user "user-a": .*internal error/,
    );
    expect(await currentKey(h, "a")).toBe(keyA);
    expect(h.feature.queue.nextRotation("a")).toEqual(new Date(T0 + HOUR + ROTATION_RETRY_BACKOFF_MS));
    // b was rotated despite a's failure.
    expect(h.feature.queue.nextRotation("b")).toEqual(new Date(T0 + 2 * HOUR));

    h.clock.advance(ROTATION_RETRY_BACKOFF_MS - 1);
    await h.feature.queue.rotateDue(h.storage);
    expect(await currentKey(h, "a")).toBe(keyA);
    h.clock.advance(1);
    await h.feature.queue.rotateDue(h.storage);
    expect(await currentKey(h, "a")).not.toBe(keyA);
    expect(h.feature.queue.nextRotation("a")).toEqual(new Date(T0 + 2 * HOUR + ROTATION_RETRY_BACKOFF_MS));
  });

  it("refuses a user that was deleted and re-created under the same name", async () => {
    const h = harness();
    await createRole(h, "app", "app-user");
    const stored = await getStaticRole(h.storage, "app");
    h.iam.recreateUser("app-user");
    h.clock.advance(HOUR);
    await expect(h.feature.queue.rotateDue(h.storage)).rejects.toThrow(
      `iam user didn't exist, or username/userid didn't match: AWS GetUser returned a user, but the ID did not match: "${stored?.id ?? ""}" was requested, but "${h.iam.users.get("app-user")?.id ?? ""}" was returned`,
    );
    expect(h.iam.keyIds("app-user")).toEqual([]);
  });

  it("reports a user that no longer exists", async () => {
    const h = harness();
    await createRole(h, "app", "app-user");
    h.iam.users.delete("app-user");
    h.clock.advance(HOUR);
    await expect(h.feature.queue.rotateDue(h.storage)).rejects.toThrow(
      `iam user didn't exist, or username/userid didn't match: unable to validate username "app-user": NoSuchEntity: The user with name app-user cannot be found.`,
    );
  });

  it("adopts the UserId of a role Vault 1.14 stored without one", async () => {
    const h = harness();
    const user = h.iam.addUser("legacy-user");
    await putJson(h.storage, "static-roles/legacy", { name: "legacy", username: "legacy-user", rotation_period: 3_600_000_000_000 });
    await putJson(h.storage, "static-creds/legacy", { access_key: "AKIAOLD", secret_key: "old" });
    await h.feature.initialize(h.storage);
    h.clock.advance(HOUR);
    await h.feature.queue.rotateDue(h.storage);
    expect((await getStaticRole(h.storage, "legacy"))?.id).toBe(user.id);
    expect(await currentKey(h, "legacy")).toBe(h.iam.keyIds("legacy-user")[0]);
  });

  it("drops a scheduled role whose entry is gone", async () => {
    const h = harness();
    h.feature.queue.schedule("ghost", new Date(T0));
    await h.feature.queue.rotateDue(h.storage);
    expect(h.feature.queue.nextRotation("ghost")).toBeUndefined();
    expect(h.iam.calls).toEqual([]);
  });

  it("skips a run that starts while another is still rotating", async () => {
    const h = harness();
    await createRole(h, "app", "app-user");
    h.clock.advance(HOUR);
    const release = h.iam.hold("createAccessKey");
    const first = h.feature.queue.rotateDue(h.storage);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await h.feature.queue.rotateDue(h.storage);
    release();
    await first;
    expect(h.iam.calls.filter((c) => c.startsWith("createAccessKey"))).toHaveLength(2);
  });

  it("never interleaves a rotation with a delete of the same role", async () => {
    const h = harness();
    await createRole(h, "app", "app-user");
    h.clock.advance(HOUR);
    const release = h.iam.hold("createAccessKey");
    const rotation = h.feature.queue.rotateDue(h.storage);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const deletion = h.call("delete", "static-roles/app");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.iam.calls.some((c) => c.startsWith("deleteAccessKey"))).toBe(false);
    release();
    await rotation;
    await deletion;
    // The delete ran after the rotation and removed the key the rotation had just created.
    expect(h.iam.keyIds("app-user")).toHaveLength(1);
    expect(await getJson(h.storage, "static-roles/app")).toBeUndefined();
    expect(await getJson(h.storage, "static-creds/app")).toBeUndefined();
    expect(h.feature.queue.nextRotation("app")).toBeUndefined();
  });
});

describe("StaticRotationQueue.rebuild (initialize)", () => {
  it("schedules every role at its stored expiration", async () => {
    const h = harness();
    await createRole(h, "a", "user-a", "1h");
    await createRole(h, "b", "user-b", "2h");
    const fresh = harness();
    for (const key of ["static-roles/a", "static-roles/b", "static-creds/a", "static-creds/b"]) {
      await putJson(fresh.storage, key, await getJson(h.storage, key));
    }
    expect(fresh.feature.queue.size).toBe(0);
    await fresh.feature.initialize(fresh.storage);
    expect(fresh.feature.queue.nextRotation("a")).toEqual(new Date(T0 + HOUR));
    expect(fresh.feature.queue.nextRotation("b")).toEqual(new Date(T0 + 2 * HOUR));
  });

  it("gives creds without an expiration now + period and stores it", async () => {
    const h = harness();
    h.clock.advance(5 * MINUTE);
    await putStaticRole(h.storage, { name: "old", id: "AIDA", username: "u", rotationPeriod: 3_600_000_000_000n, assumeRoleArn: "", assumeRoleSessionName: "", externalId: "" });
    await putStaticCreds(h.storage, "old", { accessKeyId: "AKIA", secretAccessKey: "s", expiration: undefined });
    await h.feature.queue.rebuild(h.storage);
    const expected = new Date(T0 + 5 * MINUTE + HOUR);
    expect(h.feature.queue.nextRotation("old")).toEqual(expected);
    expect((await getStaticCreds(h.storage, "old"))?.expiration).toEqual(expected);
  });

  it("makes a role without creds due at once, so the next periodic run bootstraps it", async () => {
    const h = harness();
    h.iam.addUser("u");
    await putStaticRole(h.storage, { name: "bare", id: "", username: "u", rotationPeriod: 3_600_000_000_000n, assumeRoleArn: "", assumeRoleSessionName: "", externalId: "" });
    await h.feature.initialize(h.storage);
    expect(h.feature.queue.nextRotation("bare")).toEqual(new Date(T0));
    await h.rollback();
    expect(await currentKey(h, "bare")).toBe(h.iam.keyIds("u")[0]);
  });

  it("ignores creds whose role is gone and reports broken entries after scheduling the rest", async () => {
    const h = harness();
    await createRole(h, "good", "user-good");
    await putJson(h.storage, "static-creds/orphan", { access_key: "A", secret_key: "s" });
    await putJson(h.storage, "static-roles/broken", { name: "broken", rotation_period: "soon" });
    const fresh = harness();
    for (const key of ["static-roles/good", "static-creds/good", "static-creds/orphan", "static-roles/broken"]) {
      await putJson(fresh.storage, key, await getJson(h.storage, key));
    }
    await expect(fresh.feature.initialize(fresh.storage)).rejects.toThrow('role "broken"');
    expect(fresh.feature.queue.nextRotation("good")).toEqual(new Date(T0 + HOUR));
    expect(fresh.feature.queue.nextRotation("orphan")).toBeUndefined();
    expect(fresh.feature.queue.size).toBe(1);
  });

  it("replaces what was scheduled before", async () => {
    const h = harness();
    h.feature.queue.schedule("stale", new Date(T0));
    await h.feature.queue.rebuild(h.storage);
    expect(h.feature.queue.size).toBe(0);
  });
});
