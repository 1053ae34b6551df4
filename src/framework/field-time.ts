// Vault's duration and time field types (sdk/framework/field_data.go), built on go-secure-stdlib
// parseutil v0.2.0 `ParseDurationSecond` and `ParseAbsoluteTime`. As in field-coercion.ts, a JSON
// number stands for its text, the way Vault sees a json.Number.
import { fail, goParseInt, numError, textOf } from "./field-coercion.js";
import { DurationError, parseDurationSecond } from "./go-duration.js";

const NS_PER_SECOND = 1_000_000_000n;

/** parseutil.ParseDurationSecond on text, its Go error text as a field parse error. */
function durationNs(text: string): bigint {
  try {
    return parseDurationSecond(text);
  } catch (error) {
    if (error instanceof DurationError) return fail(error.message);
    throw error;
  }
}

/**
 * TypeDurationSecond / TypeSignedDurationSecond: whole seconds. Go computes `int(d.Seconds())`, a
 * float64 sum truncated toward zero, reproduced here so that rounding at the edges matches.
 */
export function durationSeconds(raw: unknown, signed: boolean): number {
  // null is "not sent" for durations (field-data.ts falls back to the default before getting here).
  if (raw === null || raw === undefined) return 0;
  const text = textOf(raw);
  if (text === undefined) return fail("could not parse duration from input");
  const ns = durationNs(text);
  const seconds = Math.trunc(Number(ns / NS_PER_SECOND) + Number(ns % NS_PER_SECOND) / 1e9);
  if (!signed && seconds < 0) fail(`cannot provide negative value '${seconds}'`);
  return seconds === 0 ? 0 : seconds; // no -0
}

/** Go's zero `time.Time` (0001-01-01T00:00:00Z), what Vault's Get returns for an absent time field. */
export const ZERO_TIME_MS = -62_135_596_800_000;

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** time.Parse(time.RFC3339Nano / RFC3339, …), with Go's range checks. Sub-millisecond digits are dropped. */
function parseRfc3339(text: string): Date | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const zone = m[8] ?? "Z";
  const zoneHours = zone === "Z" ? 0 : Number(zone.slice(1, 3));
  const zoneMinutes = zone === "Z" ? 0 : Number(zone.slice(4, 6));
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return undefined;
  // Go's generic parser (which RFC3339 falls back to) allows offsets up to 24 hours and 60 minutes.
  if (zoneHours > 24 || zoneMinutes > 60) return undefined;
  const millis = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const offset = (zone.startsWith("-") ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  return new Date(date.getTime() - offset * 60_000);
}

const isLeap = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** A Date for Unix seconds, or a parse error when JS dates cannot hold it (Go's time can). */
function fromUnix(seconds: bigint): Date {
  const date = new Date(Number(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? fail(`time ${seconds} is outside the range of JavaScript dates`) : date;
}

/** TypeTime (parseutil.ParseAbsoluteTime): RFC 3339 text, or Unix epoch seconds as text or number. */
export function time(raw: unknown): Date {
  // null is "not sent" for times (field-data.ts falls back to the default before getting here).
  if (raw === null || raw === undefined) return new Date(ZERO_TIME_MS);
  if (typeof raw === "string") {
    const parsed = parseRfc3339(raw);
    if (parsed !== undefined) return parsed;
    const epoch = goParseInt(raw, 10);
    return typeof epoch === "bigint" ? fromUnix(epoch) : fail("could not parse string as date and time");
  }
  if (typeof raw === "number") {
    const epoch = goParseInt(String(raw), 10);
    return typeof epoch === "bigint" ? fromUnix(epoch) : fail(numError("ParseInt", String(raw), epoch));
  }
  return fail("could not parse time from input type");
}
