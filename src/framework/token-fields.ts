// Vault's common token parameters for auth-method roles (≈ sdk/helper/tokenutil): the `token_*`
// fields, their parsing and validation with upstream's error texts, the deprecated pre-1.2 names
// (`ttl`, `max_ttl`, `period`, `policies`, `num_uses`, `bound_cidrs`) with upstream's upgrade
// precedence, the role-read rendering, and a storage form matching the Go struct's JSON.
import { TOKEN_TYPES, type Nanoseconds } from "../logical/index.js";
import { parseAddrs, parsePolicies } from "./auth.js";
import { field } from "./field-types.js";
import type { FieldSchema, FieldValue } from "./types.js";

const NS = 1_000_000_000n;
const secondsNs = (seconds: number): Nanoseconds => BigInt(Math.trunc(seconds)) * NS;
const nsSeconds = (ns: Nanoseconds): number => Number(ns / NS);

const PERIOD_HELP = `If set, tokens created via this role
will have no max lifetime; instead, their
renewal period will be fixed to this value.
This takes an integer number of seconds,
or a string duration (e.g. "24h").`;

const EXPLICIT_MAX_TTL_HELP = `If set, tokens created via this role
carry an explicit maximum TTL. During renewal,
the current maximum TTL values of the role
and the mount are not checked for changes,
and any updates to these values will have
no effect on the token being renewed.`;

const tokens = (name: string, description?: string) => ({ name, group: "Tokens", ...(description === undefined ? {} : { description }) });

/** The `token_*` field schemas (≈ tokenutil.TokenFields), with upstream's texts and UI hints. */
export function tokenFields() {
  return {
    token_bound_cidrs: field.commaStringSlice({
      description: "Comma separated string or JSON list of CIDR blocks. If set, specifies the blocks of IP addresses which are allowed to use the generated token.",
      displayAttrs: tokens("Generated Token's Bound CIDRs", "A list of CIDR blocks. If set, specifies the blocks of IP addresses which are allowed to use the generated token."),
    }),
    token_explicit_max_ttl: field.durationSeconds({ description: EXPLICIT_MAX_TTL_HELP, displayAttrs: tokens("Generated Token's Explicit Maximum TTL") }),
    token_max_ttl: field.durationSeconds({ description: "The maximum lifetime of the generated token", displayAttrs: tokens("Generated Token's Maximum TTL") }),
    token_no_default_policy: field.bool({
      description: "If true, the 'default' policy will not automatically be added to generated tokens",
      displayAttrs: tokens("Do Not Attach 'default' Policy To Generated Tokens"),
    }),
    token_period: field.durationSeconds({ description: PERIOD_HELP, displayAttrs: tokens("Generated Token's Period") }),
    token_policies: field.commaStringSlice({
      description: "Comma-separated list of policies",
      displayAttrs: tokens("Generated Token's Policies", "A list of policies that will apply to the generated token for this user."),
    }),
    // Upstream's default names a mount-level token type that ParseTokenFields itself would reject;
    // it only shows in help and OpenAPI, because the default is never parsed.
    token_type: field.string({ description: "The type of token to generate, service or batch", default: "default-service", displayAttrs: tokens("Generated Token's Type") }),
    token_ttl: field.durationSeconds({ description: "The initial ttl of the token to generate", displayAttrs: tokens("Generated Token's Initial TTL") }),
    token_num_uses: field.int({
      description: "The maximum number of times a token may be used, a value of zero means unlimited",
      displayAttrs: tokens("Maximum Uses of Generated Tokens"),
    }),
  };
}

/** The schemas `tokenFields()` returns. */
export type TokenFieldSchemas = ReturnType<typeof tokenFields>;
/** The name of one `token_*` field. */
export type TokenFieldName = keyof TokenFieldSchemas;

/** tokenutil.DeprecationText: the description of a deprecated alias. */
export function deprecationText(replacement: string): string {
  const q = JSON.stringify(replacement);
  return `Use ${q} instead. If this and ${q} are both specified, only ${q} will be used.`;
}

/**
 * The deprecated aliases upstream engines still declare beside the token fields (Azure: policies,
 * num_uses, ttl, max_ttl, period; userpass/approle also bound_cidrs), each marked deprecated.
 */
export function legacyTokenFields() {
  return {
    policies: field.commaStringSlice({ description: deprecationText("token_policies"), deprecated: true }),
    num_uses: field.int({ description: deprecationText("token_num_uses"), deprecated: true }),
    ttl: field.durationSeconds({ description: deprecationText("token_ttl"), deprecated: true }),
    max_ttl: field.durationSeconds({ description: deprecationText("token_max_ttl"), deprecated: true }),
    period: field.durationSeconds({ description: deprecationText("token_period"), deprecated: true }),
    bound_cidrs: field.commaStringSlice({ description: deprecationText("token_bound_cidrs"), deprecated: true }),
  };
}

/** The schemas `legacyTokenFields()` returns. */
export type LegacyTokenFieldSchemas = ReturnType<typeof legacyTokenFields>;
/** The name of one deprecated alias. */
export type LegacyTokenFieldName = keyof LegacyTokenFieldSchemas;

/**
 * `fields` plus the token fields named in `allowed` (all by default), as AddTokenFieldsWithAllowList
 * does. Throws upstream's "adding role field <name> would overwrite existing field" on a clash.
 */
export function withTokenFields<F extends Record<string, FieldSchema>, K extends TokenFieldName = TokenFieldName>(
  fields: F,
  allowed?: readonly K[],
): F & Pick<TokenFieldSchemas, K> {
  const merged: Record<string, FieldSchema> = { ...fields };
  for (const [name, schema] of Object.entries(tokenFields())) {
    if (allowed !== undefined && allowed.length > 0 && !(allowed as readonly string[]).includes(name)) continue;
    if (Object.hasOwn(fields, name)) throw new Error(`adding role field ${name} would overwrite existing field`);
    merged[name] = schema;
  }
  return merged as F & Pick<TokenFieldSchemas, K>;
}

/** Token type names as Vault spells them (`logical.TokenType.String()`). */
export type TokenTypeName = keyof typeof TOKEN_TYPES;

/** The token settings of a role (≈ tokenutil.TokenParams). Durations in nanoseconds. */
export interface TokenParams {
  /** IPs/CIDRs in sockaddr's canonical text ("10.0.0.0/8", "192.0.2.1", "2001:db8::/32"). */
  tokenBoundCidrs: string[];
  tokenExplicitMaxTtl: Nanoseconds;
  tokenMaxTtl: Nanoseconds;
  tokenNoDefaultPolicy: boolean;
  tokenNumUses: number;
  tokenPeriod: Nanoseconds;
  tokenPolicies: string[];
  tokenType: TokenTypeName;
  tokenTtl: Nanoseconds;
}

/** The values stored under the deprecated names, kept so reads can show them as upstream does. */
export interface LegacyTokenParams {
  policies: string[];
  numUses: number;
  ttl: Nanoseconds;
  maxTtl: Nanoseconds;
  period: Nanoseconds;
  boundCidrs: string[];
}

/** A role with no token settings: Go's zero TokenParams (token type "default"). */
export function emptyTokenParams(): TokenParams {
  return {
    tokenBoundCidrs: [],
    tokenExplicitMaxTtl: 0n,
    tokenMaxTtl: 0n,
    tokenNoDefaultPolicy: false,
    tokenNumUses: 0,
    tokenPeriod: 0n,
    tokenPolicies: [],
    tokenType: "default",
    tokenTtl: 0n,
  };
}

/** No deprecated values stored. */
export function emptyLegacyTokenParams(): LegacyTokenParams {
  return { policies: [], numUses: 0, ttl: 0n, maxTtl: 0n, period: 0n, boundCidrs: [] };
}

/** Options for `parseTokenFields`. */
export interface ParseTokenFieldsOptions {
  /** The role's current settings (update); absent for a new role. Not mutated. */
  existing?: TokenParams;
  /** The role's current deprecated values. Not mutated. */
  existingLegacy?: LegacyTokenParams;
  /**
   * The path's declared fields. Only names declared there are read, so an allow-listed subset or
   * the deprecated aliases take part exactly when the path declares them. Default: every token
   * field and no deprecated alias.
   */
  declared?: Readonly<Record<string, unknown>>;
}

/** The outcome: new settings, or the message to answer with (upstream returns it as a 400). */
export type ParseTokenFieldsResult =
  | { ok: true; params: TokenParams; legacy: LegacyTokenParams }
  | { ok: false; error: string };

/**
 * ParseTokenFields followed by the UpgradeValue calls upstream engines make for each declared
 * deprecated alias, over the request's raw fields. Validation order and texts are upstream's:
 * negative token_max_ttl/token_period/token_num_uses/token_ttl; token_type other than "",
 * "default", "service", "batch"; batch with a period or a use limit; token_ttl above
 * token_max_ttl. Bound CIDRs must parse as IPs or CIDRs.
 *
 * Deprecated alias precedence: when only the old name is sent its value is used for both; when
 * both are sent the `token_*` value wins and is copied to the old name; when only the new one is
 * sent the old name is cleared. (`policies` sent alone is normalised like policyutil.ParsePolicies.)
 */
export function parseTokenFields(
  data: { readonly raw: Readonly<Record<string, unknown>> },
  options: ParseTokenFieldsOptions = {},
): ParseTokenFieldsResult {
  const declared = options.declared;
  const isDeclared = (name: string): boolean =>
    declared === undefined ? Object.hasOwn(TOKEN_FIELD_SCHEMAS, name) : Object.hasOwn(declared, name);
  /** The parsed value when the caller sent the (declared) field; undefined otherwise. */
  const sent = <N extends keyof AllTokenSchemas>(name: N): FieldValue<AllTokenSchemas[N]> | undefined => {
    const raw = data.raw[name];
    if (!isDeclared(name) || raw === undefined || raw === null) return undefined;
    // The same coercion FieldData applies; the pipeline has already validated declared fields.
    return ALL_TOKEN_SCHEMAS[name].parse(raw) as FieldValue<AllTokenSchemas[N]>;
  };

  const t: TokenParams = { ...(options.existing ?? emptyTokenParams()) };
  const legacy: LegacyTokenParams = { ...(options.existingLegacy ?? emptyLegacyTokenParams()) };
  try {
    const cidrs = sent("token_bound_cidrs");
    if (cidrs !== undefined) t.tokenBoundCidrs = parseAddrs(cidrs);
    const explicitMax = sent("token_explicit_max_ttl");
    if (explicitMax !== undefined) t.tokenExplicitMaxTtl = secondsNs(explicitMax);
    const maxTtl = sent("token_max_ttl");
    if (maxTtl !== undefined) t.tokenMaxTtl = secondsNs(maxTtl);
    if (t.tokenMaxTtl < 0n) return fail("'token_max_ttl' cannot be negative");
    const noDefault = sent("token_no_default_policy");
    if (noDefault !== undefined) t.tokenNoDefaultPolicy = noDefault;
    const period = sent("token_period");
    if (period !== undefined) t.tokenPeriod = secondsNs(period);
    if (t.tokenPeriod < 0n) return fail("'token_period' cannot be negative");
    const policies = sent("token_policies");
    if (policies !== undefined) t.tokenPolicies = [...policies];
    const tokenType = sent("token_type");
    if (tokenType !== undefined) {
      // Only the per-role types; "default-service"/"default-batch" are mount settings (upstream).
      if (tokenType === "" || tokenType === "default") t.tokenType = "default";
      else if (tokenType === "service" || tokenType === "batch") t.tokenType = tokenType;
      else return fail(`invalid 'token_type' value ${JSON.stringify(tokenType)}`);
    }
    const numUses = sent("token_num_uses");
    if (numUses !== undefined) t.tokenNumUses = numUses;
    if (t.tokenNumUses < 0) return fail("'token_num_uses' cannot be negative");
    if (t.tokenType === "batch" || t.tokenType === "default-batch") {
      if (t.tokenPeriod !== 0n) return fail("'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens");
      if (t.tokenNumUses !== 0) return fail("'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count");
    }
    const ttl = sent("token_ttl");
    if (ttl !== undefined) t.tokenTtl = secondsNs(ttl);
    if (t.tokenTtl < 0n) return fail("'token_ttl' cannot be negative");
    if (t.tokenTtl > 0n && t.tokenMaxTtl > 0n && t.tokenTtl > t.tokenMaxTtl) return fail("'token_ttl' cannot be greater than 'token_max_ttl'");

    // UpgradeValue for each alias the path declares. `old` is lazy because upstream only parses
    // the old value when it is used (an invalid old bound_cidrs beside a new one is ignored).
    const upgrade = <V>(
      oldName: LegacyTokenFieldName,
      newName: TokenFieldName,
      old: (() => V) | undefined,
      zero: V,
      current: () => V,
      setNew: (value: V) => void,
      setOld: (value: V) => void,
    ): void => {
      if (!isDeclared(oldName)) return;
      if (sent(newName) === undefined) {
        if (old === undefined) return;
        const value = old();
        setOld(value);
        setNew(value);
      } else {
        setOld(old === undefined ? zero : current());
      }
    };
    upgrade("policies", "token_policies", lazy(sent("policies"), parsePolicies), [], () => [...t.tokenPolicies], (v) => (t.tokenPolicies = v), (v) => (legacy.policies = v));
    upgrade("num_uses", "token_num_uses", lazy(sent("num_uses"), (n) => n), 0, () => t.tokenNumUses, (v) => (t.tokenNumUses = v), (v) => (legacy.numUses = v));
    upgrade("ttl", "token_ttl", lazy(sent("ttl"), secondsNs), 0n, () => t.tokenTtl, (v) => (t.tokenTtl = v), (v) => (legacy.ttl = v));
    upgrade("max_ttl", "token_max_ttl", lazy(sent("max_ttl"), secondsNs), 0n, () => t.tokenMaxTtl, (v) => (t.tokenMaxTtl = v), (v) => (legacy.maxTtl = v));
    upgrade("period", "token_period", lazy(sent("period"), secondsNs), 0n, () => t.tokenPeriod, (v) => (t.tokenPeriod = v), (v) => (legacy.period = v));
    upgrade("bound_cidrs", "token_bound_cidrs", lazy(sent("bound_cidrs"), parseAddrs), [], () => [...t.tokenBoundCidrs], (v) => (t.tokenBoundCidrs = v), (v) => (legacy.boundCidrs = v));
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  return { ok: true, params: t, legacy };
}

type AllTokenSchemas = TokenFieldSchemas & LegacyTokenFieldSchemas;
const TOKEN_FIELD_SCHEMAS: TokenFieldSchemas = tokenFields();
const ALL_TOKEN_SCHEMAS: AllTokenSchemas = { ...TOKEN_FIELD_SCHEMAS, ...legacyTokenFields() };

/** A thunk applying `convert` to a value that was sent; undefined when it was not. */
const lazy = <A, V>(value: A | undefined, convert: (value: A) => V): (() => V) | undefined =>
  value === undefined ? undefined : () => convert(value);

const fail = (error: string): ParseTokenFieldsResult => ({ ok: false, error });

/**
 * Settings loaded from storage with pre-1.2 values folded in, as upstream engines do on read: a
 * zero `token_*` value takes the deprecated one when that is set.
 */
export function upgradeStoredTokenParams(params: TokenParams, legacy: LegacyTokenParams): TokenParams {
  return {
    ...params,
    tokenTtl: params.tokenTtl === 0n && legacy.ttl > 0n ? legacy.ttl : params.tokenTtl,
    tokenMaxTtl: params.tokenMaxTtl === 0n && legacy.maxTtl > 0n ? legacy.maxTtl : params.tokenMaxTtl,
    tokenPeriod: params.tokenPeriod === 0n && legacy.period > 0n ? legacy.period : params.tokenPeriod,
    tokenNumUses: params.tokenNumUses === 0 && legacy.numUses > 0 ? legacy.numUses : params.tokenNumUses,
    tokenPolicies: params.tokenPolicies.length === 0 && legacy.policies.length > 0 ? [...legacy.policies] : params.tokenPolicies,
    tokenBoundCidrs: params.tokenBoundCidrs.length === 0 && legacy.boundCidrs.length > 0 ? [...legacy.boundCidrs] : params.tokenBoundCidrs,
  };
}

/**
 * The token settings as a role read shows them (≈ PopulateTokenData): durations in whole seconds,
 * the token type by name, empty lists as `[]`. With `legacy`, deprecated names that hold a value
 * are shown too, as upstream engines do (policies mirror `token_policies`).
 */
export function tokenParamsResponseData(params: TokenParams, legacy?: LegacyTokenParams): Record<string, unknown> {
  const data: Record<string, unknown> = {
    token_bound_cidrs: [...params.tokenBoundCidrs],
    token_explicit_max_ttl: nsSeconds(params.tokenExplicitMaxTtl),
    token_max_ttl: nsSeconds(params.tokenMaxTtl),
    token_no_default_policy: params.tokenNoDefaultPolicy,
    token_period: nsSeconds(params.tokenPeriod),
    token_policies: [...params.tokenPolicies],
    token_type: params.tokenType,
    token_ttl: nsSeconds(params.tokenTtl),
    token_num_uses: params.tokenNumUses,
  };
  if (legacy === undefined) return data;
  if (legacy.policies.length > 0) data["policies"] = [...params.tokenPolicies];
  if (legacy.ttl > 0n) data["ttl"] = nsSeconds(legacy.ttl);
  if (legacy.maxTtl > 0n) data["max_ttl"] = nsSeconds(legacy.maxTtl);
  if (legacy.period > 0n) data["period"] = nsSeconds(legacy.period);
  if (legacy.numUses > 0) data["num_uses"] = legacy.numUses;
  if (legacy.boundCidrs.length > 0) data["bound_cidrs"] = [...legacy.boundCidrs];
  return data;
}

/**
 * The settings in the Go struct's JSON layout (durations as integer nanoseconds, the token type
 * as its number, nil lists as null), so a role written by a Go build reads back here and vice
 * versa. Whole-second durations stay exact as JSON numbers for about 146 years.
 */
export function tokenParamsToStorage(params: TokenParams): Record<string, unknown> {
  return {
    token_bound_cidrs: params.tokenBoundCidrs.length === 0 ? null : [...params.tokenBoundCidrs],
    token_explicit_max_ttl: Number(params.tokenExplicitMaxTtl),
    token_max_ttl: Number(params.tokenMaxTtl),
    token_no_default_policy: params.tokenNoDefaultPolicy,
    token_num_uses: params.tokenNumUses,
    token_period: Number(params.tokenPeriod),
    token_policies: params.tokenPolicies.length === 0 ? null : [...params.tokenPolicies],
    token_type: TOKEN_TYPES[params.tokenType],
    token_ttl: Number(params.tokenTtl),
  };
}

/**
 * Reads `tokenParamsToStorage`'s layout (or a Go role's JSON). Absent members are zero; the token
 * type may be its number or, as before Vault 1.2, its name. Throws on values of the wrong type.
 */
export function tokenParamsFromStorage(stored: Readonly<Record<string, unknown>>): TokenParams {
  const duration = (name: string): Nanoseconds => {
    const v = stored[name] ?? 0;
    if (typeof v !== "number" || !Number.isInteger(v)) throw new Error(`stored ${name} is not an integer`);
    return BigInt(v);
  };
  const strings = (name: string): string[] => {
    const v = stored[name] ?? [];
    if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw new Error(`stored ${name} is not a list of strings`);
    return [...v];
  };
  const numUses = stored["token_num_uses"] ?? 0;
  if (typeof numUses !== "number" || !Number.isInteger(numUses)) throw new Error("stored token_num_uses is not an integer");
  const noDefault = stored["token_no_default_policy"] ?? false;
  if (typeof noDefault !== "boolean") throw new Error("stored token_no_default_policy is not a boolean");
  return {
    tokenBoundCidrs: strings("token_bound_cidrs"),
    tokenExplicitMaxTtl: duration("token_explicit_max_ttl"),
    tokenMaxTtl: duration("token_max_ttl"),
    tokenNoDefaultPolicy: noDefault,
    tokenNumUses: numUses,
    tokenPeriod: duration("token_period"),
    tokenPolicies: strings("token_policies"),
    tokenType: storedTokenType(stored["token_type"] ?? 0),
    tokenTtl: duration("token_ttl"),
  };
}

function storedTokenType(value: unknown): TokenTypeName {
  for (const [name, number] of Object.entries(TOKEN_TYPES) as [TokenTypeName, number][]) {
    if (value === number || value === name) return name;
  }
  if (value === "") return "default";
  throw new Error(`unknown token type ${JSON.stringify(value)}`);
}
