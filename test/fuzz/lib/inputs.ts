// What the fuzzer sends: hostile values of every JSON kind (wrong types, extreme and odd numbers,
// number-like and duration-like text, unicode, control characters, long text, JSON-looking text,
// arrays and objects where scalars go), plausible values per declared field type (so that writes
// are accepted and read-after-write is exercised), and path captures with tricks in them.
// Sizes are bounded: the run must stay fast, and request size limits are the host's business.
import fc from "fast-check";
import type { FieldSchema, FieldTypeName } from "../../../src/framework/index.js";

/** Longest generated text; large enough to cross IAM's and AWS's own limits (64, 128, 512…). */
export const MAX_TEXT = 4096;

/** Numbers as the host's JSON decoding can hand them over (1e400 arrives as Infinity). */
const extremeNumbers = [
  0, -0, 1, -1, 0.5, -0.5, 1.5, 59, 60, 61, 3600, -3600, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53),
  2 ** 63, -(2 ** 63), 2 ** 64, 1e21, 1e308, -1e308, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MIN_VALUE,
  Number.MAX_VALUE, Infinity, -Infinity,
];

/**
 * Templates that ask for huge output. Whatever the engine does with them (refuse the template, or
 * refuse the name it makes), the answer must be a clear 4xx, never a runtime failure.
 */
export const TEMPLATE_LIMIT_PROBES = ['{{ printf "%999999999d" 1 }}', '{{ printf "%-9999999s" "x" }}', "{{ random 100000 }}"];

/**
 * Probes that exhaust the heap of an engine without template output limits (`random` allocates
 * what it is asked for). On such an engine they take the test worker down rather than fail one
 * test; the run then fails as a suite that did not finish, which is still a failure.
 */
export const MEMORY_PROBES = ["{{ random 999999999 }}", '{{ printf "%.999999999d" 1 }}'];

/** Text that looks like a number, a duration, a boolean or JSON to some parser. */
const trickyText = [
  "", " ", "0", "-0", "1", "-1", "+1", " 1 ", "1.5", "-1.5", "1e3", "1e309", "-1e309", "NaN", "nan", "Infinity", "-Infinity", "inf",
  "0x10", "0b11", "0o7", "1_000", "_1", "1__0", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
  "18446744073709551616", "99999999999999999999999999999", "1h", "-1h", "1h30m", "1d", "-1d", "0.5s", "1ms", "1us", "1µs", "1ns",
  "999999999999h", "9223372036854775807s", "106751d", "106752d", "1y", "P1D", "1 h", "h", "1hh", "60", "59",
  "true", "false", "t", "F", "TRUE", "yes", "null", "undefined", "{}", "[]", '{"a":1}', "[1,2]", '"quoted"', "a,b", ",", ",,", "a,,b",
  " a , b ", "a=b", "=", "a=", "=b", "a=b=c", "a=b,c=d", "Name:value", "e30=", "%s", "%d", "%!", "{{", "}}", "{{.}}", "{{ .DisplayName }}",
  '{{ printf "%s" "x" }}', "{{ range . }}{{ end }}", "{{ template }}", "{{ random 20 }}", "{{ truncate 3 .RoleName }}",
  ...TEMPLATE_LIMIT_PROBES,
  ...MEMORY_PROBES,
  "arn:", "arn:aws:iam::123456789012:role/x", "arn:aws:s3:::bucket", "arn:aws:iam::aws:policy/", "arn:aws:iam::123:user/x",
  "/", "//", "/a/", "a/", "..", "../..", "/../", "%2F", "%2e%2e", "\\", "C:\\", "*", "?", "#", "&", "'", '"', "`", "<script>",
];

/** Single characters that break naive text handling. */
const oddCharacters = ["\u0000", "\u0001", "\u0007", "\b", "\t", "\n", "\r", "\u001b", "\u007f", "\u0085", "\u00a0", "\u200b", "\u200e",
  "\u202e", "\u2028", "\u2029", "\ufeff", "\ufffd", "\uffff", "é", "e\u0301", "ß", "İ", "ﬁ", "Ω", "中", "😀", "👩‍👩‍👧", "🏳️‍🌈", "\u{10ffff}"];

const controlText = fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), maxLength: 8 });

/** Well-formed unicode only: the host's JSON (Go) never delivers a lone surrogate. */
const unicodeText = fc.string({ unit: "grapheme", maxLength: 24 });

const longText = fc.tuple(fc.constantFrom("a", "é", "😀", " ", "/", ",", "{{", "0", "\n"), fc.integer({ min: 65, max: MAX_TEXT })).map(([unit, n]) =>
  unit.repeat(Math.ceil(n / unit.length)).slice(0, n),
);

const mixedText = fc.array(fc.oneof(fc.constantFrom(...trickyText), fc.constantFrom(...oddCharacters), fc.string({ maxLength: 6 })), { maxLength: 4 }).map((parts) =>
  parts.join(""),
);

/** Hostile text. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...trickyText) },
  { weight: 2, arbitrary: fc.constantFrom(...oddCharacters) },
  { weight: 2, arbitrary: unicodeText },
  { weight: 1, arbitrary: controlText },
  { weight: 1, arbitrary: longText },
  { weight: 2, arbitrary: mixedText },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...extremeNumbers) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true }) },
);

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));

/** Arrays and objects, bounded in size and depth (deep JSON is the host's size limit's business). */
const hostileContainer: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; container: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, hostileScalar, tie("container")),
  container: fc.oneof(
    { depthSize: "small" },
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.constantFrom("", "a", "__proto__", "constructor", "toString", "key", "Key", "k=v"), hostileString), tie("value"), {
      maxKeys: 3,
    }),
  ),
})).container;

/** Any hostile JSON value. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: hostileContainer },
  { weight: 1, arbitrary: fc.constantFrom<unknown>([], {}, [""], [null], [[]], [{}], ["a", 1, true], { "": "" }) },
);

const simpleWord = fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/);

/** Plausible values of a declared type, in the spellings Vault's weak decoding accepts. */
function typedArbitrary(type: FieldTypeName): fc.Arbitrary<unknown> {
  switch (type) {
    case "string":
    case "name string":
    case "lowercase string":
      return fc.oneof(simpleWord, fc.constant(""));
    case "int":
    case "int64":
      return fc.oneof(fc.integer({ min: -5, max: 100 }), fc.integer({ min: 0, max: 100 }).map(String));
    case "float":
      return fc.oneof(fc.double({ min: -100, max: 100, noNaN: true }), fc.constant("1.5"));
    case "bool":
      return fc.oneof(fc.boolean(), fc.constantFrom("true", "false", "1", "0"));
    case "duration (sec)":
    case "signed duration (sec)":
      return fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom("60", "90s", "30m", "1h", "12h", "1d", "1h30m", 0));
    case "slice":
    case "string slice":
    case "comma-separated string slice":
      return fc.oneof(fc.array(simpleWord, { maxLength: 3 }), fc.array(simpleWord, { minLength: 1, maxLength: 3 }).map((items) => items.join(",")));
    case "comma-separated int slice":
      return fc.oneof(fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: 3 }), fc.constant("1,2"));
    case "map":
    case "keypair":
      return fc.oneof(
        fc.dictionary(simpleWord, simpleWord, { maxKeys: 3 }),
        fc.array(fc.tuple(simpleWord, simpleWord).map(([k, v]) => `${k}=${v}`), { maxLength: 3 }),
      );
    case "header":
      return fc.dictionary(simpleWord, fc.array(simpleWord, { maxLength: 2 }), { maxKeys: 2 });
    case "time":
      return fc.oneof(fc.constant("2030-01-01T00:00:00Z"), fc.integer({ min: 0, max: 2_000_000_000 }));
  }
}

/** Values a schema itself names: its allowed values, its default and the UI's example. */
function declaredExamples(schema: FieldSchema): unknown[] {
  const examples: unknown[] = [...(schema.allowedValues ?? [])];
  if (schema.default !== undefined) examples.push(schema.default);
  if (schema.displayAttrs?.value !== undefined) examples.push(schema.displayAttrs.value);
  return examples;
}

/** Values of one field that should pass: the profile's hints, else the schema's examples and its type's. */
export function plausibleValue(schema: FieldSchema, hints: readonly unknown[] = []): fc.Arbitrary<unknown> {
  if (hints.length > 0) return fc.constantFrom(...hints, ...declaredExamples(schema));
  const known = declaredExamples(schema);
  return known.length === 0 ? typedArbitrary(schema.type) : fc.oneof(fc.constantFrom(...known), typedArbitrary(schema.type));
}

/** Values of one field that probably do not: hostile values and the type's plain ones. */
export function hostileFieldValue(schema: FieldSchema): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 5, arbitrary: hostileValue }, { weight: 1, arbitrary: typedArbitrary(schema.type) });
}

/** Captures that try to leave their segment or confuse the router and the storage keys. */
export const captureTricks = [
  "", ".", "..", "../config/root", "..%2Fconfig%2Froot", "a/b", "a/", "/a", "/", "%2F", "a%2Fb", "%2e%2e", "%00", "a b", " a", "a ",
  "a\u0000b", "a\nb", "é", "😀", "a.", ".a", "-a", "a-", "@", "a@", "@a", "a@b", "a..b", "a--b", "_", "__proto__", "constructor",
  "wal", "role", "policy", "config", "x".repeat(300), "\u202eevil", "a\u200bb",
];
