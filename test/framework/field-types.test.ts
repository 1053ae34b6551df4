// Vault's weak coercion, type by type, in the style of sdk/framework/field_data_test.go. Every
// expected value and error text here was checked against Vault's own FieldData (sdk v0.25.1 with
// mapstructure v1.5.0 and parseutil v0.2.0) fed the same JSON.
import { describe, expect, it } from "vitest";
import { field, isZeroTime, nullIsAbsent } from "../../src/framework/field-types.js";
import { helpTypeName } from "../../src/framework/help.js";
import { FieldParseError, type FieldSchema } from "../../src/framework/types.js";

type Row = [name: string, schema: FieldSchema, raw: unknown, expected: unknown];

const b64 = (text: string): string => Buffer.from(text).toString("base64");
const at = (iso: string): Date => new Date(iso);

const accepted: Row[] = [
  // TypeString: scalars become text the way mapstructure's weak decoding writes them.
  ["string: text as is", field.string(), "abc", "abc"],
  ["string: integer as its text", field.string(), 1, "1"],
  ["string: fraction as its text", field.string(), 1.5, "1.5"],
  ["string: true is \"1\"", field.string(), true, "1"],
  ["string: false is \"0\"", field.string(), false, "0"],
  ["string: null is \"\"", field.string(), null, ""],
  ["lowercase string: mixed case", field.lowercaseString(), "ABC-def", "abc-def"],
  ["lowercase string: Go's per-rune lowering", field.lowercaseString(), "ΑΣ İX", "ασ ix"],
  ["lowercase string: number", field.lowercaseString(), 12, "12"],
  ["name string: dashes inside", field.nameString(), "my-role", "my-role"],
  ["name string: dots and underscores", field.nameString(), "my.role_1", "my.role_1"],
  ["name string: one character", field.nameString(), "a", "a"],
  ["name string: a number", field.nameString(), 5, "5"],
  // TypeInt / TypeInt64: Go integer literals, base prefixes and `_` included.
  ["int: JSON integer", field.int(), 42, 42],
  ["int: numeric string", field.int(), "42", 42],
  ["int: negative string", field.int(), "-5", -5],
  ["int: explicit plus", field.int(), "+5", 5],
  ["int: hex literal", field.int(), "0x1F", 31],
  ["int: octal with 0o", field.int(), "0o17", 15],
  ["int: binary literal", field.int(), "0b101", 5],
  ["int: leading zero is octal", field.int(), "017", 15],
  ["int: digit separators", field.int(), "1_000", 1000],
  ["int: empty string is 0", field.int(), "", 0],
  ["int: true is 1", field.int(), true, 1],
  ["int: false is 0", field.int(), false, 0],
  ["int: null is 0", field.int(), null, 0],
  ["int64: numeric string", field.int64(), "123456789012", 123456789012],
  ["int: largest exact integer", field.int(), "9007199254740991", 9007199254740991],
  ["int: smallest exact integer", field.int(), -9007199254740991, -9007199254740991],
  // TypeBool: strconv.ParseBool words; numbers only as their text "0"/"1".
  ["bool: true", field.bool(), true, true],
  ["bool: \"true\"", field.bool(), "true", true],
  ["bool: \"t\"", field.bool(), "t", true],
  ["bool: \"T\"", field.bool(), "T", true],
  ["bool: \"TRUE\"", field.bool(), "TRUE", true],
  ["bool: \"True\"", field.bool(), "True", true],
  ["bool: \"1\"", field.bool(), "1", true],
  ["bool: number 1", field.bool(), 1, true],
  ["bool: \"f\"", field.bool(), "f", false],
  ["bool: \"False\"", field.bool(), "False", false],
  ["bool: \"0\"", field.bool(), "0", false],
  ["bool: number 0", field.bool(), 0, false],
  ["bool: empty string", field.bool(), "", false],
  ["bool: null", field.bool(), null, false],
  // TypeFloat: strconv.ParseFloat syntax.
  ["float: JSON number", field.float(), 1.5, 1.5],
  ["float: decimal string", field.float(), "-2.25", -2.25],
  ["float: exponent", field.float(), "1e3", 1000],
  ["float: hex float", field.float(), "0x1p-2", 0.25],
  ["float: separators", field.float(), "1_000.5", 1000.5],
  ["float: leading dot", field.float(), ".5", 0.5],
  ["float: trailing dot", field.float(), "5.", 5],
  ["float: inf", field.float(), "inf", Infinity],
  ["float: -Infinity", field.float(), "-Infinity", -Infinity],
  ["float: nan", field.float(), "nan", NaN],
  ["float: underflow is 0", field.float(), "1e-400", 0],
  ["float: true is 1", field.float(), true, 1],
  ["float: empty string is 0", field.float(), "", 0],
  // TypeDurationSecond: whole seconds, truncated toward zero.
  ["duration: integer seconds", field.durationSeconds(), 90, 90],
  ["duration: numeric string", field.durationSeconds(), "90", 90],
  ["duration: hours", field.durationSeconds(), "1h", 3600],
  ["duration: compound", field.durationSeconds(), "1h30m", 5400],
  ["duration: days", field.durationSeconds(), "2d", 172800],
  ["duration: fractional hours", field.durationSeconds(), "1.5h", 5400],
  ["duration: leading dot", field.durationSeconds(), ".5h", 1800],
  ["duration: sub-second truncates", field.durationSeconds(), "1500ms", 1],
  ["duration: -500ms truncates to 0, not negative", field.durationSeconds(), "-500ms", 0],
  ["duration: explicit plus", field.durationSeconds(), "+1h", 3600],
  ["duration: empty string is 0", field.durationSeconds(), "", 0],
  ["signed duration: negative string", field.signedDurationSeconds(), "-5", -5],
  ["signed duration: negative number", field.signedDurationSeconds(), -90, -90],
  ["signed duration: negative Go duration", field.signedDurationSeconds(), "-1h", -3600],
  ["signed duration: negative days", field.signedDurationSeconds(), "-1d", -86400],
  ["signed duration: truncates toward zero", field.signedDurationSeconds(), "-1500ms", -1],
  // TypeSlice: lifted, never split.
  ["slice: array as sent", field.slice(), [1, "a", true], [1, "a", true]],
  ["slice: empty array", field.slice(), [], []],
  ["slice: lone string", field.slice(), "x", ["x"]],
  ["slice: empty string is one element", field.slice(), "", [""]],
  ["slice: empty object is empty", field.slice(), {}, []],
  ["slice: object is one element", field.slice(), { a: 1 }, [{ a: 1 }]],
  ["slice: null", field.slice(), null, []],
  ["string slice: array", field.stringSlice(), ["a", "b"], ["a", "b"]],
  ["string slice: items trimmed", field.stringSlice(), [" a ", "b "], ["a", "b"]],
  ["string slice: scalars as text, null as \"\"", field.stringSlice(), [1, true, null], ["1", "1", ""]],
  ["string slice: a string is not split", field.stringSlice(), "a,b", ["a,b"]],
  ["string slice: lone string trimmed", field.stringSlice(), " x ", ["x"]],
  ["string slice: empty string", field.stringSlice(), "", []],
  ["string slice: null", field.stringSlice(), null, []],
  ["comma string slice: comma string", field.commaStringSlice(), "a,b", ["a", "b"]],
  ["comma string slice: items trimmed", field.commaStringSlice(), "a, b ,c", ["a", "b", "c"]],
  ["comma string slice: empty items kept", field.commaStringSlice(), "a,,b", ["a", "", "b"]],
  ["comma string slice: lone comma", field.commaStringSlice(), ",", ["", ""]],
  ["comma string slice: blank is one empty item", field.commaStringSlice(), " ", [""]],
  ["comma string slice: empty string", field.commaStringSlice(), "", []],
  ["comma string slice: array items not split", field.commaStringSlice(), ["a,b", "c"], ["a,b", "c"]],
  ["comma string slice: array scalars", field.commaStringSlice(), [1, true], ["1", "1"]],
  ["comma string slice: JSON number", field.commaStringSlice(), 5, ["5"]],
  ["comma string slice: boolean", field.commaStringSlice(), true, ["1"]],
  ["comma string slice: null", field.commaStringSlice(), null, []],
  ["comma int slice: comma string", field.commaIntSlice(), "1,2,3", [1, 2, 3]],
  ["comma int slice: mixed array", field.commaIntSlice(), [1, "2", true], [1, 2, 1]],
  ["comma int slice: empty item is 0", field.commaIntSlice(), "1,,2", [1, 0, 2]],
  ["comma int slice: Go literals", field.commaIntSlice(), "0x10,010", [16, 8]],
  ["comma int slice: lone number", field.commaIntSlice(), 7, [7]],
  ["comma int slice: empty string", field.commaIntSlice(), "", []],
  ["comma int slice: null", field.commaIntSlice(), null, []],
  // TypeMap
  ["map: object", field.map(), { a: 1, b: [true] }, { a: 1, b: [true] }],
  ["map: list of objects merged", field.map(), [{ a: "b" }, { c: "d" }], { a: "b", c: "d" }],
  ["map: empty array", field.map(), [], {}],
  ["map: null", field.map(), null, {}],
  // TypeKVPairs
  ["kv pairs: object, values as text", field.kvPairs(), { a: "b", n: 1, t: true, z: null }, { a: "b", n: "1", t: "1", z: "" }],
  ["kv pairs: list of k=v", field.kvPairs(), ["k=v", "a=b=c", "e="], { k: "v", a: "b=c", e: "" }],
  ["kv pairs: single k=v string", field.kvPairs(), "k=v", { k: "v" }],
  ["kv pairs: later duplicate wins", field.kvPairs(), ["a=1", "a=2"], { a: "2" }],
  ["kv pairs: list of objects", field.kvPairs(), [{ a: "b" }], { a: "b" }],
  ["kv pairs: empty array", field.kvPairs(), [], {}],
  ["kv pairs: null", field.kvPairs(), null, {}],
  // TypeHeader
  ["header: object, names canonicalised", field.header(), { "content-type": "text/json", "X-FOO": ["1", "2"], num: 5 },
    { "Content-Type": ["text/json"], "X-Foo": ["1", "2"], Num: ["5"] }],
  ["header: non-token names kept as sent", field.header(), { "a b": "x" }, { "a b": ["x"] }],
  ["header: JSON string", field.header(), '{"content-type":"text/json","accept":["a"]}', { "Content-Type": ["text/json"], Accept: ["a"] }],
  ["header: base64 JSON", field.header(), b64('{"x-amz-date":"20240101"}'), { "X-Amz-Date": ["20240101"] }],
  ["header: text after the JSON value ignored", field.header(), '{"a":["x","y"]} trailing', { A: ["x", "y"] }],
  ["header: JSON null (with a space, so not base64)", field.header(), " null", {}],
  ["header: Name:value list, repeated names", field.header(), ["Content-Type:text/json", "accept:a", "Accept:b"],
    { "Content-Type": ["text/json"], Accept: ["a", "b"] }],
  ["header: value may hold colons", field.header(), ["a:b:c"], { A: ["b:c"] }],
  ["header: null", field.header(), null, {}],
  // TypeTime: RFC 3339 or Unix seconds, in UTC.
  ["time: RFC 3339 UTC", field.time(), "2024-01-02T03:04:05Z", at("2024-01-02T03:04:05Z")],
  ["time: fraction kept to the millisecond", field.time(), "2024-01-02T03:04:05.123456789Z", at("2024-01-02T03:04:05.123Z")],
  ["time: offset", field.time(), "2024-01-02T03:04:05+02:00", at("2024-01-02T01:04:05Z")],
  ["time: Go allows a +24:00 offset", field.time(), "2024-01-02T03:04:05+24:00", at("2024-01-01T03:04:05Z")],
  ["time: leap day", field.time(), "2024-02-29T00:00:00Z", at("2024-02-29T00:00:00Z")],
  ["time: epoch seconds as text", field.time(), "1700000000", at("2023-11-14T22:13:20Z")],
  ["time: epoch seconds as number", field.time(), 1700000000, at("2023-11-14T22:13:20Z")],
  ["time: negative epoch", field.time(), "-1", at("1969-12-31T23:59:59Z")],
];

describe("field parse accepts what Vault accepts", () => {
  it.each(accepted)("%s", (_name, schema, raw, expected) => {
    expect(schema.parse(raw)).toStrictEqual(expected);
  });
});

const many = (...points: string[]): string => `${points.length} error(s) decoding:\n\n${points.map((p) => `* ${p}`).join("\n")}`;

const rejected: [name: string, schema: FieldSchema, raw: unknown, message: string][] = [
  ["string: array", field.string(), [1, 2], "'' expected type 'string', got unconvertible type '[]interface {}', value: '[1 2]'"],
  ["string: object", field.string(), { b: 1, a: "x" }, "'' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[a:x b:1]'"],
  ["name string: leading dash", field.nameString(), "-role", "field does not match the formatting rules"],
  ["name string: trailing dash", field.nameString(), "role-", "field does not match the formatting rules"],
  ["name string: space", field.nameString(), "a b", "field does not match the formatting rules"],
  ["name string: empty", field.nameString(), "", "field does not match the formatting rules"],
  ["name string: non-ASCII", field.nameString(), "rôle", "field does not match the formatting rules"],
  ["int: fraction", field.int(), 1.5, `cannot parse '' as int: strconv.ParseInt: parsing "1.5": invalid syntax`],
  ["int: word", field.int(), "abc", `cannot parse '' as int: strconv.ParseInt: parsing "abc": invalid syntax`],
  ["int: beyond int64", field.int(), "9223372036854775808", `cannot parse '' as int: strconv.ParseInt: parsing "9223372036854775808": value out of range`],
  // Not Vault's (Go's int takes any int64): a JS number would round these, and config/root would then
  // store digits near 2^63 that Go's decoder refuses.
  ["int: beyond 2^53 - 1 (ours)", field.int(), "9007199254740992", "cannot parse '' as int: 9007199254740992 is outside -9007199254740991..9007199254740991, the integers held exactly"],
  ["int: below -(2^53 - 1) (ours)", field.int(), "-9223372036854775808", "cannot parse '' as int: -9223372036854775808 is outside -9007199254740991..9007199254740991, the integers held exactly"],
  ["int64: a JSON number beyond 2^53 (ours)", field.int64(), 2 ** 60, "cannot parse '' as int: 1152921504606847000 is outside -9007199254740991..9007199254740991, the integers held exactly"],
  ["int: misplaced separator", field.int(), "_1", `cannot parse '' as int: strconv.ParseInt: parsing "_1": invalid syntax`],
  ["int: 08 is bad octal", field.int(), "08", `cannot parse '' as int: strconv.ParseInt: parsing "08": invalid syntax`],
  ["int: array", field.int(), [1], "'' expected type 'int', got unconvertible type '[]interface {}', value: '[1]'"],
  ["int64: object", field.int64(), {}, "'' expected type 'int64', got unconvertible type 'map[string]interface {}', value: 'map[]'"],
  ["bool: number 2", field.bool(), 2, `cannot parse '' as bool: strconv.ParseBool: parsing "2": invalid syntax`],
  ["bool: yes", field.bool(), "yes", `cannot parse '' as bool: strconv.ParseBool: parsing "yes": invalid syntax`],
  ["bool: odd casing", field.bool(), "tRUE", `cannot parse '' as bool: strconv.ParseBool: parsing "tRUE": invalid syntax`],
  ["bool: array", field.bool(), [true], "'' expected type 'bool', got unconvertible type '[]interface {}', value: '[true]'"],
  ["float: word", field.float(), "abc", `cannot parse '' as float: strconv.ParseFloat: parsing "abc": invalid syntax`],
  ["float: overflow", field.float(), "1e400", `cannot parse '' as float: strconv.ParseFloat: parsing "1e400": value out of range`],
  ["float: signed nan", field.float(), "+nan", `cannot parse '' as float: strconv.ParseFloat: parsing "+nan": invalid syntax`],
  ["float: double separator", field.float(), "1__0.5", `cannot parse '' as float: strconv.ParseFloat: parsing "1__0.5": invalid syntax`],
  ["float: object", field.float(), {}, "'' expected type 'float64', got unconvertible type 'map[string]interface {}', value: 'map[]'"],
  ["duration: negative string", field.durationSeconds(), "-5", "cannot provide negative value '-5'"],
  ["duration: negative number", field.durationSeconds(), -90, "cannot provide negative value '-90'"],
  ["duration: negative Go duration", field.durationSeconds(), "-1h", "cannot provide negative value '-3600'"],
  ["duration: fractional number has no unit", field.durationSeconds(), 1.5, 'time: missing unit in duration "1.5"'],
  ["duration: word", field.durationSeconds(), "abc", 'time: invalid duration "abc"'],
  ["duration: unknown unit", field.durationSeconds(), "5x", 'time: unknown unit "x" in duration "5x"'],
  ["duration: fractional days", field.durationSeconds(), "1.5d", 'strconv.ParseInt: parsing "1.5": invalid syntax'],
  ["duration: days overflow", field.durationSeconds(), "106752d", "multiplication of durations resulted in overflow, one operand may be too large"],
  ["duration: seconds overflow", field.durationSeconds(), "9223372037", "multiplication of durations resulted in overflow, one operand may be too large"],
  ["duration: boolean", field.durationSeconds(), true, "could not parse duration from input"],
  ["duration: array", field.signedDurationSeconds(), [], "could not parse duration from input"],
  ["string slice: nested array", field.stringSlice(), [["x"]], many("'[0]' expected type 'string', got unconvertible type '[]interface {}', value: '[x]'")],
  ["string slice: object", field.stringSlice(), { a: 1 }, many("'[0]' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[a:1]'")],
  ["comma string slice: nested object", field.commaStringSlice(), ["a", { b: 2 }], many("'[1]' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[b:2]'")],
  ["comma int slice: items not trimmed", field.commaIntSlice(), "1, 2", many(`cannot parse '[1]' as int: strconv.ParseInt: parsing " 2": invalid syntax`)],
  ["comma int slice: errors collected and sorted", field.commaIntSlice(), ["x", 1, [1]],
    many("'[2]' expected type 'int', got unconvertible type '[]interface {}', value: '[1]'", `cannot parse '[0]' as int: strconv.ParseInt: parsing "x": invalid syntax`)],
  ["map: string", field.map(), "x", "'' expected a map, got 'string'"],
  ["map: number is a string kind", field.map(), 5, "'' expected a map, got 'string'"],
  ["map: boolean", field.map(), true, "'' expected a map, got 'bool'"],
  ["map: list of strings", field.map(), ["a"], "'[0]' expected a map, got 'string'"],
  ["kv pairs: empty key", field.kvPairs(), "=v", 'invalid key pair "=v"'],
  ["kv pairs: no equals sign", field.kvPairs(), ["k"], 'invalid key pair "k"'],
  ["kv pairs: empty string", field.kvPairs(), "", 'invalid key pair ""'],
  ["kv pairs: number", field.kvPairs(), 5, 'invalid key pair "5"'],
  ["kv pairs: boolean", field.kvPairs(), true, 'invalid key pair "1"'],
  ["kv pairs: nested value", field.kvPairs(), { a: [1, 2] }, many("'[0]' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[a:[1 2]]'")],
  ["header: boolean value", field.header(), { a: true }, "unrecognized type for %!s(bool=true)"],
  ["header: null value", field.header(), { a: null }, "unrecognized type for %!s(<nil>)"],
  ["header: object value", field.header(), { a: { b: "c" } }, "unrecognized type for map[b:c]"],
  ["header: boolean in a list", field.header(), { a: ["x", true] }, "received non-string value for header key:a, val:[x %!s(bool=true)]"],
  ["header: bad object key", field.header(), "{bad", "invalid character 'b' looking for beginning of object key string"],
  ["header: truncated JSON", field.header(), '{"a":"b"', "unexpected EOF"],
  ["header: blank", field.header(), "   ", "EOF"],
  ["header: JSON array", field.header(), "[1]", "json: cannot unmarshal array into Go value of type map[string]interface {}"],
  ["header: not a literal", field.header(), "nan", "invalid character 'a' in literal null (expecting 'u')"],
  ["header: not a number", field.header(), "-role", "invalid character 'r' in numeric literal"],
  ["header: bad escape", field.header(), '{"a":"\\q"}', "invalid character 'q' in string escape code"],
  ["header: missing colon", field.header(), '{"a" "b"}', "invalid character '\"' after object key"],
  ["header: trailing comma", field.header(), '{"a":"b",}', "invalid character '}' looking for beginning of object key string"],
  ["header: a word that is valid base64 is decoded first", field.header(), "null", "invalid character '\\u009e' looking for beginning of value"],
  ["header: Name:value with empty name", field.header(), [":b"], 'invalid key pair ":b"'],
  ["header: non-string in a Name:value list", field.header(), ["a:b", 1], 'invalid key pair ""'],
  ["header: number", field.header(), 5, 'invalid key pair ""'],
  ["time: impossible date", field.time(), "2024-02-30T00:00:00Z", "could not parse string as date and time"],
  ["time: lower-case separators", field.time(), "2024-01-02t03:04:05z", "could not parse string as date and time"],
  ["time: leap second", field.time(), "2024-01-02T03:04:60Z", "could not parse string as date and time"],
  ["time: date only", field.time(), "2024-01-02", "could not parse string as date and time"],
  ["time: fractional epoch", field.time(), 1.5, 'strconv.ParseInt: parsing "1.5": invalid syntax'],
  ["time: boolean", field.time(), true, "could not parse time from input type"],
  ["time: object", field.time(), {}, "could not parse time from input type"],
];

describe("field parse rejects what Vault rejects, with Vault's words", () => {
  it.each(rejected)("%s", (_name, schema, raw, message) => {
    expect(() => schema.parse(raw)).toThrow(FieldParseError);
    expect(() => schema.parse(raw)).toThrow(expect.objectContaining({ message }) as Error);
  });
});

describe("zero values are Vault's DefaultOrZero without a default", () => {
  it.each([
    ["string", field.string(), ""],
    ["lowercase string", field.lowercaseString(), ""],
    ["name string", field.nameString(), ""],
    ["int", field.int(), 0],
    ["int64", field.int64(), 0],
    ["bool", field.bool(), false],
    ["float", field.float(), 0],
    ["duration", field.durationSeconds(), 0],
    ["signed duration", field.signedDurationSeconds(), 0],
    ["slice", field.slice(), []],
    ["string slice", field.stringSlice(), []],
    ["comma string slice", field.commaStringSlice(), []],
    ["comma int slice", field.commaIntSlice(), []],
    ["map", field.map(), {}],
    ["kv pairs", field.kvPairs(), {}],
    ["header", field.header(), {}],
    ["time: Go's zero time", field.time(), new Date("0001-01-01T00:00:00Z")],
  ] as [string, FieldSchema, unknown][])("%s", (_name, schema, zero) => {
    expect(schema.zero()).toStrictEqual(zero);
  });

  it("hands out a fresh object each time", () => {
    const schema = field.stringSlice();
    expect(schema.zero()).not.toBe(schema.zero());
  });

  it("recognises the zero time", () => {
    expect(isZeroTime(field.time().zero())).toBe(true);
    expect(isZeroTime(new Date(0))).toBe(false);
  });
});

describe("declarations", () => {
  it.each([
    ["string", field.string(), "string", "string"],
    ["int", field.int(), "int", "int"],
    ["int64", field.int64(), "int64", "int64"],
    ["bool", field.bool(), "bool", "bool"],
    ["float", field.float(), "float", "float"],
    ["duration", field.durationSeconds(), "duration (sec)", "duration (sec)"],
    ["signed duration", field.signedDurationSeconds(), "signed duration (sec)", "duration (sec)"],
    ["slice", field.slice(), "slice", "slice"],
    ["string slice", field.stringSlice(), "string slice", "slice"],
    ["comma string slice", field.commaStringSlice(), "comma-separated string slice", "slice"],
    ["comma int slice", field.commaIntSlice(), "comma-separated int slice", "slice"],
    ["map", field.map(), "map", "map"],
    ["kv pairs", field.kvPairs(), "keypair", "keypair"],
    ["header", field.header(), "header", "header"],
    ["time", field.time(), "time", "time"],
    ["name string", field.nameString(), "name string", "name string"],
    ["lowercase string", field.lowercaseString(), "lowercase string", "lowercase string"],
  ] as [string, FieldSchema, string, string][])("%s: type %s, help name per FieldType.String()", (_name, schema, type, help) => {
    expect(schema.type).toBe(type);
    expect(helpTypeName(schema.type)).toBe(help);
  });

  it("fills the documentation members with Vault's defaults", () => {
    const schema = field.string();
    expect(schema).toMatchObject({ description: "", required: false, deprecated: false, query: false });
    expect(schema.default).toBeUndefined();
    expect(schema.allowedValues).toBeUndefined();
    expect(schema.displayAttrs).toBeUndefined();
  });

  it("keeps every option and freezes the declaration", () => {
    const schema = field.commaStringSlice({
      description: "Policies.",
      default: ["default"],
      required: true,
      allowedValues: ["default", "admin"],
      deprecated: true,
      query: true,
      displayAttrs: { name: "Token Policies", sensitive: true },
    });
    expect(schema).toMatchObject({
      description: "Policies.",
      default: ["default"],
      required: true,
      allowedValues: ["default", "admin"],
      deprecated: true,
      query: true,
      displayAttrs: { name: "Token Policies", sensitive: true },
    });
    expect(Object.isFrozen(schema)).toBe(true);
    expect(Object.isFrozen(schema.default)).toBe(true);
  });

  it.each([
    ["Go duration text", "1h", 3600],
    ["day suffix", "30d", 2_592_000],
    ["integer text", "300", 300],
    ["number of seconds", 3600, 3600],
    ["fractional number truncated", 90.9, 90],
  ] as [string, string | number, number][])("takes a duration default as %s", (_name, given, seconds) => {
    expect(field.durationSeconds({ default: given }).default).toBe(seconds);
  });

  it("rejects an unparsable duration default when declared (Vault would silently use 0)", () => {
    expect(() => field.durationSeconds({ default: "soon" })).toThrow('invalid duration default "soon": time: invalid duration "soon"');
  });

  it("treats null as absent only for durations and times, as getPrimitive does", () => {
    expect(nullIsAbsent(field.durationSeconds())).toBe(true);
    expect(nullIsAbsent(field.signedDurationSeconds())).toBe(true);
    expect(nullIsAbsent(field.time())).toBe(true);
    expect(nullIsAbsent(field.string())).toBe(false);
    expect(nullIsAbsent(field.kvPairs())).toBe(false);
  });
});
