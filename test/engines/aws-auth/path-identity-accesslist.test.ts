import { describe, expect, it } from "vitest";
import { writeAccessListEntry } from "../../../src/engines/aws-auth/list-storage.js";
import { putJson } from "../../../src/logical/index.js";
import { mount, stored } from "./lists-fixtures.js";

// An entry as Vault writes it: time.Now() in the server's zone, nanoseconds.
const vaultEntry = {
  role: "web",
  client_nonce: "nonce-1",
  creation_time: "2025-01-01T10:00:00.123456789+02:00",
  disallow_reauthentication: true,
  pending_time: "2024-12-31T23:00:00Z",
  expiration_time: "2025-01-04T10:00:00.1+00:00",
  last_updated_time: "2025-01-02T08:00:00.000000500Z",
};

describe.each(["identity-accesslist", "identity-whitelist"])("%s", (base) => {
  it("reads an entry Vault wrote with its times as Vault prints them (offset and nanoseconds kept)", async () => {
    const m = mount();
    await putJson(m.storage, "whitelist/identity/i-0abc", vaultEntry);
    expect(await m.call("read", `${base}/i-0abc`)).toEqual({
      data: {
        role: "web",
        client_nonce: "nonce-1",
        creation_time: "2025-01-01T10:00:00.123456789+02:00",
        disallow_reauthentication: true,
        pending_time: "2024-12-31T23:00:00Z",
        expiration_time: "2025-01-04T10:00:00.1Z",
        last_updated_time: "2025-01-02T08:00:00.0000005Z",
      },
    });
  });

  it("reads an entry this plugin wrote, times in Go's JSON form", async () => {
    const m = mount();
    await writeAccessListEntry(m.storage, "i-1", {
      role: "r",
      clientNonce: "n",
      creationTime: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, 120)),
      disallowReauthentication: false,
      pendingTime: "2025-01-01T00:00:00Z",
      expirationTime: new Date(Date.UTC(2025, 0, 2)),
      lastUpdatedTime: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, 5)),
    });
    expect(await stored(m.storage, "whitelist/identity/i-1")).toMatchObject({ creation_time: "2025-01-01T00:00:00.12Z", expiration_time: "2025-01-02T00:00:00Z", last_updated_time: "2025-01-01T00:00:00.005Z" });
    expect((await m.call("read", `${base}/i-1`))?.data).toMatchObject({ creation_time: "2025-01-01T00:00:00.12Z", expiration_time: "2025-01-02T00:00:00Z" });
  });

  it("answers nothing (404) for an unknown instance", async () => {
    expect(await mount().call("read", `${base}/i-none`)).toBeUndefined();
  });

  it("deletes an entry (204), and deleting again is fine", async () => {
    const m = mount();
    await putJson(m.storage, "whitelist/identity/i-0abc", vaultEntry);
    expect(await m.call("delete", `${base}/i-0abc`)).toBeUndefined();
    expect(await m.storage.get("whitelist/identity/i-0abc")).toBeUndefined();
    expect(await m.call("delete", `${base}/i-0abc`)).toBeUndefined();
  });

  it("lists instance IDs, expired ones included; an empty list has no keys", async () => {
    const m = mount();
    expect(await m.call("list", `${base}/`)).toEqual({ data: {} });
    await putJson(m.storage, "whitelist/identity/i-2", vaultEntry);
    await putJson(m.storage, "whitelist/identity/i-1", { ...vaultEntry, expiration_time: "2000-01-01T00:00:00Z" });
    expect(await m.call("list", `${base}/`)).toEqual({ data: { keys: ["i-1", "i-2"] } });
    expect(await m.call("list", base)).toEqual({ data: { keys: ["i-1", "i-2"] } });
  });

  it("refuses to write entries (only logins do)", async () => {
    await expect(mount().call("update", `${base}/i-1`, { role: "x" })).rejects.toThrow("unsupported operation");
  });

  it("reports a stored entry Go could not decode as an error naming the key", async () => {
    const m = mount();
    await putJson(m.storage, "whitelist/identity/i-bad", { ...vaultEntry, creation_time: "yesterday" });
    await expect(m.call("read", `${base}/i-bad`)).rejects.toThrow(/whitelist\/identity\/i-bad.*creation_time is not a time/);
  });
});
