// Where this node may write replicated storage (sdk/helper/consts/replication.go bits). Upstream
// asks this in two shapes, and engines must ask exactly the one upstream asks at each place.
import type { SystemView } from "../logical/index.js";
import type { OperationSpec, FieldSchemas } from "./types.js";

export const REPLICATION_PERFORMANCE_SECONDARY = 1 << 6;
export const REPLICATION_DR_SECONDARY = 1 << 9;
export const REPLICATION_PERFORMANCE_STANDBY = 1 << 14;

/**
 * framework.Backend.WriteSafeReplicationState: the active node of a primary cluster, or a local
 * mount on a performance secondary — never a DR secondary or a performance standby. Upstream runs
 * background writers (e.g. static-role rotation) only where this holds.
 */
export async function writeSafeReplicationState(system: SystemView): Promise<boolean> {
  const state = await system.replicationState();
  const local = await system.localMount();
  return (local || (state & REPLICATION_PERFORMANCE_SECONDARY) === 0) && (state & REPLICATION_DR_SECONDARY) === 0 && (state & REPLICATION_PERFORMANCE_STANDBY) === 0;
}

/**
 * Upstream's `!LocalMount() && ReplicationState().HasState(PerformanceSecondary|PerformanceStandby)`:
 * the mount's data belongs to the primary's active node, so this node must not write it (upstream
 * skips legacy-role upgrades and WAL rollbacks there). DR secondaries are not asked about: they
 * serve no requests.
 */
export async function primaryOwnsMountData(system: SystemView): Promise<boolean> {
  if (await system.localMount()) return false;
  return ((await system.replicationState()) & (REPLICATION_PERFORMANCE_SECONDARY | REPLICATION_PERFORMANCE_STANDBY)) !== 0;
}

/**
 * Whether this node must hand the operation to another one (framework.Backend.HandleRequest's
 * check of the operation's properties): a standby for `forwardPerformanceStandby`, a performance
 * secondary for `forwardPerformanceSecondary` unless the mount is local to it.
 */
export async function mustForward(system: SystemView, spec: OperationSpec<FieldSchemas>): Promise<boolean> {
  if (spec.forwardPerformanceStandby !== true && spec.forwardPerformanceSecondary !== true) return false;
  const state = await system.replicationState();
  if (spec.forwardPerformanceStandby === true && (state & REPLICATION_PERFORMANCE_STANDBY) !== 0) return true;
  return spec.forwardPerformanceSecondary === true && (state & REPLICATION_PERFORMANCE_SECONDARY) !== 0 && !(await system.localMount());
}
