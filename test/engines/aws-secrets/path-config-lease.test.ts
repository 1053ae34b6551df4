import { describe, expect, it } from "vitest";
import { createAwsSecretsBackend } from "../../../src/engines/aws-secrets/index.js";
import {
  InmemStorage,
  StaticSystemView,
  UnsupportedOperationError,
  getJson,
  newRequest,
  type Backend,
  type Logger,
  type Operation,
} from "../../../src/logical/index.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

async function backendWithStorage(): Promise<{ backend: Backend; storage: InmemStorage }> {
  const storage = new InmemStorage();
  const backend = await createAwsSecretsBackend({ storage, system: new StaticSystemView(), logger: silent, backendUuid: "u", config: {} });
  return { backend, storage };
}

function call(backend: Backend, storage: InmemStorage, operation: Operation, data?: Record<string, unknown>) {
  return backend.handleRequest(newRequest({ operation, path: "config/lease", storage, ...(data === undefined ? {} : { data }) }));
}

describe("config/lease", () => {
  it("stores Lease/LeaseMax nanoseconds like the Go engine and reads Go duration strings", async () => {
    const { backend, storage } = await backendWithStorage();
    expect(await call(backend, storage, "update", { lease: "30m", lease_max: "12h" })).toBeUndefined();
    expect(await getJson(storage, "config/lease")).toEqual({ Lease: 1_800_000_000_000, LeaseMax: 43_200_000_000_000 });
    expect(await call(backend, storage, "read")).toEqual({ data: { lease: "30m0s", lease_max: "12h0m0s" } });
  });

  it.each([
    ["integer seconds", { lease: 3600, lease_max: "7200" }, { lease: "1h0m0s", lease_max: "2h0m0s" }],
    ["days", { lease: "1d", lease_max: "30d" }, { lease: "24h0m0s", lease_max: "720h0m0s" }],
    ["compound", { lease: "1h30m", lease_max: "90m" }, { lease: "1h30m0s", lease_max: "1h30m0s" }],
  ])("accepts %s", async (_name, body, read) => {
    const { backend, storage } = await backendWithStorage();
    await call(backend, storage, "update", body);
    expect((await call(backend, storage, "read"))?.data).toEqual(read);
  });

  it.each([
    ["missing lease", { lease_max: "1h" }, "'lease' is a required parameter"],
    ["missing lease_max", { lease: "1h" }, "'lease_max' is a required parameter"],
    ["bad lease", { lease: "abc", lease_max: "1h" }, 'Invalid lease: time: invalid duration "abc"'],
    ["bad lease_max", { lease: "1h", lease_max: "soon" }, 'Invalid lease_max: time: invalid duration "soon"'],
  ])("rejects %s with upstream's message and writes nothing", async (_name, body, message) => {
    const { backend, storage } = await backendWithStorage();
    expect(await call(backend, storage, "update", body)).toEqual({ data: { error: message } });
    expect(await storage.list("")).toEqual([]);
  });

  it.each([
    ["seconds beyond int64 ns", { lease: "9223372037", lease_max: "1h" }, "Invalid lease: multiplication of durations resulted in overflow, one operand may be too large"],
    ["int64's largest as seconds", { lease: "9223372036854775807", lease_max: "1h" }, "Invalid lease: multiplication of durations resulted in overflow, one operand may be too large"],
    ["days beyond int64 ns", { lease: "1h", lease_max: "106752d" }, "Invalid lease_max: multiplication of durations resulted in overflow, one operand may be too large"],
    ["hours beyond int64 ns", { lease: "2562048h", lease_max: "1h" }, 'Invalid lease: time: invalid duration "2562048h"'],
    ["the string true", { lease: "true", lease_max: "1h" }, 'Invalid lease: time: invalid duration "true"'],
  ])("refuses %s as Vault does, naming the field", async (_name, body, message) => {
    const { backend, storage } = await backendWithStorage();
    expect(await call(backend, storage, "update", body)).toEqual({ data: { error: message } });
    expect(await storage.list("")).toEqual([]);
  });

  it.each([
    ["a JSON true", { lease: true, lease_max: "1h" }, 'Invalid lease: expected a duration such as "1h" or a number of seconds, not the boolean true'],
    ["a JSON false", { lease: "1h", lease_max: false }, 'Invalid lease_max: expected a duration such as "1h" or a number of seconds, not the boolean false'],
    ["a negative duration", { lease: "-1h", lease_max: "1h" }, 'Invalid lease: "-1h" is negative; a lease is 0 or more, e.g. "1h" or 3600'],
    ["negative seconds", { lease: "1h", lease_max: -5 }, 'Invalid lease_max: "-5" is negative; a lease is 0 or more, e.g. "1h" or 3600'],
  ])("refuses %s, which Vault stores (a deliberate difference)", async (_name, body, message) => {
    const { backend, storage } = await backendWithStorage();
    expect(await call(backend, storage, "update", body)).toEqual({ data: { error: message } });
    expect(await storage.list("")).toEqual([]);
  });

  it("stores the largest durations as exact int64 digits Go can decode, and reads them back exactly", async () => {
    const { backend, storage } = await backendWithStorage();
    await call(backend, storage, "update", { lease: "9223372036", lease_max: "2562047h47m16.854775807s" });
    const stored = await storage.get("config/lease");
    expect(Buffer.from(stored?.value ?? []).toString()).toBe('{"Lease":9223372036000000000,"LeaseMax":9223372036854775807}');
    expect((await call(backend, storage, "read"))?.data).toEqual({ lease: "2562047h47m16s", lease_max: "2562047h47m16.854775807s" });
  });

  it("reads exact nanoseconds Vault wrote beyond 2^53", async () => {
    const { backend, storage } = await backendWithStorage();
    await storage.put({ key: "config/lease", value: Buffer.from('{"Lease":9007199254740993,"LeaseMax":-1}') });
    expect((await call(backend, storage, "read"))?.data).toEqual({ lease: "2501h59m59.254740993s", lease_max: "-1ns" });
  });

  it("reads nothing (404) before a write", async () => {
    const { backend, storage } = await backendWithStorage();
    expect(await call(backend, storage, "read")).toBeUndefined();
  });

  it("refuses delete as an unsupported operation (405)", async () => {
    const { backend, storage } = await backendWithStorage();
    await expect(call(backend, storage, "delete")).rejects.toThrow(UnsupportedOperationError);
  });

  it("describes both fields in path help", async () => {
    const { backend, storage } = await backendWithStorage();
    const help = await call(backend, storage, "help");
    expect(String(help?.data?.["help"])).toMatch(/lease \(string\)[\s\S]*lease_max \(string\)/);
  });
});
