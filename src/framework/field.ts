// Field declarations. Only the string type exists yet; the framework issue adds Vault's full
// FieldType table with coercion. A field's declaration drives parsing and help.

export interface StringField {
  type: "string";
  description: string;
  required?: boolean;
}

export type FieldSpec = StringField;

export type FieldSpecs = Record<string, FieldSpec>;

/** Typed access to a request's fields, limited to the ones the path declares. */
export class FieldData<F extends FieldSpecs> {
  constructor(
    private readonly specs: F,
    private readonly raw: Readonly<Record<string, unknown>>,
  ) {}

  /** The value as a string: absent is "", scalars are stringified like Go's weak decoding. */
  get(name: keyof F & string): string {
    if (!(name in this.specs)) throw new Error(`field ${name} is not declared`);
    const value = this.raw[name];
    if (value === undefined || value === null) return "";
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return JSON.stringify(value);
  }

  /** True when the caller sent the field. */
  has(name: keyof F & string): boolean {
    return this.raw[name] !== undefined;
  }
}
