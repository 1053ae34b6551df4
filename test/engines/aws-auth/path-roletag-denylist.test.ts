import { describe, expect, it } from "vitest";
import { decodeStdBase64 } from "../../../src/engines/aws-auth/path-roletag-denylist.js";
import { putJson } from "../../../src/logical/index.js";
import { HOUR_MS, SECOND_NS, mount, putRole, stored } from "./lists-fixtures.js";

const TAG = "v1:Zm9v:r=web:d=false:t=300:m=false:p=default:c2lnbmF0dXJl+/==";
const TAG_KEY = `blacklist/roletag/${Buffer.from(TAG).toString("base64")}`;
const START = Date.UTC(2025, 0, 1);

async function withTag(maxTtlSeconds = 300n, role: { token_max_ttl?: number; max_ttl?: number } = {}) {
  const m = mount({ start: START });
  await putRole(m.storage, "web", role);
  m.tags.set(TAG, { role: "web", maxTtl: maxTtlSeconds * SECOND_NS });
  return m;
}

describe.each(["roletag-denylist", "roletag-blacklist"])("%s", (base) => {
  it("denies a verified tag given as is: stored under base64(tag), expiring after the mount's max TTL", async () => {
    const m = await withTag();
    expect(await m.call("update", `${base}/${TAG}`)).toBeUndefined();
    expect(await stored(m.storage, TAG_KEY)).toEqual({ creation_time: "2025-01-01T00:00:00Z", expiration_time: "2025-01-03T00:00:00Z" });
    expect(await m.call("read", `${base}/${TAG}`)).toEqual({ data: { creation_time: "2025-01-01T00:00:00Z", expiration_time: "2025-01-03T00:00:00Z" } });
  });

  it("accepts the tag base64-encoded and stores it under the same key", async () => {
    const m = await withTag();
    expect(await m.call("update", `${base}/${Buffer.from(TAG).toString("base64")}`)).toBeUndefined();
    expect(await m.storage.list("blacklist/roletag/")).toEqual([TAG_KEY.slice("blacklist/roletag/".length)]);
  });

  it.each([
    ["the tag's max_ttl", 100n * 3600n, {}, 100],
    ["the role's token_max_ttl", 300n, { token_max_ttl: 72 * 3600 * 1e9 }, 72],
    ["the role's legacy max_ttl when token_max_ttl is unset", 300n, { max_ttl: 60 * 3600 * 1e9 }, 60],
    ["the mount's max TTL", 300n, { token_max_ttl: 3600 * 1e9 }, 48],
  ])("expires after the longest limit: %s", async (_name, tagTtl, role, hours) => {
    const m = await withTag(tagTtl, role);
    await m.call("update", `${base}/${TAG}`);
    expect(await stored(m.storage, TAG_KEY)).toMatchObject({ expiration_time: new Date(START + hours * HOUR_MS).toISOString().replace(".000Z", "Z") });
  });

  it("a repeated denial keeps the first creation time (as Vault stored it) and moves the expiration", async () => {
    const m = await withTag();
    await putJson(m.storage, TAG_KEY, { creation_time: "2024-12-01T05:00:00.987654321-05:00", expiration_time: "2024-12-03T05:00:00Z" });
    m.clock.advance(HOUR_MS);
    await m.call("update", `${base}/${TAG}`);
    expect(await stored(m.storage, TAG_KEY)).toEqual({ creation_time: "2024-12-01T05:00:00.987654321-05:00", expiration_time: "2025-01-03T01:00:00Z" });
  });

  it("refuses a tag that does not verify, with the reason, and stores nothing", async () => {
    const m = await withTag();
    expect(await m.call("update", `${base}/v1:forged`)).toEqual({ data: { error: "invalid tag" } });
    expect(await m.storage.list("blacklist/")).toEqual([]);
  });

  it("refuses a tag whose role is gone", async () => {
    const m = await withTag();
    await m.storage.delete("role/web");
    expect(await m.call("update", `${base}/${TAG}`)).toEqual({ data: { error: "role entry not found" } });
  });

  it("has no item operation without a tag: the bare folder is the list path", async () => {
    const m = await withTag();
    await expect(m.call("update", `${base}/`)).rejects.toThrow("unsupported operation");
    await expect(m.call("read", base)).rejects.toThrow("unsupported operation");
  });

  it("reads nothing for a tag never denied, and deletes a denial", async () => {
    const m = await withTag();
    expect(await m.call("read", `${base}/${TAG}`)).toBeUndefined();
    await m.call("update", `${base}/${TAG}`);
    expect(await m.call("delete", `${base}/${TAG}`)).toBeUndefined();
    expect(await m.storage.get(TAG_KEY)).toBeUndefined();
  });

  it("lists the tags themselves, decoded from their keys", async () => {
    const m = await withTag();
    expect(await m.call("list", `${base}/`)).toEqual({ data: {} });
    await m.call("update", `${base}/${TAG}`);
    await putJson(m.storage, `blacklist/roletag/${Buffer.from("v1:other").toString("base64")}`, { creation_time: "2025-01-01T00:00:00Z", expiration_time: "2025-01-01T00:00:00Z" });
    expect(await m.call("list", `${base}/`)).toEqual({ data: { keys: [TAG, "v1:other"] } });
  });

  it("keeps Vault's key for a tag whose base64 holds a slash (a nested key, as upstream)", async () => {
    const m = mount({ start: START });
    await putRole(m.storage, "web");
    m.tags.set("ab?", { role: "web", maxTtl: 0n });
    await m.call("update", `${base}/ab?`);
    expect(await m.storage.get("blacklist/roletag/YWI/")).toBeDefined();
    expect((await m.call("read", `${base}/ab?`))?.data).toMatchObject({ creation_time: "2025-01-01T00:00:00Z" });
  });
});

describe("decodeStdBase64 (Go's StdEncoding.DecodeString)", () => {
  it.each([
    ["YWJj", "abc"],
    ["YWI=", "ab"],
    ["YQ==", "a"],
    ["YW\nJj", "abc"],
    ["", ""],
  ])("decodes %j", (text, expected) => {
    expect(decodeStdBase64(text)?.toString("utf8")).toBe(expected);
  });

  it.each(["YWJ", "YQ=", "YQ", "v1:abc:r=x", "YW-j", "YWJj=", "YQ==YQ=="])("refuses %j", (text) => {
    expect(decodeStdBase64(text)).toBeUndefined();
  });
});
