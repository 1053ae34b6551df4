// FieldData semantics from hashicorp/vault sdk/framework/field_data.go: Get/GetOk/GetFirst,
// Validate's message, what null means per type, and what is deliberately not enforced.
import { describe, expect, it, vi } from "vitest";
import { createFieldData, describeParseError, unknownFields, validateFields } from "../../src/framework/field-data.js";
import { field } from "../../src/framework/field-types.js";
import { FieldParseError, type FieldSchema, type FieldSchemas } from "../../src/framework/types.js";

const schemas = {
  name: field.nameString({ description: "Role name." }),
  ttl: field.durationSeconds({ default: "1h" }),
  token_ttl: field.durationSeconds(),
  policies: field.commaStringSlice({ default: ["default"] }),
  token_policies: field.commaStringSlice(),
  enabled: field.bool({ default: true }),
  note: field.string({ default: "none" }),
  expires: field.time(),
  kind: field.string({ allowedValues: ["a", "b"], required: true }),
} satisfies FieldSchemas;

describe("get and getOk", () => {
  it.each([
    ["sent value is parsed", { ttl: "2h" }, "ttl", 7200, true],
    ["absent value gives the default", {}, "ttl", 3600, false],
    ["absent value without default gives the zero value", {}, "token_ttl", 0, false],
    ["null duration counts as not sent", { ttl: null }, "ttl", 3600, false],
    ["null time counts as not sent", { expires: null }, "expires", new Date("0001-01-01T00:00:00Z"), false],
    ["null string is sent and empty, default ignored", { note: null }, "note", "", true],
    ["null bool is sent and false, default ignored", { enabled: null }, "enabled", false, true],
    ["empty string is sent, default ignored", { note: "" }, "note", "", true],
    ["comma list from a string", { policies: "a, b" }, "policies", ["a", "b"], true],
    ["list default when absent", {}, "policies", ["default"], false],
    ["undefined in raw counts as absent", { ttl: undefined }, "ttl", 3600, false],
  ] as [string, Record<string, unknown>, keyof typeof schemas, unknown, boolean][])("%s", (_name, raw, key, value, ok) => {
    const data = createFieldData(schemas, raw);
    expect(data.getOk(key)).toStrictEqual({ value, ok });
    expect(data.get(key)).toStrictEqual(value);
  });

  it("exposes the raw data it was built from", () => {
    const raw = { name: "r1", extra: 1 };
    expect(createFieldData(schemas, raw).raw).toBe(raw);
  });

  it("parses each field once and caches the result", () => {
    const parse = vi.fn((raw: unknown) => String(raw));
    const counted: FieldSchema<string> = { ...field.string(), parse };
    const data = createFieldData({ counted }, { counted: "x" });
    data.get("counted");
    data.getOk("counted");
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it("hands out copies of object defaults, so a handler cannot change the declaration", () => {
    const first = createFieldData(schemas, {}).get("policies");
    first.push("mutated");
    expect(createFieldData(schemas, {}).get("policies")).toStrictEqual(["default"]);
  });

  it("throws for a field the path does not declare, as Vault panics", () => {
    const data = createFieldData(schemas, {});
    // @ts-expect-error -- the declaration rules this out at compile time; this checks the runtime guard.
    expect(() => data.get("nope")).toThrow("field nope not in the schema");
    // @ts-expect-error -- inherited Object members are not fields either.
    expect(() => data.get("toString")).toThrow("field toString not in the schema");
  });

  it("throws `error reading` for a value that does not parse (the pipeline validates first)", () => {
    const data = createFieldData(schemas, { ttl: "-5" });
    expect(() => data.get("ttl")).toThrow("error reading ttl: cannot provide negative value '-5'");
  });
});

describe("getFirst for deprecated aliases", () => {
  it.each([
    ["current name wins", { token_ttl: "10m", ttl: "20m" }, 600, true],
    ["falls back to the alias", { ttl: "20m" }, 1200, true],
    ["neither sent: not ok, first name's default/zero", {}, 0, false],
    ["a null duration is skipped like an absent one", { token_ttl: null, ttl: "5m" }, 300, true],
  ] as [string, Record<string, unknown>, number, boolean][])("%s", (_name, raw, value, ok) => {
    expect(createFieldData(schemas, raw).getFirst("token_ttl", "ttl")).toStrictEqual({ value, ok });
  });

  it("takes the first sent list", () => {
    const data = createFieldData(schemas, { policies: "old" });
    expect(data.getFirst("token_policies", "policies")).toStrictEqual({ value: ["old"], ok: true });
  });
});

describe("validateFields is Vault's FieldData.Validate", () => {
  it.each([
    ["negative duration", { ttl: "-5" }, "ttl", `error converting input for field "ttl": cannot provide negative value '-5'`],
    ["bad bool", { enabled: "yes" }, "enabled", `error converting input for field "enabled": cannot parse '' as bool: strconv.ParseBool: parsing "yes": invalid syntax`],
    ["bad name", { name: "-x" }, "name", `error converting input for field "name": field does not match the formatting rules`],
    ["bad time", { expires: "tomorrow" }, "expires", `error converting input for field "expires": could not parse string as date and time`],
    ["bad list element", { policies: [{}] }, "policies",
      `error converting input for field "policies": 1 error(s) decoding:\n\n* '[0]' expected type 'string', got unconvertible type 'map[string]interface {}', value: 'map[]'`],
  ] as [string, Record<string, unknown>, string, string][])("reports %s", (_name, raw, fieldName, message) => {
    expect(validateFields(schemas, raw)).toStrictEqual({ ok: false, field: fieldName, message });
  });

  it.each([
    ["everything valid", { name: "r1", ttl: 90, enabled: "t", policies: ["a"], expires: 1700000000 }],
    ["unknown keys are not its concern", { bogus: [1, 2], other: {} }],
    ["null durations and times are not set", { ttl: null, expires: null }],
    ["required is documentation only (Vault's Required is for OpenAPI)", {}],
    ["allowed values are not enforced (Vault's AllowedValues is for OpenAPI)", { kind: "zzz" }],
  ] as [string, Record<string, unknown>][])("accepts: %s", (_name, raw) => {
    expect(validateFields(schemas, raw)).toStrictEqual({ ok: true });
  });

  it("names the first bad field in the order of the raw data", () => {
    expect(validateFields(schemas, { enabled: "no way", ttl: "-1" })).toMatchObject({ field: "enabled" });
  });

  it("words a parse error like Validate", () => {
    expect(describeParseError("ttl", new FieldParseError("boom"))).toBe('error converting input for field "ttl": boom');
  });

  it("lets non-parse errors escape", () => {
    const broken: FieldSchema<string> = {
      ...field.string(),
      parse: () => {
        throw new TypeError("bug");
      },
    };
    expect(() => validateFields({ broken }, { broken: "x" })).toThrow(TypeError);
  });
});

describe("unknownFields lists what the endpoint will ignore", () => {
  it.each([
    ["none", { name: "a", ttl: 1 }, []],
    ["sorted like Go's sort.Strings (byte order)", { zeta: 1, Alpha: 2, beta: 3, name: "x" }, ["Alpha", "beta", "zeta"]],
    ["inherited Object members are unknown too", { constructor: 1 }, ["constructor"]],
  ] as [string, Record<string, unknown>, string[]][])("%s", (_name, raw, unknown) => {
    expect(unknownFields(schemas, raw)).toStrictEqual(unknown);
  });
});
