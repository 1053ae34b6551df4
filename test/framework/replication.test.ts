import { describe, expect, it } from "vitest";
import { defineBackend, definePath, field } from "../../src/framework/index.js";
import { primaryOwnsMountData, writeSafeReplicationState } from "../../src/framework/replication.js";
import { InmemStorage, ReadOnlyError, StaticSystemView, newRequest, type Logger, type Operation } from "../../src/logical/index.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

const PERF_PRIMARY = 1 << 5;
const PERF_SECONDARY = 1 << 6;
const DR_SECONDARY = 1 << 9;
const PERF_STANDBY = 1 << 14;

// [case, replication state, local mount, WriteSafeReplicationState, primary owns the mount's data]
const CASES: [string, number, boolean, boolean, boolean][] = [
  ["a standalone or primary active node", 0, false, true, false],
  ["a performance primary", PERF_PRIMARY, false, true, false],
  ["a performance secondary", PERF_SECONDARY, false, false, true],
  ["a local mount on a performance secondary", PERF_SECONDARY, true, true, false],
  ["a DR secondary", DR_SECONDARY, false, false, false],
  ["a DR secondary, even for a local mount", DR_SECONDARY, true, false, false],
  ["a performance standby", PERF_STANDBY, false, false, true],
  ["a performance standby, local mount", PERF_STANDBY, true, false, false],
];

describe("replication state checks (upstream's two shapes)", () => {
  it.each(CASES)("%s", async (_name, replicationState, localMount, writeSafe, primaryOwns) => {
    const system = new StaticSystemView({ replicationState, localMount });
    expect(await writeSafeReplicationState(system)).toBe(writeSafe);
    expect(await primaryOwnsMountData(system)).toBe(primaryOwns);
  });
});

describe("operations marked for forwarding (framework.OperationProperties)", () => {
  const calls: string[] = [];
  const path = definePath({
    pattern: "thing",
    fields: { n: field.int({ description: "A number." }) },
    operations: {
      read: async () => ({ data: { local: true } }),
      update: {
        handler: async () => {
          calls.push("update");
          return undefined;
        },
        forwardPerformanceStandby: true,
      },
      delete: {
        handler: async () => {
          calls.push("delete");
          return undefined;
        },
        forwardPerformanceStandby: true,
        forwardPerformanceSecondary: true,
      },
    },
    helpSynopsis: "",
    helpDescription: "",
  });
  const backendOn = (replicationState: number, localMount = false) =>
    defineBackend(
      { type: "logical", help: "", paths: [path] },
      { storage: new InmemStorage(), system: new StaticSystemView({ replicationState, localMount }), logger: silent, backendUuid: "u", config: {} },
    );
  const send = (replicationState: number, operation: Operation, localMount = false, data: Record<string, unknown> = {}) =>
    backendOn(replicationState, localMount).handleRequest(newRequest({ operation, path: "thing", storage: new InmemStorage(), data }));

  it("a standby answers ReadOnlyError before the handler, even for input that would not validate", async () => {
    calls.length = 0;
    await expect(send(PERF_STANDBY, "update", false, { n: "not a number" })).rejects.toBeInstanceOf(ReadOnlyError);
    await expect(send(PERF_STANDBY, "delete")).rejects.toThrow("cannot write to readonly storage");
    expect(calls).toEqual([]);
  });

  it("an unmarked operation runs on a standby", async () => {
    expect((await send(PERF_STANDBY, "read"))?.data).toEqual({ local: true });
  });

  it("a performance secondary forwards only ForwardPerformanceSecondary, and never for a local mount", async () => {
    calls.length = 0;
    await send(PERF_SECONDARY, "update");
    await expect(send(PERF_SECONDARY, "delete")).rejects.toBeInstanceOf(ReadOnlyError);
    await send(PERF_SECONDARY, "delete", true);
    expect(calls).toEqual(["update", "delete"]);
  });

  it("the active node (performance primary) runs everything", async () => {
    calls.length = 0;
    await send(PERF_PRIMARY, "update");
    await send(0, "delete");
    expect(calls).toEqual(["update", "delete"]);
  });
});
