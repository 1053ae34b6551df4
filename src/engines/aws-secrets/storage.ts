// Storage layout of the AWS secrets engine. Keys and JSON shapes are upstream's, so a mount can
// move between Vault's builtin engine and this plugin without losing configuration.
import type { Nanoseconds, Storage } from "../../logical/index.js";

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

/**
 * The exact int64 behind a stored number member: JSON.parse rounds integers beyond 2^53 (a lease
 * with nanosecond digits, e.g. "2562047h47m16.854775807s"), so the digits Go wrote are read back
 * from the text itself (a flat object whose only strings are its keys).
 */
function exactInteger(text: string, key: string, parsed: number): bigint {
  if (Number.isSafeInteger(parsed)) return BigInt(parsed);
  const digits = new RegExp(`"${key}"\\s*:\\s*(-?\\d+)(?![\\d.eE])`).exec(text)?.[1];
  if (digits === undefined) throw new Error(`stored ${CONFIG_LEASE_KEY} member ${key} is not an int64 of nanoseconds`);
  return BigInt(digits);
}

export async function readLeaseConfig(storage: Storage): Promise<LeaseConfig | undefined> {
  const entry = await storage.get(CONFIG_LEASE_KEY);
  if (entry === undefined) return undefined;
  const text = Buffer.from(entry.value).toString("utf8");
  const value: unknown = JSON.parse(text);
  if (!isStoredLease(value)) throw new Error(`stored ${CONFIG_LEASE_KEY} is malformed`);
  return { lease: exactInteger(text, "Lease", value.Lease), leaseMax: exactInteger(text, "LeaseMax", value.LeaseMax) };
}

/**
 * Written as Go's encoder writes the struct: the int64 digits exactly (a JS number would round
 * values beyond 2^53 and print those beyond 1e21 with an exponent, which Go cannot decode).
 */
export async function writeLeaseConfig(storage: Storage, config: LeaseConfig): Promise<void> {
  const text = `{"Lease":${config.lease.toString()},"LeaseMax":${config.leaseMax.toString()}}`;
  await storage.put({ key: CONFIG_LEASE_KEY, value: Buffer.from(text, "utf8"), sealWrap: false });
}
