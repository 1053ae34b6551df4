// Go's duration text, exactly: `time.ParseDuration`, `time.Duration.String` and go-secure-stdlib's
// `parseutil.ParseDurationSecond` (a bare integer is seconds, `Nd` is days). Vault clients send
// these strings and read them back, so the formatting must match byte for byte.
import type { Nanoseconds } from "../logical/index.js";
import { goParseInt, numError } from "./field-coercion.js";

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "µs": 1_000n, // U+00B5 micro sign
  "μs": 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_INT64 = 2n ** 63n - 1n;

export class DurationError extends Error {
  override readonly name = "DurationError";
}

/** Go's time.quote: printable ASCII kept (with `"` and `\\` escaped), every other byte as \\xHH. */
function quote(s: string): string {
  let out = '"';
  for (const byte of Buffer.from(s, "utf8")) {
    if (byte < 0x20 || byte >= 0x80) out += `\\x${byte.toString(16).padStart(2, "0")}`;
    else {
      const char = String.fromCharCode(byte);
      out += char === '"' || char === "\\" ? `\\${char}` : char;
    }
  }
  return `${out}"`;
}

/** `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, or a lone "0". */
export function parseGoDuration(input: string): Nanoseconds {
  const invalid = (): DurationError => new DurationError(`time: invalid duration ${quote(input)}`);
  let s = input;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw invalid();
  let total = 0n;
  while (s !== "") {
    const number = /^(\d*)(?:\.(\d*))?/.exec(s);
    const whole = number?.[1] ?? "";
    const fraction = number?.[2];
    if (whole === "" && (fraction === undefined || fraction === "")) throw invalid();
    // Go reads the leading integer first; one that overflows int64 makes the whole text invalid.
    if (whole !== "" && BigInt(whole) > MAX_INT64) throw invalid();
    s = s.slice(number?.[0].length ?? 0);
    const unitMatch = /^[^.\d]+/.exec(s);
    if (unitMatch === null) throw new DurationError(`time: missing unit in duration ${quote(input)}`);
    const unit = unitMatch[0];
    const scale = UNIT_NS[unit];
    if (scale === undefined) throw new DurationError(`time: unknown unit ${quote(unit)} in duration ${quote(input)}`);
    s = s.slice(unit.length);
    let value = BigInt(whole === "" ? "0" : whole) * scale;
    if (fraction !== undefined && fraction !== "") {
      // Go truncates the fraction toward zero at nanosecond precision.
      value += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
    }
    total += value;
    if (total > MAX_INT64 + (negative ? 1n : 0n)) throw invalid();
  }
  return negative ? -total : total;
}

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_DAY = 86_400n * NS_PER_SECOND;
const MIN_INT64 = -(2n ** 63n);

/** parseutil's ErrDurationMultiplicationOverflow text. */
export const DURATION_OVERFLOW = "multiplication of durations resulted in overflow, one operand may be too large";

/** `count × unit` as int64 nanoseconds, refused as parseutil's overflowMul refuses it. */
function multiply(count: bigint, unitNs: bigint): Nanoseconds {
  const product = count * unitNs;
  if (product > MAX_INT64 || product < MIN_INT64) throw new DurationError(DURATION_OVERFLOW);
  return product;
}

/**
 * go-secure-stdlib `ParseDurationSecond` for strings: "" is 0, an integer (strconv.ParseInt base 10)
 * is seconds, `Nd` is days, anything else goes through `time.ParseDuration`. The result is always
 * an int64 of nanoseconds: a count that does not fit is refused with parseutil's overflow text
 * (a Go duration cannot hold it, so neither Vault nor its storage could). Error texts are Go's.
 */
export function parseDurationSecond(input: string): Nanoseconds {
  if (input === "") return 0n;
  const whole = goParseInt(input, 10);
  if (typeof whole === "bigint") return multiply(whole, NS_PER_SECOND);
  if (input.endsWith("d")) {
    const text = input.slice(0, -1);
    const days = goParseInt(text, 10);
    if (typeof days === "string") throw new DurationError(numError("ParseInt", text, days));
    return multiply(days, NS_PER_DAY);
  }
  return parseGoDuration(input);
}

/** Go's fractional formatting: trailing zeros dropped, no dot when nothing remains. */
function fractional(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const whole = value / scale;
  const frac = (value % scale).toString().padStart(digits, "0").replace(/0+$/, "");
  return frac === "" ? whole.toString() : `${whole}.${frac}`;
}

/** `time.Duration.String`: "30m0s", "12h0m0s", "1.5s", "500ms", "0s". */
export function formatGoDuration(ns: Nanoseconds): string {
  if (ns === 0n) return "0s";
  const sign = ns < 0n ? "-" : "";
  const abs = ns < 0n ? -ns : ns;
  if (abs < 1_000n) return `${sign}${abs}ns`;
  if (abs < 1_000_000n) return `${sign}${fractional(abs, 3)}µs`;
  if (abs < 1_000_000_000n) return `${sign}${fractional(abs, 6)}ms`;
  const hours = abs / 3_600_000_000_000n;
  const minutes = (abs / 60_000_000_000n) % 60n;
  const seconds = fractional(abs % 60_000_000_000n, 9);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}
