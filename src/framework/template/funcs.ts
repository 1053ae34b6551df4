// The predefined functions of Go's text/template (its funcs.go): and, or, not, eq…, len, index,
// slice, print*, html, js, urlquery. Values live in values.ts and printing in fmt.ts. Go strings
// are bytes; here they are JavaScript strings, so byte-oriented operations (len, slice, index)
// work on UTF-8 bytes and only differ from Go when they would cut a character in half.
import { isPrint } from "../go-quote.js";
import { formatValue, sprint, sprintf } from "./fmt.js";
import { GoMap, GoStruct, truth, typeName, utf8, type GoValue } from "./values.js";

export { formatValue, formatFloat, sprint, sprintf } from "./fmt.js";
export { GoMap, GoStruct, toGoValue, truth, typeName, utf8, type GoValue } from "./values.js";

/** Parameter kinds, mirroring the Go parameter types that text/template checks arguments against. */
export type ParamKind = "string" | "int" | "float" | "bool" | "any" | "value";

/** Clock and randomness available to functions, injectable for deterministic tests. */
export interface FuncEnv {
  now(): Date;
  randomBytes(n: number): Uint8Array;
  /**
   * Refuses (throws TemplateLimitError) a value of `bytes` bytes when it exceeds the template's
   * value limit; a function calls it before building a value that could be huge.
   */
  checkSize(bytes: number, detail: string): void;
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
  /**
   * Extra evaluation steps a call costs beyond the general charge (one step plus one per four
   * characters read and written), for functions much slower than that per character or call.
   */
  readonly cost?: (args: readonly GoValue[]) => number;
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
    if (typeof current === "string") {
      const bytes = utf8(current);
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) throw new Error("reflect: string index out of range");
      current = BigInt(bytes[x] ?? 0);
    } else if (Array.isArray(current)) {
      const seq = current as readonly GoValue[];
      const x = indexArg(idx, seq.length);
      if (x === seq.length) throw new Error("reflect: slice index out of range");
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
const printer = (call: (args: readonly GoValue[], env: FuncEnv) => GoValue, params: ParamKind[] = []): TemplateFunc => ({ params, variadic: "any", call });

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
  printf: printer(([format, ...rest], env) => sprintf(typeof format === "string" ? format : "", rest, (bytes, detail) => env.checkSize(bytes, detail)), ["string"]),
  println: printer((a) => `${a.map((v) => formatValue(v, "v")).join(" ")}\n`),
  html: printer((a) => argsText(a).replace(/[\0"'&<>]/g, (c) => HTML[c] ?? c)),
  js: printer((a) => jsEscape(argsText(a))),
  urlquery: printer((a) => queryEscape(argsText(a))),
};
