import { describe, expect, it } from "vitest";
import { goQuote } from "../../src/framework/go-quote.js";

// [input bytes (base64), strconv.Quote, strconv.QuoteToASCII], as printed by Go 1.26 for the same
// bytes: named escapes, other control bytes, C1 controls, format and private-use runes, astral
// runes, and invalid UTF-8 (stray bytes, a truncated sequence, an encoded surrogate, a rune past
// U+10FFFF, an overlong form).
const TABLE: [string, string, string][] = [
  ["", "\"\"", "\"\""],
  ["cGxhaW4=", "\"plain\"", "\"plain\""],
  ["d2l0aCAicXVvdGVzIiBhbmQgXGJhY2tzbGFzaA==", "\"with \\\"quotes\\\" and \\\\backslash\"", "\"with \\\"quotes\\\" and \\\\backslash\""],
  ["YQdiCGMMZAplDWYJZwto", "\"a\\ab\\bc\\fd\\ne\\rf\\tg\\vh\"", "\"a\\ab\\bc\\fd\\ne\\rf\\tg\\vh\""],
  ["AAEffw==", "\"\\x00\\x01\\x1f\\x7f\"", "\"\\x00\\x01\\x1f\\x7f\""],
  ["dGFiCWhlcmU=", "\"tab\\there\"", "\"tab\\there\""],
  ["J3NpbmdsZSc=", "\"'single'\"", "\"'single'\""],
  ["w6kgw7Eg5pel5pys6KqeIPCfmYI=", "\"\u00e9 \u00f1 \u65e5\u672c\u8a9e \ud83d\ude42\"", "\"\\u00e9 \\u00f1 \\u65e5\\u672c\\u8a9e \\U0001f642\""],
  ["woDCn8Kgwq0=", "\"\\u0080\\u009f\\u00a0\\u00ad\"", "\"\\u0080\\u009f\\u00a0\\u00ad\""],
  ["4oCL4oCo4oCp77u/", "\"\\u200b\\u2028\\u2029\\ufeff\"", "\"\\u200b\\u2028\\u2029\\ufeff\""],
  ["7oCA87CAgA==", "\"\\ue000\\U000f0000\"", "\"\\ue000\\U000f0000\""],
  ["8J+YgPOggIE=", "\"\ud83d\ude00\\U000e0001\"", "\"\\U0001f600\\U000e0001\""],
  ["//4=", "\"\\xff\\xfe\"", "\"\\xff\\xfe\""],
  ["YcMoYg==", "\"a\\xc3(b\"", "\"a\\xc3(b\""],
  ["7aCA", "\"\\xed\\xa0\\x80\"", "\"\\xed\\xa0\\x80\""],
  ["9JCAgA==", "\"\\xf4\\x90\\x80\\x80\"", "\"\\xf4\\x90\\x80\\x80\""],
  ["wK8=", "\"\\xc0\\xaf\"", "\"\\xc0\\xaf\""],
  ["77+9", "\"\ufffd\"", "\"\\ufffd\""],
  ["zIBjb21iaW5pbmc=", "\"\u0300combining\"", "\"\\u0300combining\""],
  ["bmJzcMKgaGVyZQ==", "\"nbsp\\u00a0here\"", "\"nbsp\\u00a0here\""],
  ["44CAaWRlb2dyYXBoaWM=", "\"\\u3000ideographic\"", "\"\\u3000ideographic\""],
  ["9I+/vw==", "\"\\U0010ffff\"", "\"\\U0010ffff\""],
];

const isUtf8 = (bytes: Buffer): boolean => Buffer.from(bytes.toString("utf8"), "utf8").equals(bytes);

describe("goQuote = Go's strconv.Quote", () => {
  it.each(TABLE)("bytes %s → %s", (base64, quoted, ascii) => {
    const bytes = Buffer.from(base64, "base64");
    expect(goQuote(new Uint8Array(bytes))).toBe(quoted);
    expect(goQuote(new Uint8Array(bytes), '"', true)).toBe(ascii);
    // Valid UTF-8 quotes the same from a JS string.
    if (isUtf8(bytes)) expect(goQuote(bytes.toString("utf8"))).toBe(quoted);
  });

  it("quotes a lone surrogate as the bytes of its WTF-8 form, as Go does for that invalid UTF-8", () => {
    expect(goQuote("\ud800")).toBe('"\\xed\\xa0\\x80"');
  });

  it("QuoteRune's quoting: ' escaped, \" kept", () => {
    expect(goQuote("'", "'")).toBe("'\\''");
    expect(goQuote('"', "'")).toBe(`'"'`);
  });
});
