import { describe, expect, it } from "vitest";
import { UnsupportedOperationError, putJson } from "../../../src/logical/index.js";
import { HOUR, harness } from "./static-fixtures.js";

describe("static-creds/<name>", () => {
  it("returns the role's key pair and its next rotation, without a lease", async () => {
    const h = harness();
    h.iam.addUser("u");
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    const [keyId] = h.iam.keyIds("u");
    const response = await h.call("read", "static-creds/r");
    expect(response).toEqual({
      data: { access_key: keyId, expiration: "2025-03-01T13:00:00Z", secret_key: h.iam.users.get("u")?.keys[0]?.secret },
    });
    expect(response?.secret).toBeUndefined();
  });

  it("returns the same pair until the rotation, then the new one", async () => {
    const h = harness();
    h.iam.addUser("u");
    await h.call("update", "static-roles/r", { username: "u", rotation_period: "1h" });
    const before = await h.call("read", "static-creds/r");
    expect(await h.call("read", "static-creds/r")).toEqual(before);
    h.clock.advance(HOUR);
    await h.rollback();
    const after = await h.call("read", "static-creds/r");
    expect(after?.data?.["access_key"]).not.toBe(before?.data?.["access_key"]);
    expect(after?.data?.["expiration"]).toBe("2025-03-01T14:00:00Z");
  });

  it("answers expiration null for a pair stored before Vault recorded one", async () => {
    const h = harness();
    await putJson(h.storage, "static-creds/old", { access_key: "AKIAOLD", secret_key: "s" });
    expect(await h.call("read", "static-creds/old")).toEqual({ data: { access_key: "AKIAOLD", expiration: null, secret_key: "s" } });
  });

  it("keeps Go's sub-second digits trimmed as Go writes them", async () => {
    const h = harness();
    await putJson(h.storage, "static-creds/x", { access_key: "A", expiration: "2025-03-01T13:00:00.5Z", secret_key: "s" });
    expect((await h.call("read", "static-creds/x"))?.data?.["expiration"]).toBe("2025-03-01T13:00:00.5Z");
  });

  it.each([["2025-03-01T13:00:00.123456789Z"], ["2025-03-01T14:00:00.000123+01:00"]])(
    "answers an expiration written by Vault (%s) exactly as Vault does",
    async (text) => {
      const h = harness();
      await putJson(h.storage, "static-creds/x", { access_key: "A", expiration: text, secret_key: "s" });
      expect((await h.call("read", "static-creds/x"))?.data?.["expiration"]).toBe(text);
    },
  );

  it("reads nothing for an unknown role (404)", async () => {
    expect(await harness().call("read", "static-creds/nope")).toBeUndefined();
  });

  it("is read-only", async () => {
    await expect(harness().call("update", "static-creds/r", {})).rejects.toThrow(UnsupportedOperationError);
  });
});
