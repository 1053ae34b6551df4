// Go's strconv.Quote (what `%q` prints for a string), the one implementation for every error
// text that upstream formats with %q. Vault's messages are compared byte for byte by clients and
// by our conformance tests, so the escapes must be Go's exactly.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.IsPrint / unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export const isPrint = (r: number): boolean => r >= 0 && r <= 0x10ffff && !(r >= 0xd800 && r <= 0xdfff) && PRINTABLE.test(String.fromCodePoint(r));

const NAMED: Readonly<Record<number, string>> = { 0x07: "\\a", 0x08: "\\b", 0x0c: "\\f", 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t", 0x0b: "\\v" };

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0");

/** One decoded rune, or an undecodable byte (Go's RuneError of width 1). */
type Unit = { rune: number } | { badByte: number };

/** utf8.DecodeRune over bytes: overlong forms, surrogates and values past U+10FFFF are bad bytes. */
function* decodeUtf8(bytes: Uint8Array): Generator<Unit> {
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] ?? 0;
    const cont = (k: number): number => {
      const b = bytes[i + k];
      return b !== undefined && (b & 0xc0) === 0x80 ? b & 0x3f : -1;
    };
    let rune = -1;
    let size = 1;
    if (b0 < 0x80) rune = b0;
    else if (b0 >= 0xc2 && b0 <= 0xdf && cont(1) >= 0) [rune, size] = [((b0 & 0x1f) << 6) | cont(1), 2];
    else if (b0 >= 0xe0 && b0 <= 0xef && cont(1) >= 0 && cont(2) >= 0) {
      const r = ((b0 & 0x0f) << 12) | (cont(1) << 6) | cont(2);
      if (r >= 0x800 && !(r >= 0xd800 && r <= 0xdfff)) [rune, size] = [r, 3];
    } else if (b0 >= 0xf0 && b0 <= 0xf4 && cont(1) >= 0 && cont(2) >= 0 && cont(3) >= 0) {
      const r = ((b0 & 0x07) << 18) | (cont(1) << 12) | (cont(2) << 6) | cont(3);
      if (r >= 0x10000 && r <= 0x10ffff) [rune, size] = [r, 4];
    }
    yield rune < 0 ? { badByte: b0 } : { rune };
    i += size;
  }
}

/**
 * The runes of a JS string. A lone surrogate cannot come from valid UTF-8; it stands for the three
 * bytes its WTF-8 form would have, which Go prints as \x escapes, like any invalid UTF-8.
 */
function* decodeString(text: string): Generator<Unit> {
  for (const ch of text) {
    const r = ch.codePointAt(0) ?? 0;
    if (r >= 0xd800 && r <= 0xdfff) {
      yield { badByte: 0xe0 | (r >> 12) };
      yield { badByte: 0x80 | ((r >> 6) & 0x3f) };
      yield { badByte: 0x80 | (r & 0x3f) };
    } else yield { rune: r };
  }
}

/**
 * strconv.Quote: `text` in double quotes, printable runes as they are, `"` and `\` escaped, the
 * named escapes \a \b \f \n \r \t \v, \xNN for other control bytes and invalid UTF-8, \uNNNN or
 * \UNNNNNNNN for other non-printable runes. `quote` "'" gives QuoteRune's quoting, `asciiOnly`
 * QuoteToASCII's. Bytes (a Go string that need not be UTF-8) may be passed as a Uint8Array.
 */
export function goQuote(text: string | Uint8Array, quote: '"' | "'" = '"', asciiOnly = false): string {
  let out = quote;
  const quoteRune = quote.charCodeAt(0);
  for (const unit of typeof text === "string" ? decodeString(text) : decodeUtf8(text)) {
    if ("badByte" in unit) {
      out += `\\x${hex(unit.badByte, 2)}`;
      continue;
    }
    const r = unit.rune;
    if (r === quoteRune || r === 0x5c) out += `\\${String.fromCodePoint(r)}`;
    else if (isPrint(r) && (!asciiOnly || r < 0x80)) out += String.fromCodePoint(r);
    else if (NAMED[r] !== undefined) out += NAMED[r];
    else if (r < 0x20 || r === 0x7f) out += `\\x${hex(r, 2)}`;
    else if (r < 0x10000) out += `\\u${hex(r, 4)}`;
    else out += `\\U${hex(r, 8)}`;
  }
  return out + quote;
}
