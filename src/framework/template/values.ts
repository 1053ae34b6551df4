// Go values as templates see them (the parts of reflect text/template relies on): maps,
// structs, the conversion of host data, type names and truth.

/** A Go map[string]interface{}: what plain objects in template data become. */
export class GoMap {
  constructor(readonly entries: ReadonlyMap<string, GoValue>) {}
}

/**
 * A Go struct value: unlike a map, a missing field is an execution error
 * ("can't evaluate field X in type T"), as with the struct Vault's AWS engine passes.
 */
export class GoStruct {
  readonly fields: ReadonlyMap<string, GoValue>;
  constructor(readonly typeName: string, fields: Readonly<Record<string, unknown>>) {
    this.fields = new Map(Object.entries(fields).map(([k, v]) => [k, toGoValue(v)]));
  }
}

/**
 * A value during execution: bigint is Go's int, number is float64, undefined is Go's invalid
 * value (a missing map key, printed "<no value>"), null is a nil interface.
 */
export type GoValue = string | boolean | bigint | number | null | undefined | readonly GoValue[] | GoMap | GoStruct;

/** Converts host data: integral numbers become ints, plain objects maps, arrays slices. */
export function toGoValue(value: unknown): GoValue {
  if (value === null || value === undefined || typeof value === "string" || typeof value === "boolean" || typeof value === "bigint") return value;
  // Integral numbers are Go ints unless too large to be exact (then float64, as JSON decoding would).
  if (typeof value === "number") return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (value instanceof GoMap || value instanceof GoStruct) return value;
  if (Array.isArray(value)) return value.map(toGoValue);
  if (typeof value === "object" && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return new GoMap(new Map(entries.map(([k, v]) => [k, toGoValue(v)])));
  }
  throw new TypeError(`template data cannot hold a value of type ${typeof value === "object" ? value.constructor.name : typeof value}`);
}

/** Go's reflect type string of a value (nil interfaces are `interface {}`). */
export function typeName(v: GoValue): string {
  if (v === null || v === undefined) return "interface {}";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float64";
  if (v instanceof GoMap) return "map[string]interface {}";
  if (v instanceof GoStruct) return v.typeName;
  return "[]interface {}";
}

/** Go's template truth: the zero value of its type is false; structs are always true. */
export function truth(v: GoValue): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "boolean") return v;
  if (typeof v === "bigint") return v !== 0n;
  if (typeof v === "number") return v !== 0;
  if (v instanceof GoMap) return v.entries.size > 0;
  if (v instanceof GoStruct) return true;
  return v.length > 0;
}

export const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");
