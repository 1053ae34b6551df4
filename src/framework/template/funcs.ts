// The runtime library of Go's text/template, as its funcs.go plus what it borrows from fmt:
// values as templates see them, printing them (fmt.Sprint/Sprintf), and the predefined
// functions (and, or, not, eq…, len, index, slice, print*, html, js, urlquery). Go strings are
// bytes; here they are JavaScript strings, so byte-oriented operations (len, slice, index, %x)
// work on UTF-8 bytes and only differ from Go when they would cut a character in half.
import { goQuote, isPrint } from "./lexer.js";

/** A Go map[string]interface{}: what plain objects in template data become. */
export class GoMap {
  constructor(readonly entries: ReadonlyMap<string, GoValue>) {}
}

/**
 * A Go struct value: unlike a map, a missing field is an execution error
 * ("can't evaluate field X in type T"), as with the struct Vault's AWS engine passes.
 */
export class GoStruct {
  readonly fields: ReadonlyMap<string, GoValue>;
  constructor(readonly typeName: string, fields: Readonly<Record<string, unknown>>) {
    this.fields = new Map(Object.entries(fields).map(([k, v]) => [k, toGoValue(v)]));
  }
}

/**
 * A value during execution: bigint is Go's int, number is float64, undefined is Go's invalid
 * value (a missing map key, printed "<no value>"), null is a nil interface.
 */
export type GoValue = string | boolean | bigint | number | null | undefined | readonly GoValue[] | GoMap | GoStruct;

/** Converts host data: integral numbers become ints, plain objects maps, arrays slices. */
export function toGoValue(value: unknown): GoValue {
  if (value === null || value === undefined || typeof value === "string" || typeof value === "boolean" || typeof value === "bigint") return value;
  // Integral numbers are Go ints unless too large to be exact (then float64, as JSON decoding would).
  if (typeof value === "number") return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (value instanceof GoMap || value instanceof GoStruct) return value;
  if (Array.isArray(value)) return value.map(toGoValue);
  if (typeof value === "object" && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return new GoMap(new Map(entries.map(([k, v]) => [k, toGoValue(v)])));
  }
  throw new TypeError(`template data cannot hold a value of type ${typeof value === "object" ? value.constructor.name : typeof value}`);
}

/** Go's reflect type string of a value (nil interfaces are `interface {}`). */
export function typeName(v: GoValue): string {
  if (v === null || v === undefined) return "interface {}";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float64";
  if (v instanceof GoMap) return "map[string]interface {}";
  if (v instanceof GoStruct) return v.typeName;
  return "[]interface {}";
}

/** Go's template truth: the zero value of its type is false; structs are always true. */
export function truth(v: GoValue): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "boolean") return v;
  if (typeof v === "bigint") return v !== 0n;
  if (typeof v === "number") return v !== 0;
  if (v instanceof GoMap) return v.entries.size > 0;
  if (v instanceof GoStruct) return true;
  return v.length > 0;
}

export const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");

// ---- Go fmt ---------------------------------------------------------------------------------

interface Flags {
  plus: boolean; minus: boolean; sharp: boolean; space: boolean; zero: boolean;
  plusV: boolean; sharpV: boolean; width?: number; prec?: number;
}
const noFlags = (): Flags => ({ plus: false, minus: false, sharp: false, space: false, zero: false, plusV: false, sharpV: false });

function pad(s: string, f: Flags, zero = f.zero): string {
  const n = (f.width ?? 0) - [...s].length;
  if (n <= 0) return s;
  return f.minus ? s + " ".repeat(n) : (zero ? "0" : " ").repeat(n) + s;
}

function fmtInteger(value: bigint, base: number, verb: string, f: Flags): string {
  const negative = value < 0n;
  const u = negative ? -value : value;
  let prec = 0;
  if (f.prec !== undefined) {
    if (f.prec === 0 && u === 0n) return pad("", f, false);
    prec = f.prec;
  } else if (f.zero && !f.minus && f.width !== undefined) {
    prec = f.width - (negative || f.plus || f.space ? 1 : 0);
  }
  let s = u.toString(base);
  if (verb === "X") s = s.toUpperCase();
  s = s.padStart(prec, "0");
  if (f.sharp && base === 2) s = `0b${s}`;
  if (f.sharp && base === 8 && !s.startsWith("0")) s = `0${s}`;
  if (f.sharp && base === 16) s = `0${verb === "X" ? "X" : "x"}${s}`;
  if (verb === "O") s = `0o${s}`;
  s = (negative ? "-" : f.plus ? "+" : f.space ? " " : "") + s;
  return pad(s, f, false);
}

interface Decimal { digits: string; dp: number }

/** The exact decimal expansion of a positive finite double. */
function exactDecimal(x: number): Decimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const mantissa = (bits & ((1n << 52n) - 1n)) | (biased === 0 ? 0n : 1n << 52n);
  const e2 = biased === 0 ? -1074 : biased - 1075;
  const digits = e2 >= 0 ? (mantissa << BigInt(e2)).toString() : (mantissa * 5n ** BigInt(-e2)).toString();
  return { digits: digits.replace(/0+$/, ""), dp: e2 >= 0 ? digits.length : digits.length + e2 };
}

/** Rounds to nd digits, half to even on exact ties (Go's strconv decimal.Round). */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= d.digits.length) return d;
  const next = d.digits[nd] ?? "0";
  const tie = next === "5" && nd + 1 === d.digits.length;
  const up = tie ? nd > 0 && Number(d.digits[nd - 1]) % 2 === 1 : next >= "5";
  if (!up) return { digits: d.digits.slice(0, nd).replace(/0+$/, ""), dp: d.dp };
  const kept = d.digits.slice(0, nd).replace(/9+$/, "");
  if (kept === "") return { digits: "1", dp: d.dp + 1 };
  return { digits: kept.slice(0, -1) + String(Number(kept.slice(-1)) + 1), dp: d.dp };
}

function fmtE(d: Decimal, prec: number, e: string): string {
  let s = d.digits[0] ?? "0";
  if (prec > 0) s += `.${d.digits.slice(1, 1 + prec).padEnd(prec, "0")}`;
  const exp = d.digits.length === 0 ? 0 : d.dp - 1;
  return `${s}${e}${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

function fmtF(d: Decimal, prec: number): string {
  let s = d.dp > 0 ? d.digits.slice(0, d.dp).padEnd(d.dp, "0") : "0";
  if (prec > 0) {
    s += ".";
    for (let i = 1; i <= prec; i++) s += d.digits[d.dp + i - 1] ?? "0";
  }
  return s;
}

/** Go's strconv.FormatFloat(x, fmt, prec, 64); prec < 0 means shortest round-trip digits. */
export function formatFloat(x: number, fmt: "e" | "E" | "f" | "g" | "G", prec: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const a = Math.abs(x);
  const shortest = prec < 0;
  let d: Decimal;
  if (a === 0) d = { digits: "", dp: 0 };
  else if (shortest) {
    const [mant = "0", exp = "0"] = a.toExponential().split("e");
    d = { digits: mant.replace(".", "").replace(/0+$/, ""), dp: Number(exp) + 1 };
  } else d = exactDecimal(a);
  const lower = fmt.toLowerCase();
  if (!shortest) {
    if (lower === "g" && prec === 0) prec = 1;
    d = roundDecimal(d, lower === "e" ? prec + 1 : lower === "f" ? d.dp + prec : prec);
  } else prec = lower === "e" ? d.digits.length - 1 : lower === "f" ? Math.max(d.digits.length - d.dp, 0) : d.digits.length;
  if (lower === "e") return sign + fmtE(d, prec, fmt);
  if (lower === "f") return sign + fmtF(d, prec);
  const nd = d.digits.length;
  let eprec = prec > nd && nd >= d.dp ? nd : prec;
  if (shortest) eprec = 6;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) return sign + fmtE(d, Math.min(prec, nd) - 1, fmt === "g" ? "e" : "E");
  return sign + fmtF(d, Math.max((prec > d.dp ? nd : prec) - d.dp, 0));
}

function fmtFloatVerb(x: number, verb: string, f: Flags): string {
  const fmt = verb === "v" ? "g" : verb === "F" ? "f" : (verb as "e" | "E" | "f" | "g" | "G");
  const defaultPrec = verb === "e" || verb === "E" || verb === "f" || verb === "F" ? 6 : -1;
  let num = formatFloat(x, fmt, f.prec ?? defaultPrec);
  if (!num.startsWith("-") && !num.startsWith("+")) num = `+${num}`;
  if (f.space && num.startsWith("+") && !f.plus) num = ` ${num.slice(1)}`;
  // Infinities keep their sign and are never zero-padded; NaN shows a sign only when asked.
  if (num.endsWith("Inf") || num.endsWith("NaN")) return pad(num.endsWith("NaN") && !f.space && !f.plus ? "NaN" : num, f, false);
  if (f.plus || !num.startsWith("+")) {
    if (f.zero && !f.minus && f.width !== undefined && f.width > num.length) return num[0] + "0".repeat(f.width - num.length) + num.slice(1);
    return pad(num, f);
  }
  return pad(num.slice(1), f);
}

function badVerb(v: GoValue, verb: string, f: Flags): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v, "v", f)})`;
}

/** Formats one operand for a verb, as fmt's printArg/printValue do. */
export function formatValue(v: GoValue, verb: string, f: Flags = noFlags()): string {
  if (verb === "T") return pad(v === null || v === undefined ? "<nil>" : typeName(v), f);
  if (v === null || v === undefined) return verb === "v" ? pad("<nil>", f) : badVerb(v, verb, f);
  if (typeof v === "boolean") return verb === "v" || verb === "t" ? pad(String(v), f) : badVerb(v, verb, f);
  if (typeof v === "bigint") {
    const bases: Record<string, number> = { v: 10, d: 10, b: 2, o: 8, O: 8, x: 16, X: 16 };
    const base = bases[verb];
    if (base !== undefined) return fmtInteger(v, base, verb, f);
    const r = Number(v);
    const rune = r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff) ? 0xfffd : r;
    if (verb === "c") return pad(String.fromCodePoint(rune), f);
    if (verb === "q") return pad(goQuote(String.fromCodePoint(rune), "'", f.plus), f);
    if (verb === "U") {
      const u = v < 0n ? v + 2n ** 64n : v; // Go formats the bits as uint64
      const code = `U+${u.toString(16).toUpperCase().padStart(4, "0")}`;
      return pad(f.sharp && u <= 0x10ffffn && isPrint(rune) ? `${code} '${String.fromCodePoint(rune)}'` : code, f);
    }
    return badVerb(v, verb, f);
  }
  if (typeof v === "number") return "veEfFgG".includes(verb) ? fmtFloatVerb(v, verb, f) : badVerb(v, verb, f);
  if (typeof v === "string") {
    const cut = f.prec === undefined ? v : [...v].slice(0, f.prec).join("");
    if (verb === "v" && f.sharpV) return pad(goQuote(v), f);
    if (verb === "v" || verb === "s") return pad(cut, f);
    if (verb === "q") return pad(f.sharp && canBackquote(cut) ? `\`${cut}\`` : goQuote(cut, '"', f.plus), f);
    if (verb === "x" || verb === "X") return fmtHexString(v, verb, f);
    return badVerb(v, verb, f);
  }
  const nil = f.sharpV ? "interface {}(nil)" : "<nil>";
  const inner = (e: GoValue): string => (e === null || e === undefined ? nil : formatValue(e, verb, f));
  if (v instanceof GoMap) {
    const keys = [...v.entries.keys()].sort();
    if (f.sharpV) return `map[string]interface {}{${keys.map((k) => `${goQuote(k)}:${inner(v.entries.get(k))}`).join(", ")}}`;
    return `map[${keys.map((k) => `${formatValue(k, verb, f)}:${inner(v.entries.get(k))}`).join(" ")}]`;
  }
  if (v instanceof GoStruct) {
    const fields = [...v.fields].map(([k, e]) => (f.plusV || f.sharpV ? `${k}:${inner(e)}` : inner(e)));
    return f.sharpV ? `${v.typeName}{${fields.join(", ")}}` : `{${fields.join(" ")}}`;
  }
  return f.sharpV ? `[]interface {}{${v.map(inner).join(", ")}}` : `[${v.map(inner).join(" ")}]`;
}

/** Go's strconv.CanBackquote: no backquote, no control character other than tab, no BOM. */
function canBackquote(s: string): boolean {
  return [...s].every((c) => {
    const r = c.codePointAt(0) ?? 0;
    return c !== "`" && r !== 0xfeff && r !== 0x7f && (r >= 0x20 || r === 0x09);
  });
}

/** %x / %X of a string: hex of its bytes; `#` adds 0x, a space flag separates (and prefixes) each byte. */
function fmtHexString(s: string, verb: string, f: Flags): string {
  const bytes = [...utf8(s)].slice(0, f.prec);
  const prefix = f.sharp ? "0x" : "";
  const hex = bytes.map((b) => b.toString(16).padStart(2, "0"));
  const out = f.space ? hex.map((h) => prefix + h).join(" ") : prefix + hex.join("");
  return pad(bytes.length === 0 ? "" : verb === "X" ? out.toUpperCase() : out, f);
}

/** fmt.Sprint: a space between operands when neither side is a string. */
export function sprint(args: readonly GoValue[]): string {
  let out = "";
  args.forEach((arg, i) => {
    const isString = typeof arg === "string";
    if (i > 0 && !isString && typeof args[i - 1] !== "string") out += " ";
    out += formatValue(arg, "v");
  });
  return out;
}

/** fmt.Sprintf for the verbs and flags of Go's fmt, except explicit argument indexes. */
export function sprintf(format: string, args: readonly GoValue[]): string {
  let out = "";
  let argNum = 0;
  let i = 0;
  const intArg = (): number | undefined => {
    if (argNum >= args.length) return undefined;
    const a = args[argNum++];
    return typeof a === "bigint" && a >= -1_000_000n && a <= 1_000_000n ? Number(a) : undefined;
  };
  while (i < format.length) {
    const pct = format.indexOf("%", i);
    if (pct < 0) return out + format.slice(i) + extra(args, argNum);
    out += format.slice(i, pct);
    i = pct + 1;
    const f = noFlags();
    for (; i < format.length && "#0+- ".includes(format[i] ?? ""); i++) {
      const c = format[i];
      if (c === "#") f.sharp = true;
      else if (c === "0") f.zero = true;
      else if (c === "+") f.plus = true;
      else if (c === "-") f.minus = true;
      else f.space = true;
    }
    if (format[i] === "*") {
      i++;
      f.width = intArg();
      if (f.width === undefined) out += "%!(BADWIDTH)";
      else if (f.width < 0) [f.width, f.minus, f.zero] = [-f.width, true, false];
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) [f.width, i] = [Number(m[0]), i + m[0].length];
    }
    if (i + 1 < format.length && format[i] === ".") {
      i++;
      if (format[i] === "*") {
        i++;
        f.prec = intArg();
        if (f.prec !== undefined && f.prec < 0) f.prec = undefined;
        if (f.prec === undefined) out += "%!(BADPREC)";
      } else {
        const m = /^\d+/.exec(format.slice(i));
        f.prec = m ? Number(m[0]) : 0;
        i += m ? m[0].length : 0;
      }
    }
    if (i >= format.length) return `${out}%!(NOVERB)${extra(args, argNum)}`;
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0x3f);
    i += verb.length;
    if (verb === "%") out += "%";
    else if (verb === "[") out += "%!(BADINDEX)";
    else if (argNum >= args.length) out += `%!${verb}(MISSING)`;
    else {
      if (verb === "v") [f.sharpV, f.sharp, f.plusV, f.plus] = [f.sharp, false, f.plus, false];
      out += formatValue(args[argNum++], verb, f);
    }
  }
  return out + extra(args, argNum);
}

function extra(args: readonly GoValue[], used: number): string {
  if (used >= args.length) return "";
  const items = args.slice(used).map((a) => (a === null || a === undefined ? "<nil>" : `${typeName(a)}=${formatValue(a, "v")}`));
  return `%!(EXTRA ${items.join(", ")})`;
}

/** Parameter kinds, mirroring the Go parameter types that text/template checks arguments against. */
export type ParamKind = "string" | "int" | "float" | "bool" | "any" | "value";

/** Clock and randomness available to functions, injectable for deterministic tests. */
export interface FuncEnv {
  now(): Date;
  randomBytes(n: number): Uint8Array;
}

/**
 * A template function. Arguments are checked against `params` (and `variadic`) the way Go
 * checks them against a function's signature; throwing aborts execution with
 * "error calling NAME: MESSAGE", as a Go function returning an error does.
 */
export interface TemplateFunc {
  readonly params: readonly ParamKind[];
  readonly variadic?: ParamKind;
  /** `boxed[i]` tells whether argument i is a Go interface value (a map or slice element); rarely needed. */
  readonly call: (args: readonly GoValue[], env: FuncEnv, boxed: readonly boolean[]) => GoValue;
}

// ---- Go's predefined functions -------------------------------------------------------------

type Basic = "bool" | "int" | "float" | "string" | undefined;
const basicKind = (v: GoValue): Basic =>
  typeof v === "boolean" ? "bool" : typeof v === "bigint" ? "int" : typeof v === "number" ? "float" : typeof v === "string" ? "string" : undefined;
const isNil = (v: GoValue): v is null | undefined => v === null || v === undefined;

function eq(a: GoValue, others: readonly GoValue[]): boolean {
  if (others.length === 0) throw new Error("missing argument for comparison");
  const k1 = basicKind(a);
  return others.some((b) => {
    const k2 = basicKind(b);
    if (k1 !== k2) {
      if (!isNil(a) && !isNil(b)) throw new Error(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
      return false;
    }
    if (k1 !== undefined) return a === b;
    if (isNil(a) || isNil(b)) return isNil(a) === isNil(b);
    if (Array.isArray(a) !== Array.isArray(b) || a instanceof GoMap !== b instanceof GoMap) {
      throw new Error(`non-comparable types ${formatValue(a, "s")}: ${typeName(a)}, ${typeName(b)}: ${formatValue(b, "v")}`);
    }
    if (!(b instanceof GoStruct) || !(a instanceof GoStruct)) throw new Error(`non-comparable type ${formatValue(b, "s")}: ${typeName(b)}`);
    return a.typeName === b.typeName && [...a.fields].every(([k, v]) => b.fields.get(k) === v);
  });
}

function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === undefined || k2 === undefined) throw new Error("invalid type for comparison");
  if (k1 !== k2) throw new Error(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
  if (typeof a === "bigint" && typeof b === "bigint") return a < b;
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (typeof a === "string" && typeof b === "string") return a < b;
  throw new Error("invalid type for comparison");
}

function indexArg(index: GoValue, cap: number): number {
  if (isNil(index)) throw new Error("cannot index slice/array with nil");
  if (typeof index !== "bigint") throw new Error(`cannot index slice/array with type ${typeName(index)}`);
  if (index < 0n || index > BigInt(cap)) throw new Error(`index out of range: ${index}`);
  return Number(index);
}

function index(item: GoValue, indexes: readonly GoValue[]): GoValue {
  if (isNil(item)) throw new Error("index of untyped nil");
  let current: GoValue = item;
  for (const idx of indexes) {
    if (isNil(current)) throw new Error("index of nil pointer");
    if (typeof current === "string" || Array.isArray(current)) {
      const seq: readonly GoValue[] = typeof current === "string" ? [...utf8(current)].map(BigInt) : (current as readonly GoValue[]);
      const x = indexArg(idx, seq.length);
      if (x === seq.length) throw new Error(`reflect: ${typeof current === "string" ? "string" : "slice"} index out of range`);
      current = seq[x];
    } else if (current instanceof GoMap) {
      if (isNil(idx)) throw new Error("value is nil; should be of type string");
      if (typeof idx !== "string") throw new Error(`value has type ${typeName(idx)}; should be string`);
      current = current.entries.get(idx) ?? null;
    } else {
      throw new Error(`can't index item of type ${typeName(current)}`);
    }
  }
  return current;
}

function slice(item: GoValue, indexes: readonly GoValue[], boxed: readonly boolean[]): GoValue {
  if (isNil(item)) throw new Error("slice of untyped nil");
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  if (typeof item === "string" && indexes.length === 3) throw new Error("cannot 3-index slice a string");
  if (typeof item !== "string" && !Array.isArray(item)) throw new Error(`can't slice item of type ${typeName(item)}`);
  const length = typeof item === "string" ? utf8(item).length : (item as readonly GoValue[]).length;
  const idx = [0, length, length];
  indexes.forEach((x, i) => {
    // Unlike index, Go's slice does not look inside interface values given as indexes.
    if (boxed[i] === true && x !== undefined) throw new Error("cannot index slice/array with type interface {}");
    idx[i] = indexArg(x, length);
  });
  const [from = 0, to = length, max = length] = idx;
  if (from > to) throw new Error(`invalid slice index: ${from} > ${to}`);
  if (to > max) throw new Error(`invalid slice index: ${to} > ${max}`);
  return typeof item === "string" ? utf8(item).subarray(from, to).toString("utf8") : (item as readonly GoValue[]).slice(from, to);
}

function length(item: GoValue): bigint {
  if (item === undefined) throw new Error("reflect: call of reflect.Value.Type on zero Value");
  if (item === null) throw new Error("len of nil pointer");
  if (typeof item === "string") return BigInt(utf8(item).length);
  if (Array.isArray(item)) return BigInt((item as readonly GoValue[]).length);
  if (item instanceof GoMap) return BigInt(item.entries.size);
  throw new Error(`len of type ${typeName(item)}`);
}

/** text/template's evalArgs: a lone string as is, anything else through fmt.Sprint. */
const argsText = (args: readonly GoValue[]): string =>
  args.length === 1 && typeof args[0] === "string" ? args[0] : sprint(args.map((a) => (a === null || a === undefined ? "<no value>" : a)));

const HTML: Record<string, string> = { "\0": "\uFFFD", '"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;" };
const JS: Record<string, string> = { "\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D" };

function jsEscape(s: string): string {
  return [...s].map((c) => {
    const r = c.codePointAt(0) ?? 0;
    if (JS[c] !== undefined) return JS[c];
    if (r < 0x20 || (r >= 0x7f && !isPrint(r))) return `\\u${r.toString(16).toUpperCase().padStart(4, "0")}`;
    return c;
  }).join("");
}

function queryEscape(s: string): string {
  return [...utf8(s)].map((b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
    return c === " " ? "+" : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
}

const reflectFn = (call: (args: readonly GoValue[]) => GoValue, params: number, variadic = false): TemplateFunc =>
  ({ params: Array<ParamKind>(params).fill("value"), ...(variadic ? { variadic: "value" as const } : {}), call });
const printer = (call: (args: readonly GoValue[]) => GoValue, params: ParamKind[] = []): TemplateFunc => ({ params, variadic: "any", call });

/** Go's predefined template functions (except `call`, which needs function values). */
export const BUILTIN_FUNCS: Readonly<Record<string, TemplateFunc>> = {
  and: reflectFn((a) => a[a.length - 1], 1, true),
  or: reflectFn((a) => a[a.length - 1], 1, true),
  not: reflectFn(([a]) => !truth(a), 1),
  eq: reflectFn(([a, ...rest]) => eq(a, rest), 1, true),
  ne: reflectFn(([a, b]) => !eq(a, [b]), 2),
  lt: reflectFn(([a, b]) => lt(a, b), 2),
  le: reflectFn(([a, b]) => lt(a, b) || eq(a, [b]), 2),
  gt: reflectFn(([a, b]) => !(lt(a, b) || eq(a, [b])), 2),
  ge: reflectFn(([a, b]) => !lt(a, b), 2),
  len: reflectFn(([a]) => length(a), 1),
  index: reflectFn(([a, ...rest]) => index(a, rest), 1, true),
  slice: { params: ["value"], variadic: "value", call: ([a, ...rest], _env, boxed) => slice(a, rest, boxed.slice(1)) },
  print: printer((a) => sprint(a)),
  printf: printer(([format, ...rest]) => sprintf(typeof format === "string" ? format : "", rest), ["string"]),
  println: printer((a) => `${a.map((v) => formatValue(v, "v")).join(" ")}\n`),
  html: printer((a) => argsText(a).replace(/[\0"'&<>]/g, (c) => HTML[c] ?? c)),
  js: printer((a) => jsEscape(argsText(a))),
  urlquery: printer((a) => queryEscape(argsText(a))),
};
