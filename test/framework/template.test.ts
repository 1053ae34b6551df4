// Vault's string templates (sdk/helper/template): Go text/template syntax plus Vault's helpers.
// The table expectations were produced by running the same templates through Go's text/template
// with upstream's helper functions, the same clock (NOW) and the same byte stream
// (counterBytes), so they are Go's behaviour, not this implementation's.
import { describe, expect, it } from "vitest";
import { compileTemplate, GoStruct, TemplateError, type TemplateData, type TemplateFunc } from "../../src/framework/template/index.js";

const NOW = new Date(Date.UTC(2024, 2, 5, 7, 8, 9, 123));

/** A deterministic byte source: byte i of the stream is (37·i + 11) mod 256. */
function counterBytes(): (n: number) => Uint8Array {
  let i = 0;
  return (n) => Uint8Array.from({ length: n }, () => (i++ * 37 + 11) % 256);
}

const DATA = {
  name: "héllo wörld", n: 42, f: 2.5, ok: true, zero: 0, empty: "", none: null,
  list: ["a", "b", "c"], m: { k: "v", j: 2 }, nested: { x: { y: "deep" } },
};

function render(text: string, data: TemplateData = DATA, funcs: Record<string, TemplateFunc> = {}): string {
  return compileTemplate(text, { now: () => NOW, randomBytes: counterBytes(), funcs }).render(data);
}

/** The error message a failing compile or render throws (and that it is a TemplateError). */
function failure(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return (err as TemplateError).message;
  }
  throw new Error("expected a TemplateError");
}

const PIPELINES: readonly (readonly [string, string])[] = [
  ["plain text", "plain text"],
  ["{{.name}}", "héllo wörld"],
  ["{{.name | uppercase}}", "HÉLLO WÖRLD"],
  ["{{.name | uppercase | truncate 4}}", "HÉL"],
  ["{{\"put\" | printf \"%s%s\" \"out\" | printf \"%q\"}}", "\"output\""],
  ["{{printf \"%q\" (print \"out\" \"put\")}}", "\"output\""],
  ["{{`raw \\n string`}}", "raw \\n string"],
  ["{{\"esc\\t\\u00e9\\x41\"}}", "esc\téA"],
  ["{{'a'}} {{'\\n'}}", "97 10"],
  ["{{1_000}} {{0x1F}} {{0o17}} {{017}} {{0b101}} {{-3}}", "1000 31 15 15 5 -3"],
  ["{{1.5}} {{1e3}} {{.5}} {{1e6}} {{1234567.0}} {{0.0001}} {{0.00001}}", "1.5 1000 0.5 1e+06 1.234567e+06 0.0001 1e-05"],
  ["{{true}} {{false}}", "true false"],
  ["{{.nested.x.y}} {{(.nested).x.y}} {{$.nested.x.y}}", "deep deep deep"],
  ["{{.}}", "map[empty: f:2.5 list:[a b c] m:map[j:2 k:v] n:42 name:héllo wörld nested:map[x:map[y:deep]] none:<nil> ok:true zero:0]"],
  ["{{.list}} {{.m}} {{.none}}", "[a b c] map[j:2 k:v] <no value>"],
  ["{{ ( ( .n ) ) }}", "42"],
  ["{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3"],
  ["{{println .n .name}}", "42 héllo wörld\n"],
  ["{{.n | printf \"%d-%s\" 7}}", "7-%!s(int=42)"],
];

const TRIM_AND_COMMENTS: readonly (readonly [string, string])[] = [
  ["a  {{- .n -}}  b", "a42b"],
  ["{{23 -}} < {{- 45}}", "23<45"],
  ["x\n\t {{- .n}}", "x42"],
  ["{{.n -}}\n\n y", "42y"],
  ["{{-3}}", "-3"],
  ["{{/* comment */}}x", "x"],
  ["a {{- /* trimmed */ -}} b", "ab"],
  ["{{/* multi\nline */}}ok", "ok"],
  ["{{if .ok -}}\n  yes\n{{- end}}", "yes"],
];

const CONTROL_FLOW: readonly (readonly [string, string])[] = [
  ["{{if .ok}}T{{end}}", "T"],
  ["{{if .zero}}T{{else}}F{{end}}", "F"],
  ["{{if .empty}}a{{else if .none}}b{{else if .name}}c{{else}}d{{end}}", "c"],
  ["{{if and .ok (eq .n 42) (not .empty)}}all{{end}}", "all"],
  ["{{if or .zero .empty}}x{{else}}neither{{end}}", "neither"],
  ["{{with .name}}[{{.}}]{{end}}", "[héllo wörld]"],
  ["{{with .empty}}x{{else}}empty{{end}}", "empty"],
  ["{{with .missing}}x{{else with .n}}{{.}}{{end}}", "42"],
  ["{{range .list}}<{{.}}>{{end}}", "<a><b><c>"],
  ["{{range $i, $e := .list}}{{$i}}={{$e}} {{end}}", "0=a 1=b 2=c "],
  ["{{range $k, $v := .m}}{{$k}}:{{$v}} {{end}}", "j:2 k:v "],
  ["{{range .missing}}x{{else}}none{{end}}", "none"],
  ["{{range 3}}{{.}}{{end}}", "012"],
  ["{{range .list}}{{if eq . \"b\"}}{{continue}}{{end}}{{.}}{{end}}", "ac"],
  ["{{range .list}}{{if eq . \"b\"}}{{break}}{{end}}{{.}}{{end}}", "a"],
  ["{{range .list}}{{$.n}}{{end}}", "424242"],
  ["{{$x := .n}}{{$x}}", "42"],
  ["{{$x := 1}}{{range .list}}{{$x = .}}{{end}}{{$x}}", "c"],
  ["{{$x := \"outer\"}}{{if true}}{{$x := \"inner\"}}{{$x}}{{end}} {{$x}}", "inner outer"],
  ["{{with $v := .name}}{{$v | lowercase}}{{end}}", "héllo wörld"],
];

const COMPARISONS: readonly (readonly [string, string])[] = [
  ["{{eq 1 1}} {{eq 1 2}} {{eq .n 1 2 42}} {{eq .name \"héllo wörld\"}} {{eq .missing \"x\"}}", "true false true true false"],
  ["{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1.5 2.5}}", "true true true true false"],
  ["{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" 3}} {{or 0 \"\"}} {{not 0}} {{not .name}}", "0 2 3  true false"],
  ["{{len .name}} {{len .list}} {{len .m}}", "13 3 2"],
  ["{{truncate .n .name}} {{truncate 3.0 .name}}", "héllo wörld hé"],
  ["{{index .list 1}} {{index .m \"k\"}} {{index .m \"zz\"}} {{index .nested \"x\" \"y\"}}", "b v <no value> deep"],
  ["{{slice .list 1}} {{slice .list 1 2}} {{slice \"abcdef\" 1 3}}", "[b c] [b] bc"],
];

const ESCAPING: readonly (readonly [string, string])[] = [
  ["{{html \"<a href='x'>&\\\"\"}}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;"],
  ["{{js \"it's <b> & = \\\\\"}}", "it\\'s \\u003Cb\\u003E \\u0026 \\u003D \\\\"],
  ["{{urlquery \"a b&c=d/é~\"}}", "a+b%26c%3Dd%2F%C3%A9~"],
];

const PRINTF: readonly (readonly [string, string])[] = [
  ["{{printf \"%s|%v|%q\" .name .name .name}}", "héllo wörld|héllo wörld|\"héllo wörld\""],
  ["{{printf \"%d|%5d|%-5d|%05d|%+d|% d\" 42 42 42 42 42 42}}", "42|   42|42   |00042|+42| 42"],
  ["{{printf \"%x|%X|%#x|%o|%#o|%O|%b|%c|%U|%#U\" 255 255 255 8 8 8 5 65 65 233}}", "ff|FF|0xff|10|010|0o10|101|A|U+0041|U+00E9 'é'"],
  ["{{printf \"%x|%X|% x|%#x\" \"hi\" \"hi\" \"hi\" \"hi\"}}", "6869|6869|68 69|0x6869"],
  ["{{printf \"%f|%.2f|%8.3f|%-8.3f|%08.3f|%e|%E|%g|%G|%.3g\" 3.14159 3.14159 3.14159 3.14159 -3.14159 1234.5678 1234.5678 0.000012 1e21 3.14159}}", "3.141590|3.14|   3.142|3.142   |-003.142|1.234568e+03|1.234568E+03|1.2e-05|1E+21|3.14"],
  ["{{printf \"%.0f %.0f %.0f %.1f\" 0.5 1.5 2.5 0.25}}", "0 2 2 0.2"],
  ["{{printf \"%10s|%-10s|%.2s|%08s\" \"ab\" \"ab\" \"abc\" \"ab\"}}", "        ab|ab        |ab|000000ab"],
  ["{{printf \"%t|%v|%5t\" true false true}}", "true|false| true"],
  ["{{printf \"%v|%+v|%#v|%T\" .list .list .list .list}}", "[a b c]|[a b c]|[]interface {}{\"a\", \"b\", \"c\"}|[]interface {}"],
  ["{{printf \"%v|%#v|%T\" .m .m .m}}", "map[j:2 k:v]|map[string]interface {}{\"j\":2, \"k\":\"v\"}|map[string]interface {}"],
  ["{{printf \"%T %T %T %T %T\" 1 1.5 \"s\" true nil}}", "int float64 string bool <nil>"],
  ["{{printf \"%*d|%-*d|%.*f\" 5 42 5 42 2 3.14159}}", "   42|42   |3.14"],
  ["{{printf \"%d %s\" \"x\" 42}}", "%!d(string=x) %!s(int=42)"],
  ["{{printf \"%d\"}}", "%!d(MISSING)"],
  ["{{printf \"%d\" 1 2}}", "1%!(EXTRA int=2)"],
  ["{{printf \"100%%\"}}", "100%"],
  ["{{printf \"%!\"}}", "%!!(MISSING)"],
  ["{{printf \"%\"}}", "%!(NOVERB)"],
  ["{{printf \"%s %v\" .missing .none}}", "%!s(<nil>) <nil>"],
  ["{{printf \"%q %+q %#q\" \"é`\" \"é\" \"raw\"}}", "\"é`\" \"\\u00e9\" `raw`"],
  ["{{printf \"%05d\" -42}}", "-0042"],
];

const TIMESTAMPS: readonly (readonly [string, string])[] = [
  ["{{timestamp \"2006-01-02T15:04:05Z07:00\"}}", "2024-03-05T07:08:09Z"],
  ["{{timestamp \"2006-01-02T15:04:05.000Z\"}}", "2024-03-05T07:08:09.123Z"],
  ["{{timestamp \"2006-01-02T15:04:05.999999999Z07:00\"}}", "2024-03-05T07:08:09.123Z"],
  ["{{timestamp \"Mon Jan _2 15:04:05 MST 2006\"}}", "Tue Mar  5 07:08:09 UTC 2024"],
  ["{{timestamp \"Monday, 02-Jan-06 15:04:05 MST\"}}", "Tuesday, 05-Mar-24 07:08:09 UTC"],
  ["{{timestamp \"3:04PM 03 pm\"}}", "7:08AM 07 am"],
  ["{{timestamp \"20060102150405\"}}", "20240305070809"],
  ["{{timestamp \"2006-01-02 15:04:05.000000 -0700 -07:00 -07\"}}", "2024-03-05 07:08:09.123000 +0000 +00:00 +00"],
  ["{{timestamp \"Z07 Z0700 Z07:00:00 -070000\"}}", "Z Z Z +000000"],
  ["{{timestamp \"002 __2 1 2 January Janet\"}}", "065  65 3 5 March Janet"],
  ["{{timestamp \"05,000 .9 .0a\"}}", "09,123 .1 .1a"],
];

const SYNTAX_ERRORS: readonly (readonly [string, string])[] = [
  ["{{.String", "unable to parse template: template: template:1: unclosed action"],
  ["{{", "unable to parse template: template: template:1: unclosed action"],
  ["{{end}}", "unable to parse template: template: template:1: unexpected {{end}}"],
  ["{{else}}", "unable to parse template: template: template:1: unexpected {{else}}"],
  ["{{if .x}}", "unable to parse template: template: template:1: unexpected EOF"],
  ["{{if .x}}a{{else}}b{{else}}c{{end}}", "unable to parse template: template: template:1: expected end; found {{else}}"],
  ["{{}}", "unable to parse template: template: template:1: missing value for command"],
  ["{{nosuch}}", "unable to parse template: template: template:1: function \"nosuch\" not defined"],
  ["{{$x}}", "unable to parse template: template: template:1: undefined variable \"$x\""],
  ["{{(.a}}", "unable to parse template: template: template:1: unclosed left paren"],
  ["{{.a)}}", "unable to parse template: template: template:1: unexpected right paren"],
  ["{{\"unterminated}}", "unable to parse template: template: template:1: unterminated quoted string"],
  ["{{'ab'}}", "unable to parse template: template: template:1: malformed character constant: 'ab'"],
  ["{{3x}}", "unable to parse template: template: template:1: bad number syntax: \"3x\""],
  ["{{08}}", "unable to parse template: template: template:1: integer overflow: \"08\""],
  ["{{99999999999999999999}}", "unable to parse template: template: template:1: integer overflow: \"99999999999999999999\""],
  ["{{.a#}}", "unable to parse template: template: template:1: bad character U+0023 '#'"],
  ["{{/* unclosed", "unable to parse template: template: template:1: unclosed comment"],
  ["{{/* c */ x}}", "unable to parse template: template: template:1: comment ends before closing delimiter"],
  ["{{break}}", "unable to parse template: template: template:1: {{break}} outside {{range}}"],
  ["{{.a | 3}}", "unable to parse template: template: template:1: non executable command in pipeline stage 2"],
  ["{{\"x\".y}}", "unable to parse template: template: template:1: unexpected . after term \"\\\"x\\\"\""],
  ["{{\"\\q\"}}", "unable to parse template: template: template:1: invalid syntax"],
  ["{{if .x}}\n\n{{.y", "unable to parse template: template: template:3: unclosed action"],
  ["{{range $i, $e, $f := .x}}{{end}}", "unable to parse template: template: template:1: too many declarations in range"],
  ["{{printf}}{{", "unable to parse template: template: template:1: unclosed action"],
  ["{{truncate 1 \"a\" 2}}x{{", "unable to parse template: template: template:1: unclosed action"],
];

const EXEC_ERRORS: readonly (readonly [string, string])[] = [
  ["{{truncate 0 \"x\"}}", "unable to apply template: template: template:1:2: executing \"template\" at <truncate 0 \"x\">: error calling truncate: max length must be > 0 but was 0"],
  ["{{.name | truncate_sha256 8}}", "unable to apply template: template: template:1:10: executing \"template\" at <truncate_sha256 8>: error calling truncate_sha256: max length must be > 8 but was 8"],
  ["{{truncate \"3\" .name}}", "unable to apply template: template: template:1:11: executing \"template\" at <\"3\">: expected integer; found \"3\""],
  ["{{truncate 3.5 .name}}", "unable to apply template: template: template:1:11: executing \"template\" at <3.5>: expected integer; found 3.5"],
  ["{{.n | truncate 2}}", "unable to apply template: template: template:1:16: executing \"template\" at <2>: wrong type for value; expected string; got int"],
  ["{{.missing | truncate 2}}", "unable to apply template: template: template:1:22: executing \"template\" at <2>: invalid value; expected string"],
  ["{{truncate 2 .none}}", "unable to apply template: template: template:1:13: executing \"template\" at <.none>: wrong type for value; expected string; got interface {}"],
  ["{{.name.x}}", "unable to apply template: template: template:1:7: executing \"template\" at <.name.x>: can't evaluate field x in type interface {}"],
  ["{{.none.x}}", "unable to apply template: template: template:1:7: executing \"template\" at <.none.x>: nil pointer evaluating interface {}.x"],
  ["{{len 3}}", "unable to apply template: template: template:1:2: executing \"template\" at <len 3>: error calling len: len of type int"],
  ["{{index .list 5}}", "unable to apply template: template: template:1:2: executing \"template\" at <index .list 5>: error calling index: index out of range: 5"],
  ["{{index .m 1}}", "unable to apply template: template: template:1:2: executing \"template\" at <index .m 1>: error calling index: value has type int; should be string"],
  ["{{eq 1 \"a\"}}", "unable to apply template: template: template:1:2: executing \"template\" at <eq 1 \"a\">: error calling eq: incompatible types for comparison: int and string"],
  ["{{lt true false}}", "unable to apply template: template: template:1:2: executing \"template\" at <lt true false>: error calling lt: invalid type for comparison"],
  ["{{range .name}}x{{end}}", "unable to apply template: template: template:1:8: executing \"template\" at <.name>: range can't iterate over héllo wörld"],
  ["{{nil}}", "unable to apply template: template: template:1:2: executing \"template\" at <nil>: nil is not a command"],
  ["{{. 1}}", "unable to apply template: template: template:1:2: executing \"template\" at <.>: can't give argument to non-function ."],
  ["{{.name 1}}", "unable to apply template: template: template:1:2: executing \"template\" at <.name>: name is not a method but has arguments"],
  ["{{decode_base64 \"abc\"}}", "unable to apply template: template: template:1:2: executing \"template\" at <decode_base64 \"abc\">: error calling decode_base64: illegal base64 data at input byte 0"],
  ["{{decode_hex \"zz\"}}", "unable to apply template: template: template:1:2: executing \"template\" at <decode_hex \"zz\">: error calling decode_hex: encoding/hex: invalid byte: U+007A 'z'"],
  ["{{random -1}}", "unable to apply template: template: template:1:2: executing \"template\" at <random -1>: error calling random: runtime error: makeslice: cap out of range"],
  ["{{9223372036854775808}}", "unable to apply template: template: template:1:2: executing \"template\" at <9223372036854775808>: 9223372036854775808 overflows int"],
  ["line1\né {{ uppercase 1 }}", "unable to apply template: template: template:2:16: executing \"template\" at <1>: expected string; found 1"],
];

describe("upstream template_test.go", () => {
  it.each([
    ["template without arguments", "this is a template", null, "this is a template"],
    ["template with arguments but no data", "this is a {{.String}}", null, "this is a <no value>"],
    ["template with arguments", "this is a {{.String}}", { String: "foobar" }, "this is a foobar"],
  ] as const)("%s", (_name, text, data, expected) => {
    expect(compileTemplate(text).render(data)).toBe(expected);
  });

  it("template with builtin functions", () => {
    const text = [
      "{{.String | truncate 10}}", "{{.String | uppercase}}", "{{.String | lowercase}}", '{{.String | replace " " "."}}',
      "{{.String | sha256}}", "{{.String | base64}}", "{{.String | truncate_sha256 20}}",
    ].join("\n");
    expect(compileTemplate(text).render({ String: "Some string with Multiple Capitals LETTERS" })).toBe(
      [
        "Some strin",
        "SOME STRING WITH MULTIPLE CAPITALS LETTERS",
        "some string with multiple capitals letters",
        "Some.string.with.Multiple.Capitals.LETTERS",
        "da9872dd96609c72897defa11fe81017a62c3f44339d9d3b43fe37540ede3601",
        "U29tZSBzdHJpbmcgd2l0aCBNdWx0aXBsZSBDYXBpdGFscyBMRVRURVJT",
        "Some string 6841cf80",
      ].join("\n"),
    );
  });

  it("custom function, and custom functions override helpers like upstream's Function option", () => {
    const foo: TemplateFunc = { params: [], call: () => "custom-foo" };
    expect(render("{{foo}}", null, { foo })).toBe("custom-foo");
    expect(render("{{uppercase \"x\"}}", null, { uppercase: { params: ["string"], call: () => "overridden" } })).toBe("overridden");
  });

  it("erroring custom function", () => {
    const foo: TemplateFunc = { params: [], call: () => { throw new Error("an error!"); } };
    expect(failure(() => render("{{foo}}", null, { foo }))).toBe(
      'unable to apply template: template: template:1:2: executing "template" at <foo>: error calling foo: an error!',
    );
  });

  it("random: 1..99 characters from [a-zA-Z0-9] with the system's randomness", () => {
    for (let i = 1; i < 100; i++) expect(compileTemplate(`{{random ${i}}}`).render(null)).toMatch(new RegExp(`^[a-zA-Z0-9]{${i}}$`));
  });

  it("unix_time, unix_time_millis and timestamp with the system clock", () => {
    const before = Date.now();
    const [seconds = "", millis = "", stamp = ""] = compileTemplate('{{unix_time}} {{unix_time_millis}} {{timestamp "2006-01-02T15:04:05.000Z"}}').render(null).split(" ");
    expect(Number(seconds)).toBeGreaterThanOrEqual(Math.floor(before / 1000));
    expect(Number(millis)).toBeGreaterThanOrEqual(before);
    expect(stamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it("too-large-overflow: a million open parentheses fail cleanly", () => {
    // Our text limit (8 KiB) would refuse it first; raised, the parser's own depth limit answers.
    expect(failure(() => compileTemplate(`{{${"(".repeat(1_000_000)}`, { limits: { maxSourceBytes: 2_000_000 } }))).toBe(
      "unable to parse template: template: template:1: max expression depth exceeded",
    );
  });

  it.each([
    ["missing template", () => compileTemplate(""), "missing template"],
    ["missing custom function name", () => compileTemplate("foo bar", { funcs: { "": { params: [], call: () => "" } } }), "missing function name"],
    ["bad template", () => compileTemplate("{{.String"), "unable to parse template: template: template:1: unclosed action"],
  ])("bad constructor arguments: %s", (_name, run, message) => {
    expect(failure(run)).toBe(message);
  });
});

describe("upstream funcs_test.go", () => {
  it.each([
    [-1, "", "max length must be > 0 but was -1"], [0, "", "max length must be > 0 but was 0"], [1, "f", ""], [5, "fooba", ""],
    [8, "foobarba", ""], [9, "foobarbaz", ""], [10, "foobarbaz", ""], [100, "foobarbaz", ""],
  ])("truncate %i", (max, expected, error) => {
    const run = (): string => render(`{{truncate ${max} "foobarbaz"}}`);
    if (error === "") expect(run()).toBe(expected);
    else expect(failure(run)).toContain(`error calling truncate: ${error}`);
  });

  it.each([
    [-1, "", "max length must be > 8 but was -1"], [0, "", "max length must be > 8 but was 0"], [8, "", "max length must be > 8 but was 8"],
    [9, "t4bb25641", ""], [12, "this704cd12b", ""], [22, "thisisareallyl7f978be6", ""], [23, "thisisareallylongstring", ""],
    [24, "thisisareallylongstring", ""], [100, "thisisareallylongstring", ""],
  ])("truncate_sha256 %i", (max, expected, error) => {
    const run = (): string => render(`{{truncate_sha256 ${max} "thisisareallylongstring"}}`);
    if (error === "") expect(run()).toBe(expected);
    else expect(failure(run)).toContain(`error calling truncate_sha256: ${error}`);
  });

  const lorem =
    "Nullam pharetra mattis laoreet. Mauris feugiat, tortor in malesuada convallis, eros nunc dapibus erat, eget malesuada purus leo id lorem. " +
    "Morbi pharetra, libero at malesuada bibendum, dui quam tristique libero, bibendum cursus diam quam at sem. Vivamus vestibulum orci vel odio posuere, " +
    "quis tincidunt ipsum lacinia. Donec elementum a orci quis lobortis. Etiam bibendum ullamcorper varius. Mauris tempor eros est, at porta erat rutrum ac. " +
    "Aliquam erat volutpat. Sed sagittis leo non bibendum lacinia. Praesent id justo iaculis, mattis libero vel, feugiat dui. Morbi id diam non magna imperdiet " +
    "imperdiet. Ut tortor arcu, mollis ac maximus ac, sagittis commodo augue. Ut semper, diam pulvinar porta dignissim, massa ex condimentum enim, sed euismod " +
    "urna quam vitae ex. Sed id neque vitae magna sagittis pretium. Suspendisse potenti.";
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["foobar", "c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2"],
    ["mystring", "bd3ff47540b31e62d4ca6b07794e5a886b0f655fc322730f26ecd65cc7dd5c90"],
    [lorem, "3e2a996c20b7a02378204f0843507d335e1ba203df2c4ded8d839d44af24482f"],
  ])("sha256 %#", (input, expected) => {
    expect(render("{{.s | sha256}}", { s: input })).toBe(expected);
  });

  it.each([["", "", ""], ["foobar", "FOOBAR", "foobar"], ["FOOBAR", "FOOBAR", "foobar"], ["fOoBaR", "FOOBAR", "foobar"], ["straße", "STRAßE", "straße"]])(
    "uppercase/lowercase %j",
    (input, upper, lower) => {
      expect(render("{{.s | uppercase}}|{{.s | lowercase}}", { s: input })).toBe(`${upper}|${lower}`);
    },
  );

  it.each([
    ["", "", "", ""], ["foobar", ".", "_", "foobar"], ["foo.bar", ".", "_", "foo_bar"], ["foo.bar.baz", ".", "_", "foo_bar_baz"],
    ["foo.bar", ".", "", "foobar"], ["foobarbaz", "bar", "_", "foo_baz"], ["abc", "", "-", "-a-b-c-"],
  ])("replace in %j: %j → %j", (input, find, replacement, expected) => {
    expect(render("{{.s | replace .find .repl}}", { s: input, find, repl: replacement })).toBe(expected);
  });

  it("uuid: 16 random bytes in 8-4-4-4-12 hex, without version bits (hashicorp/go-uuid)", () => {
    for (let i = 0; i < 100; i++) expect(compileTemplate("{{uuid}}").render(null)).toMatch(/^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/);
    expect(render("{{uuid}}")).toBe("0b30557a-9fc4-e90e-3358-7da2c7ec1136");
  });

  it("unix_time and unix_time_millis read the injected clock", () => {
    expect(render("{{unix_time}} {{unix_time_millis}}")).toBe("1709622489 1709622489123");
  });

  it("random follows go-secure-stdlib base62: batches of n+n/4 bytes, bytes ≥ 248 rejected, the rest of a batch dropped", () => {
    expect(render("{{random 20}}")).toBe("LwX8jKvOzaBmNyR2dEpQ");
    expect(render("{{random 5}}{{random 5}}")).toBe("LwX8jvOzaB");
    expect(render("{{random 0}}")).toBe("");
    expect(render("{{random 3}}", null)).toHaveLength(3);
  });
});

describe("OpenBao's additional helpers", () => {
  it("decode_base64, hex, decode_hex and glob", () => {
    expect(render('{{decode_base64 "aGk="}} {{hex "hi"}} {{decode_hex "6869"}} {{glob "release/*" "release/1.2"}} {{glob "*-prod" "db-dev"}} {{glob "a*c" "abc"}}')).toBe(
      "hi 6869 hi true false true",
    );
    expect(render('{{ if glob "release/*" .branch }}is_release_branch: true{{ end }}', { branch: "release/1.2" })).toBe("is_release_branch: true");
  });
});

describe("Go text/template semantics (expectations from Go)", () => {
  const groups = { PIPELINES, TRIM_AND_COMMENTS, CONTROL_FLOW, COMPARISONS, ESCAPING, PRINTF, TIMESTAMPS };
  for (const [group, table] of Object.entries(groups)) {
    it.each(table)(`${group}: %j`, (text, expected) => {
      expect(render(text)).toBe(expected);
    });
  }
});

describe("missing fields and struct data", () => {
  const metadata = (): GoStruct => new GoStruct("aws.UsernameMetadata", { Type: "IAM", DisplayName: "d", PolicyName: "p" });

  it("a missing map key renders as <no value>, a nil one too; printf sees both as nil", () => {
    expect(render("{{.missing}} {{.none}} {{.missing.deeper}} {{printf \"%v\" .missing}}")).toBe("<no value> <no value> <no value> <nil>");
  });

  it("missingKey: error turns a missing map key into an execution error, as Go's missingkey=error", () => {
    const t = compileTemplate("{{.missing}}", { missingKey: "error" });
    expect(failure(() => t.render({}))).toBe(
      'unable to apply template: template: template:1:2: executing "template" at <.missing>: map has no entry for key "missing"',
    );
    expect(failure(() => compileTemplate("{{.a.b}}", { missingKey: "error" }).render(null))).toContain('nil data; no entry for key "a"');
  });

  it("a struct has exactly its fields: anything else is an error naming the struct type", () => {
    expect(compileTemplate("{{.Type}}/{{.DisplayName}}/{{.PolicyName}}").render(metadata())).toBe("IAM/d/p");
    expect(failure(() => compileTemplate("{{.Foo}}").render(metadata()))).toBe(
      'unable to apply template: template: template:1:2: executing "template" at <.Foo>: can\'t evaluate field Foo in type aws.UsernameMetadata',
    );
    expect(render('{{.}} {{printf "%+v" .}} {{if .}}true{{end}}', metadata())).toBe("{IAM d p} {Type:IAM DisplayName:d PolicyName:p} true");
  });

  it("host data: safe integers are Go ints, other numbers float64, unsupported values are refused", () => {
    expect(render('{{printf "%T %T %T %T" .a .b .c .d}}', { a: 1, b: 1.5, c: 2 ** 60, d: 7n })).toBe("int float64 float64 int");
    expect(failure(() => render("{{.}}", { when: new Date(0) }))).toBe("unable to apply template: template data cannot hold a value of type Date");
  });

  it("a compiled template renders many times, each run with fresh randomness", () => {
    const t = compileTemplate("{{random 16}}");
    expect(t.render(null)).not.toBe(t.render(null));
    expect(t.source).toBe("{{random 16}}");
  });
});

describe("errors carry Go's texts", () => {
  it.each(SYNTAX_ERRORS)("syntax: %j", (text, message) => {
    expect(failure(() => compileTemplate(text))).toBe(message);
  });

  it.each(EXEC_ERRORS)("execution: %j", (text, message) => {
    expect(failure(() => render(text))).toBe(message);
  });

  it.each([
    ['{{define "x"}}{{end}}', "unable to parse template: template: template:1: {{define}} actions are not supported"],
    ['{{template "x"}}', "unable to parse template: template: template:1: {{template}} actions are not supported"],
    ['{{block "x" .}}{{end}}', "unable to parse template: template: template:1: {{block}} actions are not supported"],
    ["{{1i}}", 'unable to parse template: template: template:1: complex constants are not supported: "1i"'],
  ])("deliberately unsupported: %j", (text, message) => {
    expect(failure(() => compileTemplate(text))).toBe(message);
  });
});
