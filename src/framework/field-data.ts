// Typed access to a request's fields: the counterpart of Vault's sdk/framework/field_data.go
// FieldData (Validate, Get, GetOk, GetFirst), plus the unknown-parameter list the request pipeline
// turns into its warning. Parsing itself is each field's `parse` (field-types.ts).
import { nullIsAbsent } from "./field-types.js";
import { FieldParseError, type FieldData, type FieldSchema, type FieldSchemas, type FieldValue } from "./types.js";

/** A value and whether the caller sent it (Vault's `GetOk` pair). */
export interface FieldLookup<T> {
  value: T;
  ok: boolean;
}

/** FieldData plus Vault's `GetFirst`, for fields that have deprecated aliases. */
export interface FieldDataWithAliases<F extends FieldSchemas> extends FieldData<F> {
  /**
   * The first of `names` the caller sent, in order (current name first, then deprecated aliases),
   * as Vault's `GetFirst`. When none was sent, `ok` is false and `value` is the first name's
   * default/zero (Vault returns nil there; a typed fallback saves every caller a branch).
   */
  getFirst<K extends keyof F & string>(first: K, ...aliases: K[]): FieldLookup<FieldValue<F[K]>>;
}

/** The failure of `validateFields`: `message` is Vault's `FieldData.Validate` error text. */
export interface FieldValidationFailure {
  ok: false;
  /** The field whose value did not parse. */
  field: string;
  /**
   * `error converting input for field "<name>": <reason>`. Vault's pipeline answers a handler
   * request with the 400 error `Field validation failed: <message>`, and an existence check with
   * `<message>` alone (as a user error).
   */
  message: string;
}

const declared = (schemas: FieldSchemas, name: string): FieldSchema | undefined =>
  Object.hasOwn(schemas, name) ? schemas[name] : undefined;

/** Object values are copied per use, so handlers cannot alter a schema's default. */
const copyOf = <T>(value: T): T => (typeof value === "object" && value !== null ? structuredClone(value) : value);

/** Vault's DefaultOrZero: the declared default, else the type's zero value. */
const defaultOrZero = (schema: FieldSchema): unknown => (schema.default !== undefined ? copyOf(schema.default) : schema.zero());

/**
 * Parses one raw value the way Vault's getPrimitive does: absent (or, for durations and times,
 * null) is "not set"; null for any other type decodes to its zero value and counts as sent.
 */
function lookup(schema: FieldSchema, raw: Readonly<Record<string, unknown>>, name: string): FieldLookup<unknown> {
  const value = Object.hasOwn(raw, name) ? raw[name] : undefined;
  if (value === undefined || (value === null && nullIsAbsent(schema))) return { value: defaultOrZero(schema), ok: false };
  return { value: schema.parse(value), ok: true };
}

/** The user-facing text for a field whose value did not parse, worded as Vault's FieldData.Validate. */
export function describeParseError(fieldName: string, error: FieldParseError): string {
  return `error converting input for field ${JSON.stringify(fieldName)}: ${error.message}`;
}

/**
 * Builds the FieldData a handler receives. `raw` is the request data merged with the path's
 * captures. Each field is parsed on first access and cached. Asking for a name the path does not
 * declare throws (Vault panics), though the types already rule that out. A value that does not
 * parse throws `error reading <name>: …` — the pipeline runs `validateFields` first, so handlers
 * never see that.
 */
export function createFieldData<F extends FieldSchemas>(schemas: F, raw: Readonly<Record<string, unknown>>): FieldDataWithAliases<F> {
  const cache = new Map<string, FieldLookup<unknown>>();
  const getOk = <K extends keyof F & string>(name: K): FieldLookup<FieldValue<F[K]>> => {
    const schema = declared(schemas, name);
    if (schema === undefined) throw new Error(`field ${name} not in the schema`);
    let entry = cache.get(name);
    if (entry === undefined) {
      try {
        entry = lookup(schema, raw, name);
      } catch (error) {
        if (error instanceof FieldParseError) throw new Error(`error reading ${name}: ${error.message}`, { cause: error });
        throw error;
      }
      cache.set(name, entry);
    }
    // The cache holds what this field's own parse/zero/default produced, i.e. FieldValue<F[K]>.
    return entry as FieldLookup<FieldValue<F[K]>>;
  };
  return {
    raw,
    get: (name) => getOk(name).value,
    getOk,
    getFirst: (first, ...aliases) => {
      for (const name of [first, ...aliases]) {
        const entry = getOk(name);
        if (entry.ok) return entry;
      }
      return { value: getOk(first).value, ok: false };
    },
  };
}

/**
 * Vault's FieldData.Validate: every declared field the caller sent must parse; undeclared keys are
 * ignored here (see `unknownFields`). `Required` and `allowedValues` are not checked, exactly as in
 * Vault. Fields are checked in the order of `raw` (Go's map order is random, so with two bad
 * fields Vault may name either).
 */
export function validateFields(schemas: FieldSchemas, raw: Readonly<Record<string, unknown>>): { ok: true } | FieldValidationFailure {
  for (const [name, value] of Object.entries(raw)) {
    const schema = declared(schemas, name);
    if (schema === undefined || value === undefined || (value === null && nullIsAbsent(schema))) continue;
    try {
      schema.parse(value);
    } catch (error) {
      if (!(error instanceof FieldParseError)) throw error;
      return { ok: false, field: name, message: describeParseError(name, error) };
    }
  }
  return { ok: true };
}

/**
 * The request-data keys no field declares, sorted as Go's sort.Strings does, for the pipeline's
 * warning `Endpoint ignored these unrecognized parameters: [a b]` (Go's `%v` of the list). Pass the
 * request body/query data *before* merging captures, and skip the call for paths that take
 * arbitrary input — both as Vault does.
 */
export function unknownFields(schemas: FieldSchemas, data: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(data)
    .filter((name) => !Object.hasOwn(schemas, name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
