// Storage layout of the AWS secrets engine. Keys and JSON shapes are upstream's, so a mount can
// move between Vault's builtin engine and this plugin without losing configuration.
import { getJson, putJson, type Nanoseconds, type Storage } from "../../logical/index.js";

export const CONFIG_LEASE_KEY = "config/lease";

/** Go's `configLease` struct has no json tags, so the keys are its field names; values are ns. */
interface StoredLease {
  Lease: number;
  LeaseMax: number;
}

export interface LeaseConfig {
  lease: Nanoseconds;
  leaseMax: Nanoseconds;
}

function isStoredLease(value: unknown): value is StoredLease {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record["Lease"] === "number" && typeof record["LeaseMax"] === "number";
}

export async function readLeaseConfig(storage: Storage): Promise<LeaseConfig | undefined> {
  const value = await getJson(storage, CONFIG_LEASE_KEY);
  if (value === undefined) return undefined;
  if (!isStoredLease(value)) throw new Error(`stored ${CONFIG_LEASE_KEY} is malformed`);
  return { lease: BigInt(value.Lease), leaseMax: BigInt(value.LeaseMax) };
}

export async function writeLeaseConfig(storage: Storage, config: LeaseConfig): Promise<void> {
  const stored: StoredLease = { Lease: Number(config.lease), LeaseMax: Number(config.leaseMax) };
  await putJson(storage, CONFIG_LEASE_KEY, stored);
}
