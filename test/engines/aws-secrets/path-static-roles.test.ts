import { describe, expect, it } from "vitest";
import { ENTERPRISE_ONLY_MESSAGE } from "../../../src/engines/aws-secrets/path-static-roles.js";
import { getStaticCreds } from "../../../src/engines/aws-secrets/static-storage.js";
import { LogicalError, UnsupportedOperationError, getJson, newRequest, putJson } from "../../../src/logical/index.js";
import { HOUR, MINUTE, T0, harness, serviceFailure } from "./static-fixtures.js";

const DAY = 24 * HOUR;

describe("static-roles/<name> create", () => {
  it("stores the role with the user's UserId, creates its first key at once and schedules it", async () => {
    const h = harness();
    const user = h.iam.addUser("deploy-bot");
    const response = await h.call("update", "static-roles/deploy", { username: "deploy-bot", rotation_period: "1d" });
    expect(response).toEqual({
      data: {
        name: "deploy",
        id: user.id,
        username: "deploy-bot",
        rotation_period: 86_400,
        assume_role_arn: "",
        assume_role_session_name: "",
        external_id: "",
      },
    });
    expect(await getJson(h.storage, "static-roles/deploy")).toEqual({
      name: "deploy",
      id: user.id,
      username: "deploy-bot",
      rotation_period: 86_400_000_000_000,
      assume_role_arn: "",
      assume_role_session_name: "",
      external_id: "",
    });
    const creds = await getStaticCreds(h.storage, "deploy");
    expect(h.iam.keyIds("deploy-bot")).toEqual([creds?.accessKeyId]);
    expect(creds?.expiration).toEqual(new Date(T0 + DAY));
    expect(h.feature.queue.nextRotation("deploy")).toEqual(new Date(T0 + DAY));
  });

  it("accepts names with @ and periods in seconds", async () => {
    const h = harness();
    h.iam.addUser("svc");
    const response = await h.call("update", "static-roles/svc@example.com", { username: "svc", rotation_period: 3600 });
    expect(response?.data?.["rotation_period"]).toBe(3600);
  });

  it.each([
    ["username", { rotation_period: "1h" }, 'missing "username" parameter'],
    ["rotation_period", { username: "u" }, 'missing "rotation_period" parameter'],
  ])("requires %s on creation", async (_field, body, message) => {
    const h = harness();
    h.iam.addUser("u");
    expect(await h.call("update", "static-roles/r", body)).toEqual({ data: { error: message } });
    expect(await h.storage.list("")).toEqual([]);
    expect(h.iam.keyIds("u")).toEqual([]);
  });

  it.each([["59s"], [59], ["0"]])("refuses a rotation period of %s (minimum one minute)", async (period) => {
    const h = harness();
    h.iam.addUser("u");
    expect(await h.call("update", "static-roles/r", { username: "u", rotation_period: period })).toEqual({
      data: { error: "role rotation period out of range: must be greater than 60.00 seconds" },
    });
    expect(await h.storage.list("")).toEqual([]);
  });

  it("accepts exactly one minute", async () => {
    const h = harness();
    h.iam.addUser("u");
    expect((await h.call("update", "static-roles/r", { username: "u", rotation_period: "1m" }))?.data?.["rotation_period"]).toBe(60);
  });

  it("names the field when the period does not parse", async () => {
    const h = harness();
    const response = await h.call("update", "static-roles/r", { username: "u", rotation_period: "soon" });
    expect(String(response?.data?.["error"])).toMatch(/^Field validation failed: error converting input for field "rotation_period"/);
  });

  it("answers 400 when the IAM user does not exist, and stores nothing", async () => {
    const h = harness();
    expect(await h.call("update", "static-roles/r", { username: "ghost", rotation_period: "1h" })).toEqual({
      data: { error: 'unable to validate username "ghost": NoSuchEntity: The user with name ghost cannot be found.' },
    });
    expect(await h.storage.list("")).toEqual([]);
  });

  it.each([["assume_role_arn"], ["assume_role_session_name"], ["external_id"]])(
    "ignores the Enterprise-only field %s with the unrecognized-parameter warning, as Vault CE does",
    async (key) => {
      // CE declares no such fields, so its cross-account check never sees them.
      const h = harness();
      const user = h.iam.addUser("u");
      const response = await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h", [key]: "x" });
      expect(response).toEqual({
        data: { name: "r", id: user.id, username: "u", rotation_period: 3600, assume_role_arn: "", assume_role_session_name: "", external_id: "" },
        warnings: [`Endpoint ignored these unrecognized parameters: [${key}]`],
      });
      expect(await getJson(h.storage, "static-roles/r")).toMatchObject({ assume_role_arn: "", assume_role_session_name: "", external_id: "" });
      expect(h.iam.keyIds("u")).toHaveLength(1);
    },
  );

  it("keeps the role and retries soon when its first key cannot be created", async () => {
    const h = harness();
    h.iam.addUser("u");
    h.iam.failNext.set("createAccessKey", serviceFailure());
    const failure = await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(LogicalError);
    expect((failure as LogicalError).kind).toBe("internal");
    expect((failure as LogicalError).message).toMatch(/^failed to create new credentials for role "r": unable to create new access keys for user "u": /);
    expect(await getJson(h.storage, "static-roles/r")).toBeDefined();
    expect(await getStaticCreds(h.storage, "r")).toBeUndefined();

    h.clock.advance(10_000);
    await h.rollback();
    expect((await getStaticCreds(h.storage, "r"))?.accessKeyId).toBe(h.iam.keyIds("u")[0]);
  });

  it("answers 400 with AWS's reason when IAM refuses the key (a client error)", async () => {
    const h = harness();
    // A third key IAM does not let go of (as with a lowered quota): deleting the oldest is not enough.
    h.iam.addUser("u", 2);
    h.iam.users.get("u")?.keys.push({ id: "AKIAEXTRA", secret: "x", created: new Date(T0 + 99_000) });
    // An error response: raised, a user error would reach the client as a 500.
    const response = await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    expect(String(response?.data?.["error"])).toContain("LimitExceeded: Cannot exceed quota for AccessKeysPerUser: 2");
  });
});

describe("static-roles/<name> update", () => {
  it("restarts the rotation clock at now + the new period and stores that (vault#21967)", async () => {
    const h = harness();
    h.iam.addUser("u");
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "1d" });
    const key = (await getStaticCreds(h.storage, "r"))?.accessKeyId;
    h.clock.advance(2 * HOUR);

    const response = await h.call("update", "static-roles/r", { rotation_period: "30m" });
    expect(response?.data?.["rotation_period"]).toBe(1800);
    const expected = new Date(T0 + 2 * HOUR + 30 * MINUTE);
    expect(h.feature.queue.nextRotation("r")).toEqual(expected);
    const creds = await getStaticCreds(h.storage, "r");
    expect(creds).toEqual({ accessKeyId: key, secretAccessKey: creds?.secretAccessKey, expiration: expected });
    expect(h.iam.keyIds("u")).toEqual([key]);

    h.clock.advance(30 * MINUTE);
    await h.rollback();
    expect((await getStaticCreds(h.storage, "r"))?.accessKeyId).not.toBe(key);
  });

  it("keeps omitted fields and re-checks a supplied username against the stored UserId", async () => {
    const h = harness();
    const user = h.iam.addUser("u");
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    expect((await h.call("update", "static-roles/r", { username: "u" }))?.data).toMatchObject({ id: user.id, rotation_period: 3600 });

    h.iam.recreateUser("u");
    const newId = h.iam.users.get("u")?.id ?? "";
    expect(await h.call("update", "static-roles/r", { username: "u" })).toEqual({
      data: { error: `AWS GetUser returned a user, but the ID did not match: "${user.id}" was requested, but "${newId}" was returned` },
    });
    expect((await getJson(h.storage, "static-roles/r")) as Record<string, unknown>).toMatchObject({ id: user.id });
  });

  it("does not use the mount's cached IAM client", async () => {
    const h = harness();
    h.iam.addUser("u");
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    expect(h.freshClients()).toBeGreaterThan(0);
  });
});

describe("static-roles/<name> read and LIST static-roles/", () => {
  it("reads the role, with rotation_period in seconds", async () => {
    const h = harness();
    const user = h.iam.addUser("u");
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "90m" });
    expect(await h.call("read", "static-roles/r")).toEqual({
      data: { name: "r", id: user.id, username: "u", rotation_period: 5400, assume_role_arn: "", assume_role_session_name: "", external_id: "" },
    });
  });

  it("reads nothing for an unknown role (404)", async () => {
    expect(await harness().call("read", "static-roles/nope")).toBeUndefined();
  });

  it("lists role names", async () => {
    const h = harness();
    h.iam.addUser("u1");
    h.iam.addUser("u2");
    await h.call("update", "static-roles/b", { username: "u1", rotation_period: "1h" });
    await h.call("update", "static-roles/a", { username: "u2", rotation_period: "1h" });
    expect(await h.call("list", "static-roles/")).toEqual({ data: { keys: ["a", "b"] } });
    expect(await h.call("list", "static-roles")).toEqual({ data: { keys: ["a", "b"] } });
  });

  it("describes its fields in path help", async () => {
    const help = await harness().call("help", "static-roles/r");
    expect(String(help?.data?.["help"])).toMatch(/rotation_period \(duration \(sec\)\)[\s\S]*username \(string\)/);
  });
});

describe("static-roles/<name> delete", () => {
  it("deletes the key this mount created, the creds, the role and its schedule, and nothing else", async () => {
    const h = harness();
    const user = h.iam.addUser("u", 1);
    const theirs = user.keys[0]?.id;
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    const ours = (await getStaticCreds(h.storage, "r"))?.accessKeyId;
    expect(await h.call("delete", "static-roles/r")).toBeUndefined();
    expect(h.iam.calls).toContain(`deleteAccessKey:u:${ours}`);
    expect(h.iam.keyIds("u")).toEqual([theirs]);
    expect(h.iam.users.has("u")).toBe(true);
    expect(await h.storage.list("")).toEqual([]);
    expect(h.feature.queue.nextRotation("r")).toBeUndefined();
  });

  it("treats a key that is already gone in IAM as deleted", async () => {
    const h = harness();
    h.iam.addUser("u");
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    h.iam.users.delete("u");
    expect(await h.call("delete", "static-roles/r")).toBeUndefined();
    expect(await h.storage.list("")).toEqual([]);
  });

  it("keeps everything when IAM fails, so the delete can be retried", async () => {
    const h = harness();
    h.iam.addUser("u");
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    h.iam.failNext.set("deleteAccessKey", serviceFailure());
    await expect(h.call("delete", "static-roles/r")).rejects.toThrow(/^failed to clean credentials while deleting role "r": couldn't delete from IAM: /);
    expect(await h.storage.list("")).toEqual(["static-creds/", "static-roles/"]);
    expect(h.feature.queue.nextRotation("r")).toBeDefined();
    expect(await h.call("delete", "static-roles/r")).toBeUndefined();
    expect(h.iam.keyIds("u")).toEqual([]);
  });

  it("answers 204 for an unknown role without calling IAM", async () => {
    const h = harness();
    expect(await h.call("delete", "static-roles/nope")).toBeUndefined();
    expect(h.iam.calls).toEqual([]);
  });
});

describe("roles stored by other Vault editions", () => {
  const crossAccount = {
    name: "x",
    id: "AIDAOTHER",
    username: "remote",
    rotation_period: 3_600_000_000_000,
    assume_role_arn: "arn:aws:iam::111122223333:role/vault",
    assume_role_session_name: "vault",
    external_id: "ext",
  };

  it("reads a cross-account role written by Vault Enterprise as it is", async () => {
    const h = harness();
    await putJson(h.storage, "static-roles/x", crossAccount);
    expect((await h.call("read", "static-roles/x"))?.data).toEqual({ ...crossAccount, rotation_period: 3600 });
  });

  it("leaves a cross-account role's settings alone when an update sends new ones (CE ignores them)", async () => {
    const h = harness();
    await putJson(h.storage, "static-roles/x", crossAccount);
    await putJson(h.storage, "static-creds/x", { access_key: "AKIAREMOTE", secret_key: "s" });
    const response = await h.call("update", "static-roles/x", { rotation_period: "2h", assume_role_arn: "arn:aws:iam::1:role/other", external_id: "" });
    expect(response?.warnings).toEqual(["Endpoint ignored these unrecognized parameters: [assume_role_arn external_id]"]);
    expect(await getJson(h.storage, "static-roles/x")).toEqual({ ...crossAccount, rotation_period: 7_200_000_000_000 });
  });

  it("never rotates a cross-account role with this mount's own credentials", async () => {
    const h = harness();
    h.iam.addUser("remote");
    await putJson(h.storage, "static-roles/x", crossAccount);
    await putJson(h.storage, "static-creds/x", { access_key: "AKIAREMOTE", expiration: "2025-03-01T12:00:00Z", secret_key: "s" });
    await h.feature.initialize(h.storage);
    await expect(h.rollback()).rejects.toThrow(`failed to get IAM client for role "x": ${ENTERPRISE_ONLY_MESSAGE}`);
    expect(h.iam.calls).toEqual([]);
    expect(await h.call("update", "static-roles/x", { username: "remote" })).toEqual({
      data: { error: `unable to get client to validate username "remote": ${ENTERPRISE_ONLY_MESSAGE}` },
    });
  });

  it("deletes a cross-account role locally and names the key it could not delete", async () => {
    const h = harness();
    await putJson(h.storage, "static-roles/x", crossAccount);
    await putJson(h.storage, "static-creds/x", { access_key: "AKIAREMOTE", secret_key: "s" });
    const response = await h.call("delete", "static-roles/x");
    expect(response?.warnings).toEqual([
      `access key AKIAREMOTE of IAM user "remote" behind arn:aws:iam::111122223333:role/vault was not deleted: ${ENTERPRISE_ONLY_MESSAGE}`,
    ]);
    expect(await h.storage.list("")).toEqual([]);
    expect(h.iam.calls).toEqual([]);
  });

  it("records the UserId when a Vault 1.14 role (stored without one) is updated", async () => {
    const h = harness();
    const user = h.iam.addUser("u");
    await putJson(h.storage, "static-roles/old", { name: "old", username: "u", rotation_period: 3_600_000_000_000 });
    await putJson(h.storage, "static-creds/old", { access_key: "AKIAOLD", secret_key: "s" });
    expect((await h.call("update", "static-roles/old", { username: "u" }))?.data).toMatchObject({ id: user.id });
  });
});

describe("periodic function and initialize", () => {
  it("rotates due roles on Vault's rollback call", async () => {
    const h = harness();
    h.iam.addUser("u");
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    const first = (await getStaticCreds(h.storage, "r"))?.accessKeyId;
    h.clock.advance(HOUR);
    await h.rollback();
    expect((await getStaticCreds(h.storage, "r"))?.accessKeyId).not.toBe(first);
  });

  it("reports rotation failures through the rollback reply", async () => {
    const h = harness();
    h.iam.addUser("u");
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    h.iam.users.delete("u");
    h.clock.advance(HOUR);
    await expect(h.rollback()).rejects.toThrow("error(s) occurred while rotating expired static credentials");
  });

  it.each([
    ["a performance secondary", { replicationState: 1 << 6 }],
    ["a performance standby", { replicationState: 1 << 14 }],
    ["a DR secondary", { replicationState: 1 << 9 }],
  ])("neither rotates nor rebuilds on %s", async (_name, options) => {
    const writable = harness();
    writable.iam.addUser("u");
    await writable.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    const h = harness(options);
    for (const key of ["static-roles/r", "static-creds/r"]) {
      const entry = await writable.storage.get(key);
      if (entry !== undefined) await h.storage.put(entry);
    }
    await h.feature.initialize(h.storage);
    expect(h.feature.queue.size).toBe(0);
    h.feature.queue.schedule("r", new Date(T0));
    await h.rollback();
    expect(h.iam.calls).toEqual([]);
  });

  it("rotates on a local mount of a performance secondary", async () => {
    const h = harness({ replicationState: 1 << 6, localMount: true });
    h.iam.addUser("u");
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    const first = (await getStaticCreds(h.storage, "r"))?.accessKeyId;
    h.clock.advance(HOUR);
    await h.rollback();
    expect((await getStaticCreds(h.storage, "r"))?.accessKeyId).not.toBe(first);
  });

  it("offers no create operation: writes are updates, as upstream (same ACL capability)", async () => {
    const h = harness();
    await expect(h.call("create", "static-roles/r", { username: "u" })).rejects.toThrow(UnsupportedOperationError);
    const check = await h.backend.handleExistenceCheck(newRequest({ operation: "update", path: "static-roles/r", storage: h.storage }));
    expect(check).toEqual({ found: false, exists: false });
  });
});
