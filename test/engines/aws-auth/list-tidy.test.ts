import { describe, expect, it } from "vitest";
import { REPLICATION_PERFORMANCE_SECONDARY, REPLICATION_PERFORMANCE_STANDBY } from "../../../src/framework/replication.js";
import { TIDY_IN_PROGRESS, TIDY_STARTED } from "../../../src/engines/aws-auth/path-tidy.js";
import type { InmemStorage} from "../../../src/logical/index.js";
import { StaticSystemView, putJson, type StorageEntry } from "../../../src/logical/index.js";
import { HOUR_MS, mount, type Mount } from "./lists-fixtures.js";

const START = Date.UTC(2025, 6, 1);
const iso = (ms: number): string => new Date(ms).toISOString();

async function accessEntry(m: Mount, id: string, expiresAt: number): Promise<void> {
  await putJson(m.storage, `whitelist/identity/${id}`, { role: "r", client_nonce: "n", creation_time: iso(START - 100 * HOUR_MS), disallow_reauthentication: false, pending_time: "", expiration_time: iso(expiresAt), last_updated_time: iso(START) });
}

async function denyEntry(m: Mount, tag: string, expiresAt: number): Promise<void> {
  await putJson(m.storage, `blacklist/roletag/${Buffer.from(tag).toString("base64")}`, { creation_time: iso(START - 100 * HOUR_MS), expiration_time: iso(expiresAt) });
}

const accessIds = async (m: Mount): Promise<string[]> => m.storage.list("whitelist/identity/");
const deniedTags = async (m: Mount): Promise<string[]> => (await m.storage.list("blacklist/roletag/")).map((k) => Buffer.from(k, "base64").toString("utf8")).sort();

const variants = [
  { path: "tidy/identity-accesslist", list: "accessList" as const, put: accessEntry, names: accessIds },
  { path: "tidy/identity-whitelist", list: "accessList" as const, put: accessEntry, names: accessIds },
  { path: "tidy/roletag-denylist", list: "denyList" as const, put: denyEntry, names: deniedTags },
  { path: "tidy/roletag-blacklist", list: "denyList" as const, put: denyEntry, names: deniedTags },
];

describe.each(variants)("$path", ({ path, list, put, names }) => {
  it("answers 202 with upstream's warning in the raw body, then deletes only entries past expiration + safety_buffer", async () => {
    const m = mount({ start: START });
    await put(m, "gone", START - 2 * HOUR_MS);
    await put(m, "edge", START - HOUR_MS); // exactly at the deadline: not yet after it
    await put(m, "buffered", START - HOUR_MS / 2);
    await put(m, "live", START + HOUR_MS);
    const response = await m.call("update", path, { safety_buffer: "1h" });
    expect(response).toEqual({
      data: {
        http_content_type: "application/json",
        http_status_code: 202,
        http_raw_body: `{"request_id":"req-1","lease_id":"","renewable":false,"lease_duration":0,"data":null,"wrap_info":null,"warnings":["${TIDY_STARTED}"],"auth":null,"mount_type":""}`,
      },
    });
    expect(await m.lists.tidy.settled(list)).toEqual({ examined: 4, deleted: 1, skipped: 3, stopped: false });
    expect(await names(m)).toEqual(["buffered", "edge", "live"].sort());
  });

  it("defaults safety_buffer to 72 hours", async () => {
    const m = mount({ start: START });
    await put(m, "old", START - 73 * HOUR_MS);
    await put(m, "recent", START - 71 * HOUR_MS);
    await m.call("update", path, {});
    await m.lists.tidy.settled(list);
    expect(await names(m)).toEqual(["recent"]);
  });

  it("warns instead of starting a second run while one is going, and runs again once it is done", async () => {
    const m = mount({ start: START });
    await put(m, "gone", START - 100 * HOUR_MS);
    expect((await m.call("update", path, {}))?.data?.["http_status_code"]).toBe(202);
    expect(await m.call("update", path, {})).toEqual({ warnings: [TIDY_IN_PROGRESS] });
    await m.lists.tidy.settled(list);
    expect((await m.call("update", path, {}))?.data?.["http_status_code"]).toBe(202);
    await m.lists.tidy.settled(list);
  });

  it("is refused on a performance standby (Vault forwards the request to the active node)", async () => {
    const m = mount({ start: START, system: new StaticSystemView({ replicationState: REPLICATION_PERFORMANCE_STANDBY }) });
    await expect(m.call("update", path, {})).rejects.toThrow("cannot write to readonly storage");
    expect(m.lists.tidy.isRunning(list)).toBe(false);
  });
});

describe("tidy safety", () => {
  it("runs one guard per list and per mount", async () => {
    const a = mount({ start: START });
    const b = mount({ start: START });
    expect((await a.call("update", "tidy/identity-accesslist"))?.data?.["http_status_code"]).toBe(202);
    expect((await a.call("update", "tidy/roletag-denylist"))?.data?.["http_status_code"]).toBe(202);
    expect((await b.call("update", "tidy/identity-accesslist"))?.data?.["http_status_code"]).toBe(202);
    expect(await a.call("update", "tidy/identity-whitelist")).toEqual({ warnings: [TIDY_IN_PROGRESS] });
    await Promise.all([a.lists.tidy.settled("accessList"), a.lists.tidy.settled("denyList"), b.lists.tidy.settled("accessList")]);
  });

  it("keeps an entry rewritten (a new login) between its examination and its deletion", async () => {
    const m = mount({ start: START });
    await accessEntry(m, "i-1", START - 100 * HOUR_MS);
    const storage = m.storage as InmemStorage & { get: InmemStorage["get"] };
    const realGet = storage.get.bind(storage);
    let reads = 0;
    storage.get = async (key: string): Promise<StorageEntry | undefined> => {
      const entry = await realGet(key);
      if (key === "whitelist/identity/i-1" && ++reads === 1) await accessEntry(m, "i-1", START + 100 * HOUR_MS);
      return entry;
    };
    await m.call("update", "tidy/identity-accesslist", {});
    expect(await m.lists.tidy.settled("accessList")).toMatchObject({ deleted: 0 });
    expect(await accessIds(m)).toEqual(["i-1"]);
  });

  it("logs an entry it cannot read and goes on with the others", async () => {
    const m = mount({ start: START });
    await putJson(m.storage, "whitelist/identity/i-bad", { expiration_time: "never" });
    await accessEntry(m, "i-old", START - 100 * HOUR_MS);
    await m.call("update", "tidy/identity-accesslist", {});
    expect(await m.lists.tidy.settled("accessList")).toMatchObject({ deleted: 1, skipped: 1 });
    expect(await accessIds(m)).toEqual(["i-bad"]);
    expect(m.logs).toContainEqual(expect.objectContaining({ level: "error", name: "wltidy", message: "cannot read the entry's expiration" }));
  });

  it("leaves a nested deny-list key (a tag whose base64 holds a slash) alone", async () => {
    const m = mount({ start: START });
    await putJson(m.storage, "blacklist/roletag/YWI/", { creation_time: iso(START), expiration_time: iso(0) });
    await m.call("update", "tidy/roletag-denylist", {});
    expect(await m.lists.tidy.settled("denyList")).toMatchObject({ deleted: 0, examined: 1 });
  });

  it("pages through a long list and stops at the next entry when the mount is cleaned up", async () => {
    const m = mount({ start: START });
    for (let i = 0; i < 250; i++) await accessEntry(m, `i-${String(i).padStart(3, "0")}`, START - 100 * HOUR_MS);
    await m.call("update", "tidy/identity-accesslist", {});
    const outcome = m.lists.tidy.settled("accessList");
    // Let the run list and start, then clean up mid-way.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    await m.backend.cleanup();
    const done = await outcome;
    expect(done?.stopped).toBe(true);
    expect(done?.deleted).toBeLessThan(250);
    expect((await accessIds(m)).length).toBe(250 - (done?.deleted ?? 0));
    expect(m.lists.tidy.isRunning("accessList")).toBe(false);
  });
});

describe("periodic tidy", () => {
  const rollback = (m: Mount) => m.call("rollback", "");

  async function seeded(options: Parameters<typeof mount>[0] = {}): Promise<Mount> {
    const m = mount({ start: START, ...options });
    await accessEntry(m, "i-73h", START - 73 * HOUR_MS);
    await accessEntry(m, "i-71h", START - 71 * HOUR_MS);
    await denyEntry(m, "tag-181d", START - 181 * 24 * HOUR_MS);
    await denyEntry(m, "tag-100d", START - 100 * 24 * HOUR_MS);
    return m;
  }

  const settle = (m: Mount) => Promise.all([m.lists.tidy.settled("accessList"), m.lists.tidy.settled("denyList")]);

  it("tidies both lists on the first call with the periodic defaults (72h, 180 days)", async () => {
    const m = await seeded();
    await rollback(m);
    await settle(m);
    expect(await accessIds(m)).toEqual(["i-71h"]);
    expect(await deniedTags(m)).toEqual(["tag-100d"]);
  });

  it("runs at most once an hour", async () => {
    const m = await seeded();
    await rollback(m);
    await settle(m);
    await accessEntry(m, "i-later", START - 100 * HOUR_MS);
    m.clock.advance(HOUR_MS - 1);
    await rollback(m);
    expect(m.lists.tidy.isRunning("accessList")).toBe(false);
    expect(await accessIds(m)).toContain("i-later");
    m.clock.advance(1);
    await rollback(m);
    await settle(m);
    expect(await accessIds(m)).not.toContain("i-later");
  });

  it("uses the configured safety buffers and skips a list whose periodic tidy is disabled", async () => {
    const m = await seeded();
    await m.call("create", "config/tidy/identity-accesslist", { safety_buffer: "100h" });
    await m.call("create", "config/tidy/roletag-blacklist", { disable_periodic_tidy: true });
    await rollback(m);
    await settle(m);
    expect(await accessIds(m)).toEqual(["i-71h", "i-73h"]);
    expect(await deniedTags(m)).toEqual(["tag-100d", "tag-181d"]);
    await m.call("update", "config/tidy/identity-whitelist", { safety_buffer: 0 });
    await m.call("update", "config/tidy/identity-accesslist", { disable_periodic_tidy: true });
    await m.call("update", "config/tidy/roletag-denylist", { disable_periodic_tidy: false, safety_buffer: "50d" });
    m.clock.advance(HOUR_MS);
    await rollback(m);
    await settle(m);
    expect(await accessIds(m)).toEqual(["i-71h", "i-73h"]);
    expect(await deniedTags(m)).toEqual([]);
  });

  it("leaves the replicated deny list to the primary on a performance secondary; the local access list is tidied", async () => {
    const m = await seeded({ system: new StaticSystemView({ replicationState: REPLICATION_PERFORMANCE_SECONDARY }) });
    await rollback(m);
    await settle(m);
    expect(await deniedTags(m)).toEqual(["tag-100d", "tag-181d"]);
    expect(await accessIds(m)).toEqual(["i-71h"]);
  });

  it("tidies the deny list of a mount local to a performance secondary", async () => {
    const m = await seeded({ system: new StaticSystemView({ replicationState: REPLICATION_PERFORMANCE_SECONDARY, localMount: true }) });
    await rollback(m);
    await settle(m);
    expect(await deniedTags(m)).toEqual(["tag-100d"]);
  });

  it("starts nothing on a performance standby, without failing the rollback", async () => {
    const m = await seeded({ system: new StaticSystemView({ replicationState: REPLICATION_PERFORMANCE_STANDBY }) });
    expect(await rollback(m)).toBeUndefined();
    expect(m.lists.tidy.isRunning("accessList")).toBe(false);
    expect(await accessIds(m)).toEqual(["i-71h", "i-73h"]);
  });

  it("does not start a second run of a list still being tidied", async () => {
    const m = await seeded();
    await m.call("update", "tidy/identity-accesslist", { safety_buffer: "1000h" });
    await rollback(m);
    await settle(m);
    // The manual run (1000h buffer) was the only one: nothing deleted from the access list.
    expect(await accessIds(m)).toEqual(["i-71h", "i-73h"]);
    expect(await deniedTags(m)).toEqual(["tag-100d"]);
  });
});
