// Storage of static roles (`static-roles/<name>`) and their current key pair
// (`static-creds/<name>`, seal-wrapped). The JSON is exactly what Vault's builtin engine writes
// (its staticRoleEntry and awsCredentials structs), so a mount can move between Vault and this
// plugin in either direction: keys are the Go json tags, `rotation_period` is a Go duration in
// integer nanoseconds and `expiration` a Go time in RFC 3339 with up to nine fractional digits.
import { jsonCollection } from "../../framework/index.js";
import type { Nanoseconds, Storage } from "../../logical/index.js";

export const STATIC_ROLES_PREFIX = "static-roles/";
export const STATIC_CREDS_PREFIX = "static-creds/";

/** One static role: an existing IAM user whose access key this mount rotates (≈ staticRoleEntry). */
export interface StaticRole {
  name: string;
  /** The IAM UserId seen when the role was created; a user re-created under the same name has another. */
  id: string;
  username: string;
  rotationPeriod: Nanoseconds;
  // Enterprise-only cross-account settings. Vault CE stores them empty; kept so entries written
  // by an Enterprise cluster survive a read-modify-write here unchanged.
  assumeRoleArn: string;
  assumeRoleSessionName: string;
  externalId: string;
}

/** The key pair a static role currently hands out (≈ awsCredentials). */
export interface StaticCreds {
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * When the pair is due for rotation. Vault before 1.18 (PR #28775) did not store it, so old
   * entries have none. One read from storage is a StoredGoTime, which keeps Vault's exact text.
   */
  expiration: Date | undefined;
}

/** The stored JSON of a role, in Go's field order. */
interface StoredStaticRole {
  name: string;
  id: string;
  username: string;
  rotation_period: number;
  assume_role_arn: string;
  assume_role_session_name: string;
  external_id: string;
}

/** The stored JSON of a key pair; Go omits `expiration` when it is nil (`omitempty`). */
interface StoredStaticCreds {
  access_key: string;
  expiration?: string;
  secret_key: string;
}

const NS_PER_MS = 1_000_000n;

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not a JSON object");
  return value as Record<string, unknown>;
}

// Go's decoder leaves absent (or null) members at their zero value and fails on a wrong type;
// these two helpers do the same.
function stringMember(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new Error(`${key} is not a string`);
  return value;
}

function integerMember(record: Record<string, unknown>, key: string): number {
  const value = record[key];
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isInteger(value)) throw new Error(`${key} is not an integer`);
  return value;
}

function validateStoredRole(value: unknown): StoredStaticRole {
  const record = asRecord(value);
  return {
    name: stringMember(record, "name"),
    id: stringMember(record, "id"),
    username: stringMember(record, "username"),
    rotation_period: integerMember(record, "rotation_period"),
    assume_role_arn: stringMember(record, "assume_role_arn"),
    assume_role_session_name: stringMember(record, "assume_role_session_name"),
    external_id: stringMember(record, "external_id"),
  };
}

function validateStoredCreds(value: unknown): StoredStaticCreds {
  const record = asRecord(value);
  const expiration = record["expiration"];
  if (expiration !== undefined && expiration !== null && typeof expiration !== "string") throw new Error("expiration is not a string");
  return {
    access_key: stringMember(record, "access_key"),
    ...(typeof expiration === "string" && { expiration }),
    secret_key: stringMember(record, "secret_key"),
  };
}

const roles = jsonCollection<StoredStaticRole>(STATIC_ROLES_PREFIX, validateStoredRole);
// Vault lists `static-creds/` under SealWrapStorage; the flag asks for the same per entry.
const creds = jsonCollection<StoredStaticCreds>(STATIC_CREDS_PREFIX, validateStoredCreds, { sealWrap: true });

const GO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A time read from storage that keeps what a Date drops: the digits below the millisecond and the
 * zone offset Vault wrote (a Go `time.Time` has nanoseconds and a location). Formatting it gives
 * back the text Go's encoder would write for the same value, so an expiration stored by Vault
 * reads, and is stored again, exactly as Vault has it. Replacing the expiration with a plain Date
 * drops the text with it.
 */
export class StoredGoTime extends Date {
  readonly goText: string;

  constructor(ms: number, goText: string) {
    super(ms);
    this.goText = goText;
  }
}

/** RFC3339Nano's fraction: trailing zeros removed, and no dot at all for whole seconds. */
function goFraction(digits: string): string {
  const trimmed = digits.replace(/0+$/, "");
  return trimmed === "" ? "" : `.${trimmed}`;
}

/**
 * Parses a Go `time.Time` as its JSON encoding writes it (RFC 3339, optional fraction of up to nine
 * digits, `Z` or a numeric offset). The Date holds whole milliseconds; the full text is kept.
 */
export function parseGoTime(text: string): StoredGoTime {
  const match = GO_TIME.exec(text);
  if (match === null) throw new Error(`invalid time ${JSON.stringify(text)}`);
  const [, year, month, day, hour, minute, second, fraction = "", zone = "Z"] = match;
  const ms = Number(fraction.padEnd(3, "0").slice(0, 3));
  let time = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), ms);
  const offsetMinutes = zone === "Z" ? 0 : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  time -= offsetMinutes * 60_000;
  // Go writes a zero offset as Z, whatever the text it was parsed from.
  const goZone = offsetMinutes === 0 ? "Z" : zone;
  return new StoredGoTime(time, `${year}-${month}-${day}T${hour}:${minute}:${second}${goFraction(fraction)}${goZone}`);
}

/**
 * Formats a time as Go's JSON encoding of a `time.Time` (RFC3339Nano: trailing zeros dropped):
 * a time read from storage as Vault wrote it, any other in UTC.
 */
export function formatGoTime(date: Date): string {
  if (date instanceof StoredGoTime) return date.goText;
  const [whole = "", fraction = ""] = date.toISOString().slice(0, -1).split(".");
  return `${whole}${goFraction(fraction)}Z`;
}

function roleFromStored(stored: StoredStaticRole): StaticRole {
  return {
    name: stored.name,
    id: stored.id,
    username: stored.username,
    rotationPeriod: BigInt(stored.rotation_period),
    assumeRoleArn: stored.assume_role_arn,
    assumeRoleSessionName: stored.assume_role_session_name,
    externalId: stored.external_id,
  };
}

function roleToStored(role: StaticRole): StoredStaticRole {
  return {
    name: role.name,
    id: role.id,
    username: role.username,
    // Periods are whole seconds, i.e. multiples of 2^9 ns, so a JS number holds them exactly for
    // any period shorter than about 140 years.
    rotation_period: Number(role.rotationPeriod),
    assume_role_arn: role.assumeRoleArn,
    assume_role_session_name: role.assumeRoleSessionName,
    external_id: role.externalId,
  };
}

export async function getStaticRole(storage: Storage, name: string): Promise<StaticRole | undefined> {
  const stored = await roles.get(storage, name);
  return stored === undefined ? undefined : roleFromStored(stored);
}

export async function putStaticRole(storage: Storage, role: StaticRole): Promise<void> {
  await roles.put(storage, role.name, roleToStored(role));
}

export async function deleteStaticRole(storage: Storage, name: string): Promise<void> {
  await roles.delete(storage, name);
}

/** Names of all static roles. */
export async function listStaticRoles(storage: Storage): Promise<string[]> {
  return roles.list(storage);
}

export async function getStaticCreds(storage: Storage, name: string): Promise<StaticCreds | undefined> {
  const stored = await creds.get(storage, name);
  if (stored === undefined) return undefined;
  let expiration: Date | undefined;
  try {
    expiration = stored.expiration === undefined ? undefined : parseGoTime(stored.expiration);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`invalid expiration stored at ${JSON.stringify(creds.key(name))}: ${reason}`, { cause: err });
  }
  return { accessKeyId: stored.access_key, secretAccessKey: stored.secret_key, expiration };
}

export async function putStaticCreds(storage: Storage, name: string, value: StaticCreds): Promise<void> {
  await creds.put(storage, name, {
    access_key: value.accessKeyId,
    ...(value.expiration !== undefined && { expiration: formatGoTime(value.expiration) }),
    secret_key: value.secretAccessKey,
  });
}

export async function deleteStaticCreds(storage: Storage, name: string): Promise<void> {
  await creds.delete(storage, name);
}

/** A rotation period in whole milliseconds, for clock arithmetic. */
export function periodMs(role: StaticRole): number {
  return Number(role.rotationPeriod / NS_PER_MS);
}
