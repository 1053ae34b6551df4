// The subset of Go's fmt (and strconv float formatting) that text/template's print functions
// and `printf` use: verbs, flags, width and precision, and Go's %!… error markers.
import { goQuote, isPrint } from "../go-quote.js";
import { GoMap, GoStruct, typeName, utf8, type GoValue } from "./values.js";

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

/**
 * fmt.Sprintf for the verbs and flags of Go's fmt, except explicit argument indexes. Widths and
 * precisions pass `checkSize` before anything is padded: Go accepts widths up to 1e6 from `*`
 * and up to about 1e7 written out, enough to build gigabytes in a loop.
 */
export function sprintf(format: string, args: readonly GoValue[], checkSize: (bytes: number, detail: string) => void = () => undefined): string {
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
    if (f.width !== undefined) checkSize(f.width, `printf width ${f.width}`);
    if (f.prec !== undefined) checkSize(f.prec, `printf precision ${f.prec}`);
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
