// Vault's weak input coercion, one function per field type. The behaviour (and every error text) is
// that of hashicorp/vault sdk/framework/field_data.go `getPrimitive`, which leans on
// mitchellh/mapstructure v1.5.0 `WeakDecode`, go-secure-stdlib parseutil v0.2.0 and Go's strconv.
//
// The Go side sees request data decoded with `UseNumber`, so a JSON number arrives as `json.Number`:
// a *string kind* holding the number's text. That is why `1.5` fails for an int field ("1.5" is not
// an integer literal) and `2` fails for a bool field ("2" is not a ParseBool word). Here a JS number
// stands in for its JSON text (`String(n)`). The differences are the texts JSON.parse normalises
// (`1.0` → "1", `1e3` → "1000", `-0` → "0", `1e21` → "1e+21"), which Vault rejects for int-like and
// bool fields and we accept, and integers beyond 2^53, which lose precision before we see them and
// are refused for int fields (Vault takes any int64).
import { FieldParseError } from "./types.js";
import { boundInput, quoteInput } from "./error-text.js";

// ---------------------------------------------------------------- Go's view of a JSON value

/** A JSON object, as Go's `map[string]interface {}`. */
export const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** reflect.Kind names mapstructure puts in "expected a map, got '…'" (json.Number is a string kind). */
function goKind(value: unknown): string {
  if (typeof value === "string" || typeof value === "number") return "string";
  if (typeof value === "boolean") return "bool";
  return Array.isArray(value) ? "slice" : isMap(value) ? "map" : "invalid";
}

/** reflect.Type names used in mapstructure's "unconvertible type" messages. */
function goTypeName(value: unknown): string {
  if (typeof value === "number") return "json.Number";
  if (typeof value === "string" || typeof value === "boolean") return typeof value === "string" ? "string" : "bool";
  return Array.isArray(value) ? "[]interface {}" : "map[string]interface {}";
}

/** Go's `%v` (verb "v") or `%s` (verb "s") of a decoded JSON value; map keys print sorted, as fmt does. */
export function goFormat(value: unknown, verb: "v" | "s" = "v"): string {
  if (value === null || value === undefined) return verb === "v" ? "<nil>" : "%!s(<nil>)";
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return verb === "v" ? String(value) : `%!s(bool=${String(value)})`;
  if (Array.isArray(value)) return `[${value.map((item) => goFormat(item, verb)).join(" ")}]`;
  if (isMap(value)) {
    const keys = Object.keys(value).sort();
    return `map[${keys.map((key) => `${key}:${goFormat(value[key], verb)}`).join(" ")}]`;
  }
  return JSON.stringify(value) ?? "";
}

/**
 * An error in mapstructure's shape: one message, or (`aggregate`) several collected from list or map
 * elements as `N error(s) decoding:` with sorted `* ` points. `points` lets an enclosing list flatten
 * nested collections into its own, as mapstructure's appendErrors does.
 */
export class DecodeError extends FieldParseError {
  constructor(readonly points: readonly string[], aggregate: boolean) {
    const sorted = points.map((point) => `* ${point}`).sort();
    super(aggregate ? `${points.length} error(s) decoding:\n\n${sorted.join("\n")}` : (points[0] ?? ""));
  }
}

/** Throws a single (non-aggregate) decode error. */
export const fail = (message: string): never => {
  throw new DecodeError([message], false);
};

const unconvertible = (name: string, target: string, value: unknown): never =>
  fail(`'${name}' expected type '${target}', got unconvertible type '${goTypeName(value)}', value: '${boundInput(goFormat(value))}'`);

// ---------------------------------------------------------------- strconv

/** The two strconv.NumError reasons. */
export type NumError = "invalid syntax" | "value out of range";
/** Largest Go int64. */
export const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's underscoreOK: `_` only between digits, or between a base prefix and a digit. */
function underscoreOK(text: string): boolean {
  let s = /^[+-]/.test(text) ? text.slice(1) : text;
  let saw = "^";
  let hex = false;
  if (/^0[bBoOxX]/.test(s)) {
    hex = s[1] === "x" || s[1] === "X";
    s = s.slice(2);
    saw = "0";
  }
  for (const ch of s) {
    if (/[0-9]/.test(ch) || (hex && /[a-fA-F]/.test(ch))) saw = "0";
    else if (ch === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else {
      if (saw === "_") return false;
      saw = "!";
    }
  }
  return saw !== "_";
}

/** strconv.ParseInt(text, base, 64) for base 10 or 0 (0x/0o/0b/0 prefixes and `_` separators). */
export function goParseInt(text: string, base: 0 | 10): bigint | NumError {
  if (text === "") return "invalid syntax";
  const negative = text.startsWith("-");
  let s = text.startsWith("-") || text.startsWith("+") ? text.slice(1) : text;
  if (s === "") return "invalid syntax";
  let radix = 10n;
  if (base === 0 && s.startsWith("0")) {
    const prefix = s.length >= 3 ? { b: 2n, o: 8n, x: 16n }[s[1]?.toLowerCase() ?? ""] : undefined;
    radix = prefix ?? 8n;
    s = s.slice(prefix === undefined ? 1 : 2);
  }
  let n = 0n;
  let underscores = false;
  for (const ch of s) {
    if (ch === "_" && base === 0) {
      underscores = true;
      continue;
    }
    const digit = /[0-9a-z]/i.test(ch) ? BigInt(parseInt(ch, 36)) : radix;
    if (digit >= radix) return "invalid syntax";
    n = n * radix + digit;
    // Go stops at the first overflow, before looking at the remaining characters.
    if (n > UINT64_MAX) return "value out of range";
  }
  if (underscores && !underscoreOK(text)) return "invalid syntax";
  if (negative ? n > INT64_MAX + 1n : n > INT64_MAX) return "value out of range";
  return negative ? -n : n;
}

const DECIMAL_FLOAT = /^[+-]?(?=[._]*[0-9])[0-9_]*(\.[0-9_]*)?([eE][+-]?[0-9][0-9_]*)?$/;
const HEX_FLOAT = /^([+-]?)0[xX](?=[._]*[0-9a-fA-F])([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?[0-9][0-9_]*)$/;

/** strconv.ParseFloat(text, 64): decimal and hex literals, `_` separators, inf/infinity/nan. */
export function goParseFloat(text: string): number | NumError {
  const special = /^([+-]?)(inf|infinity)$/i.exec(text);
  if (special !== null) return special[1] === "-" ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  let value: number;
  const hex = HEX_FLOAT.exec(text);
  if (hex !== null) {
    const [, sign = "", whole = "", fraction = "", exponent = "0"] = hex;
    const digits = (whole + fraction).replaceAll("_", "");
    const mantissa = Number(BigInt(`0x${digits === "" ? "0" : digits}`));
    const scale = Number(exponent.replaceAll("_", "")) - 4 * fraction.replaceAll("_", "").length;
    value = (sign === "-" ? -1 : 1) * mantissa * 2 ** scale;
  } else if (DECIMAL_FLOAT.test(text)) {
    value = Number(text.replaceAll("_", ""));
  } else {
    return "invalid syntax";
  }
  if (text.includes("_") && !underscoreOK(text.replace(/[pPeE].*$/, ""))) return "invalid syntax";
  return Number.isFinite(value) ? value : "value out of range";
}

const TRUE_WORDS = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE_WORDS = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** strconv's NumError text: `strconv.ParseInt: parsing "x": invalid syntax`. */
export const numError = (fn: string, text: string, reason: NumError): string => `strconv.${fn}: parsing ${quoteInput(text)}: ${reason}`;

// ---------------------------------------------------------------- mapstructure.WeakDecode

/** The text of a string or json.Number, or undefined for other kinds. */
export const textOf = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;

/** Weakly decodes into a Go `string`: numbers as their text, booleans as "1"/"0", null as "". */
export function weakString(name: string, value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "1" : "0";
  return textOf(value) ?? unconvertible(name, "string", value);
}

/** Largest integer a JS number holds exactly (2^53 - 1). */
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** Weakly decodes into a Go `int`/`int64`: booleans as 1/0, "" as 0, Go integer literals. */
export function weakInt(name: string, value: unknown, target = "int"): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "boolean") return value ? 1 : 0;
  const text = textOf(value);
  if (text === undefined) return unconvertible(name, target, value);
  const parsed = goParseInt(text === "" ? "0" : text, 0);
  if (typeof parsed === "string") return fail(`cannot parse '${name}' as int: ${numError("ParseInt", text, parsed)}`);
  // Go's int64 holds it, a JS number would not hold it exactly: refused rather than stored rounded
  // (a rounded value near 2^63 is written as digits Go's decoder then refuses).
  if (parsed > MAX_EXACT || parsed < -MAX_EXACT) return fail(`cannot parse '${name}' as int: ${text} is outside ${-MAX_EXACT}..${MAX_EXACT}, the integers held exactly`);
  return Number(parsed);
}

/** Weakly decodes into a Go `float64`. */
export function weakFloat(name: string, value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === "boolean") return value ? 1 : 0;
  const text = textOf(value);
  if (text === undefined) return unconvertible(name, "float64", value);
  const parsed = goParseFloat(text === "" ? "0" : text);
  if (typeof parsed === "string") return fail(`cannot parse '${name}' as float: ${numError("ParseFloat", text, parsed)}`);
  return parsed;
}

/** Weakly decodes into a Go `bool`: strconv.ParseBool words, "" as false; numbers only as "0"/"1". */
export function weakBool(name: string, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === "boolean") return value;
  const text = textOf(value);
  if (text === undefined) return unconvertible(name, "bool", value);
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text) || text === "") return false;
  return fail(`cannot parse '${name}' as bool: ${numError("ParseBool", text, "invalid syntax")}`);
}

/**
 * mapstructure's weak slice lifting: an array stays, an empty object is an empty list, anything else
 * becomes a one-element list; null is "nothing decoded" (undefined).
 */
function liftToList(value: unknown): unknown[] | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value as unknown[];
  if (isMap(value) && Object.keys(value).length === 0) return [];
  return [value];
}

/** Decodes every element, collecting element errors the way mapstructure's decodeSlice does. */
export function decodeList<T>(name: string, items: readonly unknown[], decode: (name: string, item: unknown) => T): T[] {
  const points: string[] = [];
  const out = items.map((item, index) => {
    try {
      return decode(`${name}[${index}]`, item);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      points.push(...error.points);
      return undefined as T;
    }
  });
  if (points.length > 0) throw new DecodeError(points, true);
  return out;
}

/**
 * Weakly decodes into a Go map, merging into `into`: an object's entries (each through `decodeValue`),
 * or, for an array, every element in turn (mapstructure's decodeMapFromSlice).
 */
export function weakMapInto<T>(
  name: string,
  value: unknown,
  into: Record<string, T>,
  decodeValue: (name: string, item: unknown) => T,
): void {
  if (value === null || value === undefined) return;
  if (isMap(value)) {
    const points: string[] = [];
    for (const [key, item] of Object.entries(value)) {
      try {
        into[key] = decodeValue(`${name}[${key}]`, item);
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        points.push(...error.points);
      }
    }
    if (points.length > 0) throw new DecodeError(points, true);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => weakMapInto(`${name}[${index}]`, item, into, decodeValue));
    return;
  }
  fail(`'${name}' expected a map, got '${goKind(value)}'`);
}

const asIs = (_name: string, item: unknown): unknown => item;

// ---------------------------------------------------------------- the field types

/** TypeString. */
export const string = (raw: unknown): string => weakString("", raw);

/**
 * Go's strings.ToLower maps each code point on its own (no special casing), so "İ" becomes "i" and a
 * final "Σ" becomes "σ", where JS's toLowerCase gives "i̇" and "ς".
 */
const goToLower = (text: string): string =>
  Array.from(text, (ch) => (ch === "\u0130" ? "i" : ch.toLowerCase())).join("");

/** TypeLowerCaseString. */
export const lowercaseString = (raw: unknown): string => goToLower(weakString("", raw));

/** Vault's name rule: word characters, with `-` and `.` allowed inside (RE2's \w is ASCII, as is JS's). */
const NAME_RULE = /^\w(?:[\w.-]*\w)?$/;

/** TypeNameString. */
export function nameString(raw: unknown): string {
  const value = weakString("", raw);
  return NAME_RULE.test(value) ? value : fail("field does not match the formatting rules");
}

/** TypeInt. */
export const int = (raw: unknown): number => weakInt("", raw, "int");

/** TypeInt64. */
export const int64 = (raw: unknown): number => weakInt("", raw, "int64");

/** TypeFloat. */
export const float = (raw: unknown): number => weakFloat("", raw);

/** TypeBool. */
export const bool = (raw: unknown): boolean => weakBool("", raw);

/** TypeSlice: elements are kept as sent. */
export const slice = (raw: unknown): unknown[] => [...(liftToList(raw) ?? [])];

/** TypeStringSlice: "" is an empty list; elements weakly decoded to strings, then trimmed. */
export function stringSlice(raw: unknown): string[] {
  if (raw === "") return [];
  return decodeList("", liftToList(raw) ?? [], weakString).map((item) => item.trim());
}

/** TypeCommaStringSlice (parseutil.ParseCommaStringSlice): a string is split on ",", items trimmed. */
export function commaStringSlice(raw: unknown): string[] {
  const text = textOf(raw);
  if (text === "") return [];
  const items = text === undefined ? (liftToList(raw) ?? []) : text.split(",");
  return decodeList("", items, weakString).map((item) => item.trim());
}

/** TypeCommaIntSlice: a string is split on "," (items are not trimmed: "1, 2" fails), "" items are 0. */
export function commaIntSlice(raw: unknown): number[] {
  const text = textOf(raw);
  if (text === "") return [];
  const items = text === undefined ? (liftToList(raw) ?? []) : text.split(",");
  return decodeList("", items, (name, item) => weakInt(name, item));
}

/** TypeMap: an object (an array of objects is merged). null gives {} where Go gives a nil map. */
export function map(raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  weakMapInto("", raw, out, asIs);
  return out;
}

/** TypeKVPairs: first as an object of strings; failing that, as a list of `key=value` strings. */
export function kvPairs(raw: unknown): Record<string, string> {
  try {
    const out: Record<string, string> = {};
    weakMapInto("", raw, out, weakString);
    return out;
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
  }
  const out: Record<string, string> = {};
  for (const pair of decodeList("", liftToList(raw) ?? [], weakString)) {
    const at = pair.indexOf("=");
    if (at <= 0) fail(`invalid key pair ${quoteInput(pair)}`);
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}
