import { describe, expect, it, vi } from "vitest";
import {
  DEFAULT_WAL_ROLLBACK_MIN_AGE_MS,
  WAL_PREFIX,
  deleteWal,
  deleteWalAfterReply,
  getWal,
  listWal,
  putWal,
  rollbackWal,
} from "../../src/framework/wal.js";
import { multiErrorText } from "../../src/framework/multierror.js";
import type { WalRollback } from "../../src/framework/types.js";
import { InmemStorage, getJson, newRequest, type Request, type Storage } from "../../src/logical/index.js";

const NOW = new Date("2024-05-01T12:00:00.750Z");
const minutesAgo = (m: number): Date => new Date(NOW.getTime() - m * 60_000);
const rollbackRequest = (storage: Storage, data?: Record<string, unknown>): Request =>
  newRequest({ operation: "rollback", path: "", storage, ...(data === undefined ? {} : { data }) });

describe("WAL entries", () => {
  it("stores the Go framework's layout under wal/<id>", async () => {
    const storage = new InmemStorage();
    const id = await putWal(storage, "user", { name: "vault-u-1" }, { now: NOW });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await getJson(storage, `wal/${id}`)).toEqual({ type: "user", data: { name: "vault-u-1" }, created_at: 1714564800 });
    expect(await getWal(storage, id)).toEqual({ id, kind: "user", data: { name: "vault-u-1" }, createdAt: 1714564800 });
    expect(await listWal(storage)).toEqual([id]);
    await deleteWal(storage, id);
    expect(await getWal(storage, id)).toBeUndefined();
    expect(await listWal(storage)).toEqual([]);
  });

  it("takes an explicit id and reads Go's zero values for missing members", async () => {
    const storage = new InmemStorage();
    await putWal(storage, "k", null, { id: "fixed", now: NOW });
    expect(await listWal(storage)).toEqual(["fixed"]);
    await storage.put({ key: `${WAL_PREFIX}bare`, value: Buffer.from("{}") });
    expect(await getWal(storage, "bare")).toEqual({ id: "bare", kind: "", data: null, createdAt: 0 });
  });

  it("rejects values that are not WAL entries", async () => {
    const storage = new InmemStorage();
    await storage.put({ key: "wal/a", value: Buffer.from("[1]") });
    await storage.put({ key: "wal/b", value: Buffer.from('{"type": 3}') });
    await storage.put({ key: "wal/c", value: Buffer.from('{"type": "x", "created_at": "soon"}') });
    await expect(getWal(storage, "a")).rejects.toThrow('WAL entry "a" is not a JSON object');
    await expect(getWal(storage, "b")).rejects.toThrow('"type" is not a string');
    await expect(getWal(storage, "c")).rejects.toThrow('"created_at" is not an integer');
  });
});

describe("multiErrorText", () => {
  it("matches go-multierror's list format", () => {
    expect(multiErrorText(["a"])).toBe("1 error occurred:\n\t* a\n\n");
    expect(multiErrorText(["a", "b"])).toBe("2 errors occurred:\n\t* a\n\t* b\n\n");
  });
});

describe("rollbackWal", () => {
  const setup = async (): Promise<{ storage: InmemStorage; old: string; young: string }> => {
    const storage = new InmemStorage();
    const old = await putWal(storage, "user", { name: "old" }, { now: minutesAgo(11) });
    const young = await putWal(storage, "user", { name: "young" }, { now: minutesAgo(5) });
    return { storage, old, young };
  };

  it("rolls back and deletes entries older than the minimum age, leaving younger ones", async () => {
    const { storage, old, young } = await setup();
    const user = vi.fn<WalRollback>(() => Promise.resolve());
    const request = rollbackRequest(storage);
    const summary = await rollbackWal(storage, { user }, request, DEFAULT_WAL_ROLLBACK_MIN_AGE_MS, NOW);
    expect(user).toHaveBeenCalledExactlyOnceWith(request, { name: "old" });
    expect(summary).toEqual({ examined: 2, rolledBack: [old], tooYoung: [young], errors: [], response: undefined });
    expect(await listWal(storage)).toEqual([young]);
  });

  it("uses Vault's 10 minutes when the minimum age is 0", async () => {
    const { storage, old, young } = await setup();
    const summary = await rollbackWal(storage, { user: () => Promise.resolve() }, rollbackRequest(storage), 0, NOW);
    expect(summary.rolledBack).toEqual([old]);
    expect(summary.tooYoung).toEqual([young]);
  });

  it("honours a shorter per-backend minimum age", async () => {
    const { storage } = await setup();
    const summary = await rollbackWal(storage, { user: () => Promise.resolve() }, rollbackRequest(storage), 60_000, NOW);
    expect(summary.rolledBack).toHaveLength(2);
  });

  it("treats an entry exactly at the cut-off as too young (strictly before, as upstream)", async () => {
    const storage = new InmemStorage();
    const at = new Date(Math.floor(NOW.getTime() / 1000) * 1000 - 600_000);
    const id = await putWal(storage, "user", {}, { now: at });
    const exact = new Date(Math.floor(NOW.getTime() / 1000) * 1000);
    const summary = await rollbackWal(storage, { user: () => Promise.resolve() }, rollbackRequest(storage), DEFAULT_WAL_ROLLBACK_MIN_AGE_MS, exact);
    expect(summary.tooYoung).toEqual([id]);
  });

  it("rolls back everything when the request data has an `immediate` key, whatever its value", async () => {
    const { storage } = await setup();
    const summary = await rollbackWal(storage, { user: () => Promise.resolve() }, rollbackRequest(storage, { immediate: false }), undefined, NOW);
    expect(summary.rolledBack).toHaveLength(2);
    expect(await listWal(storage)).toEqual([]);
  });

  it("keeps going past failures, keeps failed entries, and answers with a multierror response", async () => {
    const storage = new InmemStorage();
    await putWal(storage, "user", { n: 1 }, { id: "1", now: minutesAgo(20) });
    await putWal(storage, "mystery", {}, { id: "2", now: minutesAgo(20) });
    await putWal(storage, "user", { n: 3 }, { id: "3", now: minutesAgo(20) });
    await storage.put({ key: "wal/4", value: Buffer.from("not json") });
    const user: WalRollback = (_req, data) =>
      (data as { n: number }).n === 1 ? Promise.reject(new Error("AccessDenied")) : Promise.resolve();
    const summary = await rollbackWal(storage, { user }, rollbackRequest(storage), undefined, NOW);
    expect(summary.rolledBack).toEqual(["3"]);
    expect(summary.errors).toHaveLength(3);
    expect(summary.errors[0]).toBe('error rolling back "user" entry: AccessDenied');
    expect(summary.errors[1]).toBe('error rolling back "mystery" entry: unknown type to rollback');
    expect(summary.errors[2]).toMatch(/JSON/);
    expect(summary.response).toEqual({ data: { error: multiErrorText(summary.errors) } });
    expect(await listWal(storage)).toEqual(["1", "2", "4"]);
  });

  it("does not look up rollbacks on the prototype", async () => {
    const storage = new InmemStorage();
    await putWal(storage, "toString", {}, { now: minutesAgo(20) });
    const summary = await rollbackWal(storage, {}, rollbackRequest(storage), undefined, NOW);
    expect(summary.errors).toEqual(['error rolling back "toString" entry: unknown type to rollback']);
  });

  it("reports a failed delete and leaves nothing unreported", async () => {
    const storage = new InmemStorage();
    await putWal(storage, "user", {}, { id: "x", now: minutesAgo(20) });
    const failing: Storage = { ...bind(storage), delete: () => Promise.reject(new Error("storage is read-only")) };
    const summary = await rollbackWal(failing, { user: () => Promise.resolve() }, rollbackRequest(failing), undefined, NOW);
    expect(summary.rolledBack).toEqual([]);
    expect(summary.errors).toEqual(["storage is read-only"]);
  });

  it("answers nothing when the WAL is empty, and an error response when it cannot be listed", async () => {
    const storage = new InmemStorage();
    await expect(rollbackWal(storage, {}, rollbackRequest(storage), undefined, NOW)).resolves.toEqual({
      examined: 0,
      rolledBack: [],
      tooYoung: [],
      errors: [],
      response: undefined,
    });
    const broken: Storage = { ...bind(storage), list: () => Promise.reject(new Error("list failed")) };
    const summary = await rollbackWal(broken, {}, rollbackRequest(broken), undefined, NOW);
    expect(summary.response).toEqual({ data: { error: "list failed" } });
  });
});

function bind(storage: InmemStorage): Storage {
  return {
    list: (prefix) => storage.list(prefix),
    get: (key) => storage.get(key),
    put: (entry) => storage.put(entry),
    delete: (key) => storage.delete(key),
  };
}

describe("putWal with no data", () => {
  it("writes null, as Go does for a nil interface", async () => {
    const storage = new InmemStorage();
    const id = await putWal(storage, "k", undefined, { now: NOW });
    expect(await getJson(storage, `wal/${id}`)).toEqual({ type: "k", data: null, created_at: 1714564800 });
  });
});

describe("deleteWalAfterReply", () => {
  it("leaves the entry until the reply's post-reply action runs, then deletes it (retrying a failed delete)", async () => {
    const inner = new InmemStorage();
    let failures = 1;
    const flaky: Storage = {
      list: (p) => inner.list(p),
      get: (k) => inner.get(k),
      put: (e) => inner.put(e),
      delete: async (k) => {
        if (failures-- > 0) throw new Error("storage unavailable");
        await inner.delete(k);
      },
    };
    const id = await putWal(flaky, "user", { UserName: "u" });
    const response = deleteWalAfterReply({ data: { ok: true } }, flaky, id);
    expect(response.data).toEqual({ ok: true });
    expect(await listWal(inner)).toEqual([id]);
    await response.afterReply?.();
    expect(await listWal(inner)).toEqual([]);
  });

  it("keeps an earlier post-reply action and rejects when the entry cannot be deleted at all", async () => {
    const inner = new InmemStorage();
    const broken: Storage = { list: (p) => inner.list(p), get: (k) => inner.get(k), put: (e) => inner.put(e), delete: () => Promise.reject(new Error("down")) };
    const id = await putWal(broken, "user", {});
    let earlier = false;
    const response = deleteWalAfterReply({ afterReply: async () => { earlier = true; } }, broken, id);
    await expect(response.afterReply?.()).rejects.toThrow(`failed to commit WAL entry "${id}": down`);
    expect(earlier).toBe(true);
    expect(await listWal(inner)).toEqual([id]);
  });
});
