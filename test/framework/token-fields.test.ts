import { describe, expect, it } from "vitest";
import { createFieldData } from "../../src/framework/field-data.js";
import { field } from "../../src/framework/field-types.js";
import {
  deprecationText,
  emptyLegacyTokenParams,
  emptyTokenParams,
  legacyTokenFields,
  parseTokenFields,
  tokenFields,
  tokenParamsFromStorage,
  tokenParamsResponseData,
  tokenParamsToStorage,
  upgradeStoredTokenParams,
  withTokenFields,
  type LegacyTokenParams,
  type ParseTokenFieldsResult,
  type TokenParams,
} from "../../src/framework/token-fields.js";

const S = 1_000_000_000n;
const H = 3600n * S;
const raw = (data: Record<string, unknown>) => ({ raw: data });
const ok = (result: ParseTokenFieldsResult): { params: TokenParams; legacy: LegacyTokenParams } => {
  if (!result.ok) throw new Error(`unexpected failure: ${result.error}`);
  return result;
};
// A path that declares every token field and every deprecated alias.
const allDeclared = { ...tokenFields(), ...legacyTokenFields() };

describe("token field declarations", () => {
  it("declares upstream's nine token fields with their types and texts", () => {
    const fields = tokenFields();
    expect(Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, f.type]))).toEqual({
      token_bound_cidrs: "comma-separated string slice",
      token_explicit_max_ttl: "duration (sec)",
      token_max_ttl: "duration (sec)",
      token_no_default_policy: "bool",
      token_period: "duration (sec)",
      token_policies: "comma-separated string slice",
      token_type: "string",
      token_ttl: "duration (sec)",
      token_num_uses: "int",
    });
    expect(fields.token_type.default).toBe("default-service");
    expect(fields.token_policies.description).toBe("Comma-separated list of policies");
    expect(fields.token_ttl.displayAttrs).toEqual({ name: "Generated Token's Initial TTL", group: "Tokens" });
    expect(fields.token_period.description).toContain("renewal period will be fixed to this value.");
  });

  it("declares the deprecated aliases with upstream's deprecation text", () => {
    expect(deprecationText("token_ttl")).toBe('Use "token_ttl" instead. If this and "token_ttl" are both specified, only "token_ttl" will be used.');
    const legacy = legacyTokenFields();
    expect(Object.keys(legacy)).toEqual(["policies", "num_uses", "ttl", "max_ttl", "period", "bound_cidrs"]);
    expect(Object.values(legacy).every((f) => f.deprecated)).toBe(true);
    expect(legacy.max_ttl.description).toBe(deprecationText("token_max_ttl"));
  });

  it("merges into a path's fields, optionally restricted, and refuses to overwrite", () => {
    const merged = withTokenFields({ name: field.string() });
    expect(Object.keys(merged)).toHaveLength(10);
    const some = withTokenFields({ name: field.string() }, ["token_ttl", "token_policies"]);
    expect(Object.keys(some).sort()).toEqual(["name", "token_policies", "token_ttl"]);
    expect(() => withTokenFields({ token_ttl: field.int() })).toThrow("adding role field token_ttl would overwrite existing field");
  });
});

describe("parseTokenFields", () => {
  it("reads every token field", () => {
    const { params } = ok(
      parseTokenFields(
        raw({
          token_bound_cidrs: "10.0.0.0/8, 192.0.2.1/32",
          token_explicit_max_ttl: 7200,
          token_max_ttl: "3600",
          token_no_default_policy: "true",
          token_period: 0,
          token_policies: ["dev", "ops"],
          token_type: "service",
          token_ttl: 60,
          token_num_uses: 5,
        }),
      ),
    );
    expect(params).toEqual({
      tokenBoundCidrs: ["10.0.0.0/8", "192.0.2.1"],
      tokenExplicitMaxTtl: 2n * H,
      tokenMaxTtl: H,
      tokenNoDefaultPolicy: true,
      tokenNumUses: 5,
      tokenPeriod: 0n,
      tokenPolicies: ["dev", "ops"],
      tokenType: "service",
      tokenTtl: 60n * S,
    });
  });

  it("takes Go duration text through the field coercion", () => {
    expect(ok(parseTokenFields(raw({ token_ttl: "1h30m", token_max_ttl: "2d" }))).params).toMatchObject({ tokenTtl: 90n * 60n * S, tokenMaxTtl: 48n * H });
  });

  it("works on the FieldData the pipeline builds", () => {
    const data = createFieldData(withTokenFields({ name: field.string() }), { name: "r", token_ttl: 30 });
    expect(ok(parseTokenFields(data)).params.tokenTtl).toBe(30n * S);
  });

  it("keeps existing settings the request does not mention, without mutating them", () => {
    const existing: TokenParams = { ...emptyTokenParams(), tokenTtl: H, tokenPolicies: ["a"] };
    const { params } = ok(parseTokenFields(raw({ token_max_ttl: 7200 }), { existing }));
    expect(params).toMatchObject({ tokenTtl: H, tokenMaxTtl: 2n * H, tokenPolicies: ["a"] });
    expect(existing.tokenMaxTtl).toBe(0n);
  });

  it.each([
    ["", "default"],
    ["default", "default"],
    ["service", "service"],
    ["batch", "batch"],
  ] as const)("accepts token_type %j as %s", (input, expected) => {
    expect(ok(parseTokenFields(raw({ token_type: input }))).params.tokenType).toBe(expected);
  });

  it.each([
    [{ token_type: "default-service" }, `invalid 'token_type' value "default-service"`],
    [{ token_type: "Batch" }, `invalid 'token_type' value "Batch"`],
    [{ token_num_uses: -1 }, "'token_num_uses' cannot be negative"],
    [{ token_type: "batch", token_period: 60 }, "'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens"],
    [{ token_type: "batch", token_num_uses: 2 }, "'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count"],
    [{ token_ttl: 7200, token_max_ttl: 3600 }, "'token_ttl' cannot be greater than 'token_max_ttl'"],
    [{ token_bound_cidrs: "10.0.0.0/8,nonsense" }, 'error parsing address "nonsense": Unable to convert "nonsense" to an IPv4 or IPv6 address, or a UNIX Socket'],
  ])("rejects %j: %s", (input, error) => {
    expect(parseTokenFields(raw(input))).toEqual({ ok: false, error });
  });

  it("checks batch rules and ttl/max against the merged settings", () => {
    const existing: TokenParams = { ...emptyTokenParams(), tokenPeriod: 60n * S };
    expect(parseTokenFields(raw({ token_type: "batch" }), { existing })).toMatchObject({ ok: false });
    const capped: TokenParams = { ...emptyTokenParams(), tokenMaxTtl: 60n * S };
    expect(parseTokenFields(raw({ token_ttl: 120 }), { existing: capped })).toEqual({
      ok: false,
      error: "'token_ttl' cannot be greater than 'token_max_ttl'",
    });
    expect(ok(parseTokenFields(raw({ token_ttl: 120, token_max_ttl: 0 }), { existing: capped })).params.tokenTtl).toBe(120n * S);
  });

  it("treats null as not sent", () => {
    expect(ok(parseTokenFields(raw({ token_ttl: null }), { existing: { ...emptyTokenParams(), tokenTtl: H } })).params.tokenTtl).toBe(H);
  });

  it("reads only what the path declares", () => {
    const declared = withTokenFields({}, ["token_ttl"]);
    const { params, legacy } = ok(parseTokenFields(raw({ token_ttl: 10, token_max_ttl: 20, ttl: 30 }), { declared }));
    expect(params.tokenTtl).toBe(10n * S);
    expect(params.tokenMaxTtl).toBe(0n);
    expect(legacy).toEqual(emptyLegacyTokenParams());
  });
});

describe("deprecated alias precedence", () => {
  const declared = allDeclared;
  const existingLegacy: LegacyTokenParams = { ...emptyLegacyTokenParams(), ttl: 5n * S, policies: ["old"] };

  it("uses an old name sent alone for both", () => {
    const { params, legacy } = ok(parseTokenFields(raw({ ttl: 60, max_ttl: 120, period: 30, num_uses: 2, policies: "B,a,a", bound_cidrs: ["10.1.0.0/16"] }), { declared }));
    expect(params).toMatchObject({ tokenTtl: 60n * S, tokenMaxTtl: 120n * S, tokenPeriod: 30n * S, tokenNumUses: 2, tokenPolicies: ["a", "b"], tokenBoundCidrs: ["10.1.0.0/16"] });
    expect(legacy).toEqual({ ttl: 60n * S, maxTtl: 120n * S, period: 30n * S, numUses: 2, policies: ["a", "b"], boundCidrs: ["10.1.0.0/16"] });
  });

  it("lets the token_ name win when both are sent, and copies it to the old name", () => {
    const { params, legacy } = ok(parseTokenFields(raw({ ttl: 60, token_ttl: 90, policies: "x", token_policies: "y" }), { declared, existingLegacy }));
    expect(params.tokenTtl).toBe(90n * S);
    expect(legacy.ttl).toBe(90n * S);
    expect(params.tokenPolicies).toEqual(["y"]);
    expect(legacy.policies).toEqual(["y"]);
  });

  it("clears the old name when only the token_ name is sent", () => {
    const { legacy } = ok(parseTokenFields(raw({ token_ttl: 90, token_policies: "y" }), { declared, existingLegacy }));
    expect(legacy.ttl).toBe(0n);
    expect(legacy.policies).toEqual([]);
  });

  it("leaves both alone when neither is sent", () => {
    const { legacy } = ok(parseTokenFields(raw({}), { declared, existingLegacy }));
    expect(legacy).toEqual(existingLegacy);
  });

  it("validates an old bound_cidrs value only when it is used", () => {
    expect(parseTokenFields(raw({ bound_cidrs: "x" }), { declared })).toMatchObject({ ok: false, error: expect.stringContaining('error parsing address "x"') as unknown });
    const { params, legacy } = ok(parseTokenFields(raw({ bound_cidrs: "x", token_bound_cidrs: "10.0.0.1" }), { declared }));
    expect(params.tokenBoundCidrs).toEqual(["10.0.0.1"]);
    expect(legacy.boundCidrs).toEqual(["10.0.0.1"]);
  });

  it("folds stored pre-1.2 values into zero token settings on load", () => {
    const stored = { ...emptyTokenParams(), tokenMaxTtl: H };
    const legacy: LegacyTokenParams = { policies: ["p"], numUses: 1, ttl: 60n * S, maxTtl: 2n * H, period: 30n * S, boundCidrs: ["10.0.0.1"] };
    expect(upgradeStoredTokenParams(stored, legacy)).toEqual({
      ...emptyTokenParams(),
      tokenPolicies: ["p"],
      tokenNumUses: 1,
      tokenTtl: 60n * S,
      tokenMaxTtl: H,
      tokenPeriod: 30n * S,
      tokenBoundCidrs: ["10.0.0.1"],
    });
  });
});

describe("rendering and storage", () => {
  const params: TokenParams = {
    tokenBoundCidrs: ["10.0.0.0/8"],
    tokenExplicitMaxTtl: 0n,
    tokenMaxTtl: 2n * H,
    tokenNoDefaultPolicy: false,
    tokenNumUses: 0,
    tokenPeriod: 0n,
    tokenPolicies: ["dev"],
    tokenType: "default-service",
    tokenTtl: H,
  };

  it("renders a role read like PopulateTokenData", () => {
    expect(tokenParamsResponseData(params)).toEqual({
      token_bound_cidrs: ["10.0.0.0/8"],
      token_explicit_max_ttl: 0,
      token_max_ttl: 7200,
      token_no_default_policy: false,
      token_period: 0,
      token_policies: ["dev"],
      token_type: "default-service",
      token_ttl: 3600,
      token_num_uses: 0,
    });
    expect(tokenParamsResponseData(emptyTokenParams())).toMatchObject({ token_policies: [], token_bound_cidrs: [], token_type: "default" });
  });

  it("shows deprecated names only when they hold a value", () => {
    expect(Object.keys(tokenParamsResponseData(params, emptyLegacyTokenParams()))).toHaveLength(9);
    const legacy: LegacyTokenParams = { ...emptyLegacyTokenParams(), policies: ["dev"], ttl: H, numUses: 2 };
    expect(tokenParamsResponseData(params, legacy)).toMatchObject({ policies: ["dev"], ttl: 3600, num_uses: 2 });
    expect(tokenParamsResponseData(params, legacy)).not.toHaveProperty("max_ttl");
  });

  it("stores the Go struct's JSON and reads it back", () => {
    const stored = tokenParamsToStorage(params);
    expect(stored).toEqual({
      token_bound_cidrs: ["10.0.0.0/8"],
      token_explicit_max_ttl: 0,
      token_max_ttl: 7_200_000_000_000,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: ["dev"],
      token_type: 3,
      token_ttl: 3_600_000_000_000,
    });
    expect(tokenParamsFromStorage(JSON.parse(JSON.stringify(stored)) as Record<string, unknown>)).toEqual(params);
    expect(tokenParamsToStorage(emptyTokenParams())).toMatchObject({ token_policies: null, token_bound_cidrs: null, token_type: 0 });
  });

  it("reads a Go role with nulls, missing members and a pre-1.2 token type name", () => {
    const goJson = '{"token_bound_cidrs":null,"token_policies":null,"token_type":"batch","token_ttl":31536000000000000}';
    expect(tokenParamsFromStorage(JSON.parse(goJson) as Record<string, unknown>)).toEqual({
      ...emptyTokenParams(),
      tokenType: "batch",
      tokenTtl: 365n * 24n * H,
    });
    expect(() => tokenParamsFromStorage({ token_type: 9 })).toThrow("unknown token type 9");
    expect(() => tokenParamsFromStorage({ token_ttl: "1h" })).toThrow("stored token_ttl is not an integer");
  });
});
