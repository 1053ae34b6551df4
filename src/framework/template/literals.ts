// Go literal decoding for the template parser: strconv.Unquote/UnquoteChar for string and
// character literals, and Go's integer, float and character-constant number syntax.
import { goQuote } from "../go-quote.js";
import { TemplateError } from "./lexer.js";

/** Go's strconv.Unquote for "…", `…` and '…' literals; undefined means "invalid syntax". */
export function unquote(text: string): string | undefined {
  const quote = text[0];
  if (text.length < 2 || text[text.length - 1] !== quote) return undefined;
  const body = text.slice(1, -1);
  if (quote === "`") return body.includes("`") ? undefined : body.replaceAll("\r", "");
  if (quote !== '"' && quote !== "'") return undefined;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  let i = 0;
  let runes = 0;
  while (i < body.length) {
    const decoded = unquoteChar(body, i, quote);
    if (decoded === undefined) return undefined;
    runes++;
    if (decoded.byte !== undefined) bytes.push(decoded.byte);
    else bytes.push(...encoder.encode(String.fromCodePoint(decoded.rune)));
    i = decoded.next;
  }
  if (quote === "'" && runes !== 1) return undefined;
  // Go strings are bytes; \x escapes that are not valid UTF-8 become U+FFFD here.
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

interface Decoded {
  readonly rune: number;
  /** Set for \x and octal escapes, which denote a single byte rather than a rune. */
  readonly byte?: number;
  readonly next: number;
}

/** Go's strconv.UnquoteChar: decodes one (possibly escaped) character starting at `i`. */
export function unquoteChar(s: string, i: number, quote: string): Decoded | undefined {
  const ch = s.codePointAt(i);
  if (ch === undefined) return undefined;
  const c = String.fromCodePoint(ch);
  if (c === quote && (quote === "'" || quote === '"')) return undefined;
  if (c !== "\\") return { rune: ch, next: i + c.length };
  const e = s[i + 1];
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 0x5c };
  if (e === undefined) return undefined;
  const simpleRune = simple[e];
  if (simpleRune !== undefined) return { rune: simpleRune, next: i + 2 };
  if (e === "'" || e === '"') return e === quote ? { rune: e.charCodeAt(0), next: i + 2 } : undefined;
  const widths: Record<string, number> = { x: 2, u: 4, U: 8 };
  const width = widths[e];
  if (width !== undefined) {
    const hex = s.slice(i + 2, i + 2 + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return undefined;
    const value = parseInt(hex, 16);
    if (e === "x") return { rune: value, byte: value, next: i + 4 };
    if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return undefined;
    return { rune: value, next: i + 2 + width };
  }
  const oct = s.slice(i + 1, i + 4);
  if (!/^[0-7]{3}$/.test(oct)) return undefined;
  const value = parseInt(oct, 8);
  return value > 255 ? undefined : { rune: value, byte: value, next: i + 4 };
}

/** A numeric literal classified as Go's parse.NumberNode does. */
export interface NumberLiteral {
  readonly text: string;
  /** Value as a signed 64-bit integer, when it is one (Go's IsInt). */
  readonly int?: bigint;
  /** Value as a float64, when it has one (Go's IsFloat); uint64-only values have just this. */
  readonly float?: number;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt(text, 0, 64) without the range check: prefixes, underscores, sign. */
function parseGoInteger(text: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(text);
  if (!m) return undefined;
  const body = m[2] ?? "";
  const prefixed = /^0[xXoObB]/.test(body);
  // Underscores must separate digits (or follow a base prefix), as in Go source.
  const digits = prefixed ? body.slice(2) : body;
  if (/__|_$/.test(digits) || (!prefixed && digits.startsWith("_")) || (body === "0_")) return undefined;
  const clean = body.replaceAll("_", "");
  if (prefixed && clean.length === 2) return undefined;
  const value = /^0[0-7]+$/.test(clean) ? BigInt(`0o${clean.slice(1)}`) : BigInt(clean);
  return m[1] === "-" ? -value : value;
}

/** Go's strconv.ParseFloat for the literal forms the lexer admits (decimal and hexadecimal). */
function parseGoFloat(text: string): number | undefined {
  if (/__|_$|^[+-]?_|_\.|\._|_[eEpP]|[eEpP][+-]?_/.test(text)) return undefined;
  const clean = text.replaceAll("_", "");
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?[0-9]+)$/.exec(clean);
  if (hex) {
    const [, sign = "", whole = "", frac = "", exp = "0"] = hex;
    if (whole === "" && frac === "") return undefined;
    const mantissa = parseInt(`${whole}${frac}` || "0", 16) / 16 ** frac.length;
    const value = mantissa * 2 ** Number(exp);
    return Number.isFinite(value) ? (sign === "-" ? -value : value) : undefined;
  }
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(clean)) return undefined;
  const value = Number(clean);
  return Number.isFinite(value) ? value : undefined;
}

/** Classifies a number token like Go's parse.newNumber; throws the Go error text when invalid. */
export function parseNumberLiteral(text: string, kind: "number" | "charConstant" | "complex"): NumberLiteral {
  if (kind === "charConstant") {
    const decoded = unquoteChar(text, 1, "'");
    if (decoded === undefined) throw new TemplateError("invalid syntax");
    if (text.slice(decoded.next) !== "'") throw new TemplateError(`malformed character constant: ${text}`);
    return { text, int: BigInt(decoded.rune), float: decoded.rune };
  }
  if (kind === "complex" || text.endsWith("i")) throw new TemplateError(`complex constants are not supported: ${goQuote(text)}`);
  const big = parseGoInteger(text);
  if (big !== undefined && big >= INT64_MIN && big <= INT64_MAX) return { text, int: big, float: Number(big) };
  // Fits uint64 only: a valid literal that "overflows int" where Go needs an int.
  if (big !== undefined && big > INT64_MAX && big <= UINT64_MAX && !text.startsWith("+")) return { text, float: Number(big) };
  const float = parseGoFloat(text);
  if (float === undefined) throw new TemplateError(`illegal number syntax: ${goQuote(text)}`);
  if (!/[.eEpP]/.test(text)) throw new TemplateError(`integer overflow: ${goQuote(text)}`);
  const int = Number.isInteger(float) && Math.abs(float) < 2 ** 63 ? BigInt(float) : undefined;
  return int === undefined ? { text, float } : { text, int, float };
}
