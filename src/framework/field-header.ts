// Vault's TypeHeader coercion (sdk/framework/field_data.go, the TypeHeader case). A header arrives
// in one of three shapes, tried in this order:
//   1. an object whose values are strings, numbers or lists of those (the HTTP API);
//   2. a string holding JSON, optionally base64-encoded (API clients saving space);
//   3. a list of "Name:value" strings (the CLI).
// Keys are canonicalised like Go's http.Header.Add ("content-type" → "Content-Type").
import { DecodeError, goFormat, isMap, weakMapInto } from "./field-coercion.js";
import { quoteInput } from "./error-text.js";
import { goQuote } from "./go-quote.js";

const fail = (message: string): never => {
  throw new DecodeError([message], false);
};

/** Header name bytes Go accepts as a token (RFC 7230 tchar). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** textproto.CanonicalMIMEHeaderKey: keys with non-token bytes are left exactly as sent. */
export function canonicalHeaderKey(key: string): string {
  if (!TOKEN.test(key)) return key;
  return key.replace(/[A-Za-z0-9!#$%&'*+.^_`|~]+/g, (word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase());
}

function add(header: Record<string, string[]>, key: string, value: string): void {
  const name = canonicalHeaderKey(key);
  (header[name] ??= []).push(value);
}

/** The per-value rules of step 1 and 2: strings and numbers only, alone or in a list. */
function toHeader(entries: Record<string, unknown>): Record<string, string[]> {
  const header: Record<string, string[]> = {};
  for (const [key, group] of Object.entries(entries)) {
    if (typeof group === "string" || typeof group === "number") {
      add(header, key, String(group));
    } else if (Array.isArray(group)) {
      for (const item of group) {
        if (typeof item !== "string" && typeof item !== "number") {
          // Go prints the whole group with %s, which is where "%!s(bool=true)" comes from.
          fail(`received non-string value for header key:${key}, val:${goFormat(group, "s")}`);
        }
        add(header, key, String(item));
      }
    } else {
      fail(`unrecognized type for ${goFormat(group, "s")}`);
    }
  }
  return header;
}

/** Go's base64.StdEncoding (padding required, CR/LF ignored), as bytes; undefined when invalid. */
function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return undefined;
  return Buffer.from(compact, "base64");
}

/** encoding/json's quoteChar: a byte shown as the rune of the same value, Go-quoted in '…'. */
function quoteChar(code: number): string {
  if (code === 0x27) return "'\\''";
  if (code === 0x22) return `'"'`;
  return `'${goQuote(String.fromCharCode(code)).slice(1, -1)}'`;
}

/**
 * A scanner over bytes that finds the end of the first JSON value the way Go's json.Decoder does,
 * failing with encoding/json's wording: "invalid character 'x' <context>", "unexpected EOF", "EOF".
 */
class JsonScanner {
  private at = 0;
  constructor(private readonly bytes: Buffer) {}

  /** The end offset of the first value; anything after it is ignored, as by Decoder.Decode. */
  firstValue(): number {
    this.skipSpace();
    if (this.at >= this.bytes.length) return fail("EOF");
    this.value();
    return this.at;
  }

  private peek(): number | undefined {
    return this.bytes[this.at];
  }

  /** Consumes one byte; running out inside a value is "unexpected EOF" for a stream decoder. */
  private next(): number {
    const code = this.bytes[this.at];
    if (code === undefined) return fail("unexpected EOF");
    this.at++;
    return code;
  }

  private invalid(code: number, context: string): never {
    return fail(`invalid character ${quoteChar(code)} ${context}`);
  }

  private skipSpace(): void {
    while ([0x20, 0x09, 0x0a, 0x0d].includes(this.peek() ?? -1)) this.at++;
  }

  private expect(test: (code: number) => boolean, context: string): number {
    const code = this.next();
    return test(code) ? code : this.invalid(code, context);
  }

  private value(): void {
    this.skipSpace();
    const code = this.next();
    const ch = String.fromCharCode(code);
    if (ch === "{") this.object();
    else if (ch === "[") this.array();
    else if (ch === '"') this.string();
    else if (ch === "-" || /[0-9]/.test(ch)) this.number(ch);
    else if (ch === "t" || ch === "f" || ch === "n") this.literal({ t: "true", f: "false", n: "null" }[ch]);
    else this.invalid(code, "looking for beginning of value");
  }

  private object(): void {
    this.skipSpace();
    if (this.peek() === 0x7d) return void this.at++;
    for (;;) {
      this.expect((c) => c === 0x22, "looking for beginning of object key string");
      this.string();
      this.skipSpace();
      this.expect((c) => c === 0x3a, "after object key");
      this.value();
      this.skipSpace();
      if (this.expect((c) => c === 0x2c || c === 0x7d, "after object key:value pair") === 0x7d) return;
      this.skipSpace();
    }
  }

  private array(): void {
    this.skipSpace();
    if (this.peek() === 0x5d) return void this.at++;
    for (;;) {
      this.value();
      this.skipSpace();
      if (this.expect((c) => c === 0x2c || c === 0x5d, "after array element") === 0x5d) return;
    }
  }

  private string(): void {
    for (;;) {
      const code = this.expect((c) => c >= 0x20, "in string literal");
      if (code === 0x22) return;
      if (code !== 0x5c) continue;
      const escape = this.expect((c) => '"\\/bfnrtu'.includes(String.fromCharCode(c)), "in string escape code");
      if (escape !== 0x75) continue;
      for (let i = 0; i < 4; i++) this.expect((c) => /[0-9a-fA-F]/.test(String.fromCharCode(c)), "in \\u hexadecimal character escape");
    }
  }

  private digits(): void {
    while (/[0-9]/.test(String.fromCharCode(this.peek() ?? 0))) this.at++;
  }

  private isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

  private number(first: string): void {
    const lead = first === "-" ? this.expect(this.isDigit, "in numeric literal") : first.charCodeAt(0);
    if (lead !== 0x30) this.digits();
    if (this.peek() === 0x2e) {
      this.at++;
      this.expect(this.isDigit, "after decimal point in numeric literal");
      this.digits();
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.at++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.at++;
      this.expect(this.isDigit, "in exponent of numeric literal");
      this.digits();
    }
  }

  private literal(word: string): void {
    for (const expected of word.slice(1)) {
      this.expect((c) => c === expected.charCodeAt(0), `in literal ${word} (expecting '${expected}')`);
    }
  }
}

/** Go's jsonutil.DecodeJSON into a map[string]interface{}: the first JSON value must be an object (or null). */
function decodeJsonObject(bytes: Buffer): Record<string, unknown> {
  const end = new JsonScanner(bytes).firstValue();
  const value: unknown = JSON.parse(bytes.subarray(0, end).toString("utf8"));
  if (value === null) return {};
  if (isMap(value)) return value;
  const kind = Array.isArray(value) ? "array" : typeof value === "boolean" ? "bool" : typeof value;
  return fail(`json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`);
}

/** TypeHeader. */
export function header(raw: unknown): Record<string, string[]> {
  // 1. An object (or a list of objects, or null — mapstructure accepts both into a map).
  const entries: Record<string, unknown> = {};
  let step1 = true;
  try {
    weakMapInto("", raw, entries, (_name, item) => item);
  } catch (error) {
    if (!(error instanceof DecodeError)) throw error;
    step1 = false;
  }
  if (step1) return toHeader(entries);
  // 2. A JSON string, base64-encoded or not.
  if (typeof raw === "string") return toHeader(decodeJsonObject(decodeBase64(raw) ?? Buffer.from(raw, "utf8")));
  // 3. "Name:value" strings; anything else in the list reports an empty pair, as upstream's does.
  const out: Record<string, string[]> = {};
  for (const item of Array.isArray(raw) ? (raw as unknown[]) : [raw]) {
    const pair = typeof item === "string" ? item : "";
    const at = pair.indexOf(":");
    if (typeof item !== "string" || at <= 0) fail(`invalid key pair ${quoteInput(pair)}`);
    add(out, pair.slice(0, at), pair.slice(at + 1));
  }
  return out;
}
