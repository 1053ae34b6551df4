// Vault's string templates — the counterpart of Vault's and OpenBao's sdk/helper/template
// (template.go and funcs.go): Go text/template syntax plus Vault's helper functions, used for
// username_template and similar settings, so a template that works in Vault renders the same text
// here and a broken one fails with the same message. The Go side lives in lexer.ts (parse/lex.go),
// parser.ts (parse/parse.go, node.go), evaluate.ts (exec.go) and funcs.ts (funcs.go and fmt).
//
// Supported: text, {{/* comments */}}, trim markers, pipelines, parentheses, variables
// ($x := / $x =), if / else if / else, with / else with, range (slices, maps, integers; break,
// continue), field chains on maps and structs, string/raw/char/number/bool/nil literals, Go's
// predefined functions except `call`, and Vault's and OpenBao's helpers. Not supported:
// define/template/block (rejected at parse time), complex numbers, method calls, printf's
// explicit argument indexes (%[1]d), %x/%b of floats, %p. `timestamp` formats in UTC.
import { createHash, randomBytes } from "node:crypto";
import { execute, type ResolvedFunc } from "./evaluate.js";
import { BUILTIN_FUNCS, toGoValue, utf8, type FuncEnv, type GoStruct, type GoValue, type TemplateFunc } from "./funcs.js";
import { formatRuneU, TemplateError } from "./lexer.js";
import { DEFAULT_TEMPLATE_LIMITS, limitExceeded, TemplateLimitError, type TemplateLimits } from "./limits.js";
import { parseTemplate, type ListNode } from "./parser.js";

export { TemplateError } from "./lexer.js";
export { DEFAULT_TEMPLATE_LIMITS, TemplateLimitError, type TemplateLimitName, type TemplateLimits } from "./limits.js";
export { GoMap, GoStruct, type FuncEnv, type GoValue, type ParamKind, type TemplateFunc } from "./funcs.js";

/** Options of {@link compileTemplate}. */
export interface TemplateOptions {
  /** Extra functions; like upstream's `Function` option they replace same-named helpers. */
  readonly funcs?: Readonly<Record<string, TemplateFunc>>;
  /** Clock behind unix_time, unix_time_millis and timestamp (default: the system clock). */
  readonly now?: () => Date;
  /** Randomness behind random and uuid (default: crypto.randomBytes). */
  readonly randomBytes?: (n: number) => Uint8Array;
  /** Go's Option("missingkey=error"): a missing map key fails instead of printing "<no value>". */
  readonly missingKey?: "default" | "error";
  /** Bounds on text size, nesting, steps and value sizes; unset ones keep DEFAULT_TEMPLATE_LIMITS. */
  readonly limits?: Partial<TemplateLimits>;
}

/** Data a template runs against: an object (a Go map), a GoStruct, or nothing (nil). */
export type TemplateData = Readonly<Record<string, unknown>> | GoStruct | null | undefined;

/** A compiled template; safe to render many times. */
export interface Template {
  /** The template text as given. */
  readonly source: string;
  /** Executes the template; throws TemplateError ("unable to apply template: …") on failure. */
  render(data?: TemplateData): string;
}

/**
 * Compiles template text as Vault's template.NewTemplate does. Throws TemplateError with
 * "missing template" for empty text and "unable to parse template: template: template:LINE: …"
 * for syntax errors, the texts Vault wraps into its API errors.
 */
export function compileTemplate(text: string, options: TemplateOptions = {}): Template {
  const custom = options.funcs ?? {};
  if (Object.hasOwn(custom, "")) throw new TemplateError("missing function name");
  if (text === "") throw new TemplateError("missing template");
  const limits: TemplateLimits = { ...DEFAULT_TEMPLATE_LIMITS, ...options.limits };
  const size = Buffer.byteLength(text, "utf8");
  if (size > limits.maxSourceBytes) limitExceeded(limits, "maxSourceBytes", `${size} bytes given`);
  const lookup = (name: string): ResolvedFunc | undefined => {
    const fn = (Object.hasOwn(custom, name) ? custom[name] : undefined) ?? (Object.hasOwn(VAULT_FUNCS, name) ? VAULT_FUNCS[name] : undefined);
    if (fn !== undefined) return { fn, builtin: false };
    const builtin = Object.hasOwn(BUILTIN_FUNCS, name) ? BUILTIN_FUNCS[name] : undefined;
    return builtin === undefined ? undefined : { fn: builtin, builtin: true };
  };
  let root: ListNode;
  try {
    root = parseTemplate(text, (name) => lookup(name) !== undefined, limits);
  } catch (err) {
    if (err instanceof TemplateLimitError) throw new TemplateLimitError(err.limit, `unable to parse template: ${err.message}`);
    throw new TemplateError(`unable to parse template: ${err instanceof Error ? err.message : String(err)}`);
  }
  const env: FuncEnv = {
    now: options.now ?? (() => new Date()),
    randomBytes: options.randomBytes ?? ((n) => randomBytes(n)),
    checkSize: (bytes, detail) => {
      if (bytes > limits.maxValueBytes) limitExceeded(limits, "maxValueBytes", detail);
    },
  };
  const missingKeyError = options.missingKey === "error";
  return {
    source: text,
    render(data?: TemplateData): string {
      let value: GoValue;
      try {
        // Go's Execute(nil) starts with an invalid dot, not a nil interface: fields read "<no value>".
        value = data === null || data === undefined ? undefined : toGoValue(data);
      } catch (err) {
        throw new TemplateError(`unable to apply template: ${err instanceof Error ? err.message : String(err)}`);
      }
      try {
        return execute(root, value, { source: text, lookup, env, missingKeyError, limits });
      } catch (err) {
        if (err instanceof TemplateLimitError) throw new TemplateLimitError(err.limit, `unable to apply template: ${err.message}`);
        if (!(err instanceof TemplateError)) throw err;
        throw new TemplateError(`unable to apply template: ${err.message}`);
      }
    },
  };
}

// ---- Go's time.Format, for timestamp ---------------------------------------------------------

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const ZONES = ["Z07:00:00", "-07:00:00", "Z070000", "-070000", "Z07:00", "-07:00", "Z0700", "-0700", "Z07", "-07"];

/**
 * Go's time.Time.Format for a UTC instant: every layout element of the reference time
 * "Mon Jan 2 15:04:05 MST 2006" is supported; zones always print as UTC ("Z", "+00:00", "UTC");
 * fractional seconds beyond milliseconds are zeros (JavaScript dates carry milliseconds).
 */
export function formatGoTime(date: Date, layout: string): string {
  const two = (n: number): string => String(n).padStart(2, "0");
  const year = date.getUTCFullYear();
  const hour = date.getUTCHours();
  const nanos = String(date.getUTCMilliseconds() * 1_000_000).padStart(9, "0");
  const yday = Math.floor((Date.UTC(year, date.getUTCMonth(), date.getUTCDate()) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
  const lowerNext = (at: number): boolean => /[a-z]/.test(layout[at] ?? "");
  // Matched in place (startsWith at i, a sticky regexp): slicing the rest at every character
  // would make a long layout quadratic.
  const fracAt = /[.,](0+|9+)(?![0-9])/y;
  let out = "";
  for (let i = 0; i < layout.length; ) {
    const at = (token: string): boolean => layout.startsWith(token, i);
    const take = (token: string, value: string): boolean => {
      if (!at(token)) return false;
      out += value;
      i += token.length;
      return true;
    };
    const zone = ZONES.find(at);
    if (zone !== undefined) {
      out += zone.startsWith("Z") ? "Z" : zone.replace(/\d/g, "0").replace("-", "+");
      i += zone.length;
      continue;
    }
    fracAt.lastIndex = i;
    const frac = fracAt.exec(layout);
    if (frac) {
      const digits = frac[1] ?? "";
      const shown = nanos.slice(0, digits.length);
      const trimmed = digits.startsWith("9") ? shown.replace(/0+$/, "") : shown;
      if (trimmed !== "") out += (layout[i] ?? "") + trimmed;
      i += frac[0].length;
      continue;
    }
    const matched =
      take("January", MONTHS[date.getUTCMonth()] ?? "") ||
      (!lowerNext(i + 3) && take("Jan", (MONTHS[date.getUTCMonth()] ?? "").slice(0, 3))) ||
      take("Monday", DAYS[date.getUTCDay()] ?? "") ||
      (!lowerNext(i + 3) && take("Mon", (DAYS[date.getUTCDay()] ?? "").slice(0, 3))) ||
      take("MST", "UTC") ||
      take("2006", year < 0 ? `-${String(-year).padStart(4, "0")}` : String(year).padStart(4, "0")) ||
      (at("_2006") && take("_", "_")) ||
      take("002", String(yday).padStart(3, "0")) ||
      take("__2", String(yday).padStart(3, " ")) ||
      take("01", two(date.getUTCMonth() + 1)) ||
      take("02", two(date.getUTCDate())) ||
      take("03", two(hour % 12 === 0 ? 12 : hour % 12)) ||
      take("04", two(date.getUTCMinutes())) ||
      take("05", two(date.getUTCSeconds())) ||
      take("06", two(((year % 100) + 100) % 100)) ||
      take("_2", String(date.getUTCDate()).padStart(2, " ")) ||
      take("15", two(hour)) ||
      take("1", String(date.getUTCMonth() + 1)) ||
      take("2", String(date.getUTCDate())) ||
      take("3", String(hour % 12 === 0 ? 12 : hour % 12)) ||
      take("4", String(date.getUTCMinutes())) ||
      take("5", String(date.getUTCSeconds())) ||
      take("PM", hour >= 12 ? "PM" : "AM") ||
      take("pm", hour >= 12 ? "pm" : "am");
    if (!matched) out += layout[i++] ?? "";
  }
  return out;
}

// ---- Vault's helpers (sdk/helper/template/funcs.go) --------------------------------------------

const str = (v: GoValue): string => (typeof v === "string" ? v : "");
const int = (v: GoValue): number => (typeof v === "bigint" ? Number(v) : 0);
const sha256Hex = (s: string): string => createHash("sha256").update(s, "utf8").digest("hex");
const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** go-secure-stdlib base62.Random: rejection-sampled bytes (< 248) mapped onto [A-Za-z0-9]. */
function base62(length: number, env: FuncEnv): string {
  if (length < 0) throw new Error("runtime error: makeslice: cap out of range");
  let out = "";
  while (out.length < length) {
    for (const b of env.randomBytes(length + Math.floor(length / 4))) {
      if (b >= 62 * 4) continue;
      out += BASE62[b % 62] ?? "";
      if (out.length === length) break;
    }
  }
  return out;
}

/** Cuts to at most n UTF-8 bytes, as Go's str[:n] does. */
function byteSlice(s: string, from: number, to?: number): string {
  return utf8(s).subarray(from, to).toString("utf8");
}

/** Go's strings.ToUpper/ToLower map rune by rune, never changing the number of runes. */
const mapRunes = (s: string, map: (c: string) => string): string =>
  [...s].map((c) => { const m = map(c); return [...m].length === 1 ? m : c; }).join("");

/** go-glob: `*` is the only wildcard (including its quirks on trailing parts). */
function glob(pattern: string, subject: string): boolean {
  if (pattern === "") return subject === "";
  const parts = pattern.split("*");
  if (parts.length === 1) return subject === pattern;
  const end = parts.length - 1;
  let rest = subject;
  for (const [i, part] of parts.entries()) {
    if (i === 0 && !pattern.startsWith("*") && !rest.startsWith(part)) return false;
    if (i === end && rest.length > 0) return pattern.endsWith("*") || rest.endsWith(part);
    if (i > 0 && i < end && !rest.includes(part)) return false;
    const from = rest.indexOf(part) + part.length;
    // go-glob slices past the end here and panics, which text/template reports as an error.
    if (from > rest.length) throw new Error(`runtime error: slice bounds out of range [${from}:${rest.length}]`);
    rest = rest.slice(Math.max(from, 0));
  }
  return true;
}

/** encoding/base64 StdEncoding.DecodeString: padded, newlines ignored, errors name an offset. */
function decodeBase64(s: string): string {
  const clean = s.replace(/[\r\n]/g, "");
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) {
    const bad = /[^A-Za-z0-9+/]/.exec(clean);
    throw new Error(`illegal base64 data at input byte ${bad?.index ?? clean.length - (clean.length % 4)}`);
  }
  return Buffer.from(clean, "base64").toString("utf8");
}

/** encoding/hex DecodeString: an invalid character is reported before an odd length. */
function decodeHex(s: string): string {
  const bad = /[^0-9a-fA-F]/.exec(s);
  if (bad) throw new Error(`encoding/hex: invalid byte: ${formatRuneU(s.codePointAt(bad.index) ?? 0)}`);
  if (s.length % 2 === 1) throw new Error("encoding/hex: odd length hex string");
  return Buffer.from(s, "hex").toString("utf8");
}

/** Vault's helpers plus OpenBao's additions (decode_base64, hex, decode_hex, glob). */
export const VAULT_FUNCS: Readonly<Record<string, TemplateFunc>> = {
  random: {
    params: ["int"],
    call: ([n], env) => {
      env.checkSize(int(n), `random ${int(n)}`);
      return base62(int(n), env);
    },
    // Each call draws from the system's random source, several microseconds however short (the
    // length is paid for as the result's characters).
    cost: () => 20,
  },
  truncate: {
    params: ["int", "string"],
    call: ([n, s]) => {
      const max = int(n);
      if (max <= 0) throw new Error(`max length must be > 0 but was ${max}`);
      return utf8(str(s)).length > max ? byteSlice(str(s), 0, max) : str(s);
    },
  },
  truncate_sha256: {
    params: ["int", "string"],
    call: ([n, s]) => {
      const max = int(n);
      if (max <= 8) throw new Error(`max length must be > 8 but was ${max}`);
      if (utf8(str(s)).length <= max) return str(s);
      const cut = max - 8;
      // Hash the remaining bytes themselves: the cut may fall inside a multi-byte character.
      return byteSlice(str(s), 0, cut) + createHash("sha256").update(utf8(str(s)).subarray(cut)).digest("hex").slice(0, 8);
    },
  },
  uppercase: { params: ["string"], call: ([s]) => mapRunes(str(s), (c) => c.toUpperCase()) },
  lowercase: { params: ["string"], call: ([s]) => mapRunes(str(s), (c) => c.toLowerCase()) },
  replace: {
    params: ["string", "string", "string"],
    call: ([find, repl, s], env) => {
      // Measured before building: a short `find` and a long `repl` multiply the length.
      const count = str(find) === "" ? [...str(s)].length + 1 : str(s).split(str(find)).length - 1;
      env.checkSize(str(s).length + count * (str(repl).length - str(find).length), "the result of replace");
      return str(find) === "" ? `${str(repl)}${[...str(s)].join(str(repl))}${str(s) === "" ? "" : str(repl)}` : str(s).replaceAll(str(find), str(repl));
    },
  },
  sha256: { params: ["string"], call: ([s]) => sha256Hex(str(s)) },
  base64: { params: ["string"], call: ([s]) => utf8(str(s)).toString("base64") },
  decode_base64: { params: ["string"], call: ([s]) => decodeBase64(str(s)) },
  hex: { params: ["string"], call: ([s]) => utf8(str(s)).toString("hex") },
  decode_hex: { params: ["string"], call: ([s]) => decodeHex(str(s)) },
  unix_time: { params: [], call: (_, env) => String(Math.floor(env.now().getTime() / 1000)) },
  unix_time_millis: { params: [], call: (_, env) => String(env.now().getTime()) },
  timestamp: {
    params: ["string"],
    call: ([layout], env) => formatGoTime(env.now(), str(layout)),
    // Layout matching tries every element at every character: a step per character.
    cost: ([layout]) => str(layout).length,
  },
  uuid: {
    params: [],
    call: (_, env) => {
      const hex = Buffer.from(env.randomBytes(16)).toString("hex");
      return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join("-");
    },
  },
  glob: { params: ["string", "string"], call: ([p, s]) => glob(str(p), str(s)) },
};
