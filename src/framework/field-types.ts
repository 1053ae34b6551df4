// Field builders: the TypeScript face of Vault's sdk/framework FieldType table (field_type.go). Each
// builder returns a frozen FieldSchema whose type parameter is what the handler receives, so
// `field.durationSeconds()` makes `data.get("ttl")` a number without a cast (architecture §5.4).
// Parsing follows Vault's weak coercion exactly; see field-coercion.ts and field-header.ts.
import * as coerce from "./field-coercion.js";
import { durationSeconds, time, ZERO_TIME_MS } from "./field-time.js";
import { header } from "./field-header.js";
import { FieldParseError, type DisplayAttributes, type FieldSchema, type FieldTypeName } from "./types.js";

/** The element type for list fields (allowed values name elements), the value type otherwise. */
export type AllowedValue<T> = T extends readonly (infer E)[] ? E : T;

/** Options every builder accepts (the declarative members of Vault's framework.FieldSchema). */
export interface FieldOptions<T, D = T> {
  /** Shown by `path-help` and in OpenAPI. */
  description?: string;
  /** Used when the caller sends nothing; absent means the type's zero value. */
  default?: D;
  /**
   * Documentation only: Vault's FieldData never enforces it (sdk/framework/backend.go says Required
   * is "only used by openapi"; only ValidateStrict, used for response schemas in tests, checks it).
   */
  required?: boolean;
  /**
   * Documentation only: listed as the OpenAPI `enum`. Vault states the constraint "is not (yet)
   * enforced by the framework", so handlers that need it must check it themselves.
   */
  allowedValues?: readonly AllowedValue<T>[];
  /** Marks a deprecated alias in help and OpenAPI (read it back with `getFirst`). */
  deprecated?: boolean;
  /** Sent as a URL query parameter (OpenAPI `in: query`); the value is handled the same way. */
  query?: boolean;
  /** UI hints, including `sensitive`. */
  displayAttrs?: DisplayAttributes;
}

/**
 * Field types whose `null` means "not sent": Vault's duration and time cases return "not set" for a
 * nil value, while every other type decodes null to its zero value and counts it as sent.
 */
const NULL_IS_ABSENT: ReadonlySet<FieldTypeName> = new Set(["duration (sec)", "signed duration (sec)", "time"]);

/** Whether a JSON `null` for this field counts as absent (so `get` falls back to the default). */
export const nullIsAbsent = (schema: FieldSchema): boolean => NULL_IS_ABSENT.has(schema.type);


/** Object defaults are copied on every use, so a handler mutating one cannot change the declaration. */
const copyOf = <T>(value: T): T => (typeof value === "object" && value !== null ? structuredClone(value) : value);

function build<T>(type: FieldTypeName, parse: (raw: unknown) => T, zero: () => T, options: FieldOptions<T> = {}): FieldSchema<T> {
  const { default: fallback, allowedValues, displayAttrs } = options;
  return Object.freeze({
    type,
    description: options.description ?? "",
    required: options.required ?? false,
    deprecated: options.deprecated ?? false,
    query: options.query ?? false,
    parse,
    zero,
    ...(fallback !== undefined && { default: Object.freeze(copyOf(fallback)) }),
    ...(allowedValues !== undefined && { allowedValues: Object.freeze([...allowedValues]) }),
    ...(displayAttrs !== undefined && { displayAttrs: Object.freeze({ ...displayAttrs }) }),
  });
}

/**
 * Duration defaults may be Go duration text ("1h", "30d"), as in Vault, and are converted here once.
 * Unlike Vault (which silently falls back to 0 for an unparsable default), a bad default throws at
 * declaration time, so the mistake surfaces when the backend is built.
 */
function durationOptions(options: FieldOptions<number, number | string> | undefined): FieldOptions<number> {
  const { default: given, ...rest } = options ?? {};
  if (given === undefined) return rest;
  try {
    // A number default is whole seconds (Vault's `Default: 3600`), a string goes through ParseDurationSecond.
    return { ...rest, default: durationSeconds(typeof given === "number" ? String(Math.trunc(given)) : given, true) };
  } catch (error) {
    if (error instanceof FieldParseError) throw new Error(`invalid duration default ${JSON.stringify(given)}: ${error.message}`, { cause: error });
    throw error;
  }
}


/**
 * Vault's field types as builders. `parse` throws FieldParseError with Vault's message (no field
 * name: field-data.ts adds `error converting input for field "<name>": `), and `zero()` returns
 * what Vault's `Get` gives for an absent field without a default.
 */
export const field = {
  /** TypeString: numbers become their text, booleans "1"/"0", null "". */
  string: (options?: FieldOptions<string>): FieldSchema<string> => build("string", coerce.string, () => "", options),
  /** TypeInt: integers, Go integer literals in strings ("42", "0x2a", "1_000"), booleans as 1/0; "1.5" fails, and so does a value beyond ±(2^53 - 1). */
  int: (options?: FieldOptions<number>): FieldSchema<number> => build("int", coerce.int, () => 0, options),
  /** TypeInt64: as `int`; beyond ±(2^53 - 1), where JS numbers stop being exact, a value is refused. */
  int64: (options?: FieldOptions<number>): FieldSchema<number> => build("int64", coerce.int64, () => 0, options),
  /** TypeBool: booleans, strconv.ParseBool words ("1", "t", "TRUE", …) and "" (false); the number 2 fails. */
  bool: (options?: FieldOptions<boolean>): FieldSchema<boolean> => build("bool", coerce.bool, () => false, options),
  /** TypeFloat: numbers and Go float literals in strings (including "inf", "0x1p-2"), booleans as 1/0. */
  float: (options?: FieldOptions<number>): FieldSchema<number> => build("float", coerce.float, () => 0, options),
  /**
   * TypeDurationSecond: whole seconds from an integer, "300", Go duration text ("1h30m") or days
   * ("2d"); fractions truncate toward zero ("1500ms" → 1); a negative result is rejected.
   */
  durationSeconds: (options?: FieldOptions<number, number | string>): FieldSchema<number> =>
    build("duration (sec)", (raw) => durationSeconds(raw, false), () => 0, durationOptions(options)),
  /** TypeSignedDurationSecond: as `durationSeconds`, negative values allowed. */
  signedDurationSeconds: (options?: FieldOptions<number, number | string>): FieldSchema<number> =>
    build("signed duration (sec)", (raw) => durationSeconds(raw, true), () => 0, durationOptions(options)),
  /** TypeSlice: an array as sent; any other value becomes a one-element list (an empty object, []). */
  slice: (options?: FieldOptions<unknown[]>): FieldSchema<unknown[]> => build<unknown[]>("slice", coerce.slice, () => [], options),
  /** TypeStringSlice: elements as strings, trimmed; a lone value is a one-element list (not split), "" is []. */
  stringSlice: (options?: FieldOptions<string[]>): FieldSchema<string[]> =>
    build<string[]>("string slice", coerce.stringSlice, () => [], options),
  /** TypeCommaStringSlice: "a, b" or ["a", "b"]; items trimmed, empty items kept ("a,,b" → ["a", "", "b"]). */
  commaStringSlice: (options?: FieldOptions<string[]>): FieldSchema<string[]> =>
    build<string[]>("comma-separated string slice", coerce.commaStringSlice, () => [], options),
  /** TypeCommaIntSlice: "1,2" or [1, "2"]; items are not trimmed ("1, 2" fails), empty items are 0. */
  commaIntSlice: (options?: FieldOptions<number[]>): FieldSchema<number[]> =>
    build<number[]>("comma-separated int slice", coerce.commaIntSlice, () => [], options),
  /** TypeMap: a JSON object (a list of objects is merged). */
  map: (options?: FieldOptions<Record<string, unknown>>): FieldSchema<Record<string, unknown>> =>
    build<Record<string, unknown>>("map", coerce.map, () => ({}), options),
  /** TypeKVPairs: an object (values as strings), or a list of "key=value" strings. */
  kvPairs: (options?: FieldOptions<Record<string, string>>): FieldSchema<Record<string, string>> =>
    build<Record<string, string>>("keypair", coerce.kvPairs, () => ({}), options),
  /** TypeHeader: an object of string(s), a (base64) JSON string, or "Name:value" strings; names canonicalised. */
  header: (options?: FieldOptions<Record<string, string[]>>): FieldSchema<Record<string, string[]>> =>
    build<Record<string, string[]>>("header", header, () => ({}), options),
  /**
   * TypeTime: RFC 3339 text or Unix epoch seconds (number or integer string), in UTC. The zero value
   * is Go's zero time, 0001-01-01T00:00:00Z (test with `isZeroTime`).
   */
  time: (options?: FieldOptions<Date>): FieldSchema<Date> => build("time", time, () => new Date(ZERO_TIME_MS), options),
  /** TypeNameString: a string matching Vault's name rule `^\w(([\w-.]+)?\w)?$`. */
  nameString: (options?: FieldOptions<string>): FieldSchema<string> => build("name string", coerce.nameString, () => "", options),
  /** TypeLowerCaseString: a string, lowercased. */
  lowercaseString: (options?: FieldOptions<string>): FieldSchema<string> =>
    build("lowercase string", coerce.lowercaseString, () => "", options),
} as const;

/** True for Go's zero time, which a time field yields when absent and without default (Go's IsZero). */
export const isZeroTime = (date: Date): boolean => date.getTime() === ZERO_TIME_MS;
