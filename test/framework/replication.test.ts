import { describe, expect, it } from "vitest";
import { primaryOwnsMountData, writeSafeReplicationState } from "../../src/framework/replication.js";
import { StaticSystemView } from "../../src/logical/index.js";

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
