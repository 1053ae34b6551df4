// Small checks for values engines read back from storage: a stored entry that does not have the
// shape Vault writes is reported with its key (StoredValueError) instead of failing later.
export type JsonObject = Readonly<Record<string, unknown>>;

export function asObject(value: unknown): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not a JSON object");
  return value as JsonObject;
}

export function storedString(o: JsonObject, key: string): string {
  const v = o[key] ?? "";
  if (typeof v !== "string") throw new Error(`${key} is not a string`);
  return v;
}

export function storedBool(o: JsonObject, key: string): boolean {
  const v = o[key] ?? false;
  if (typeof v !== "boolean") throw new Error(`${key} is not a boolean`);
  return v;
}

export function storedInt(o: JsonObject, key: string, fallback = 0): number {
  const v = o[key] ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v)) throw new Error(`${key} is not an integer`);
  return v;
}

export function storedStrings(o: JsonObject, key: string): string[] {
  const v = o[key] ?? [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw new Error(`${key} is not a list of strings`);
  return [...v];
}

/** Go's time.Time JSON (RFC 3339 with nanoseconds); Go's zero time when absent. */
export function storedTime(o: JsonObject, key: string): Date {
  const v = o[key] ?? "0001-01-01T00:00:00Z";
  if (typeof v !== "string") throw new Error(`${key} is not a time`);
  const t = new Date(v);
  if (Number.isNaN(t.getTime())) throw new Error(`${key} is not a time`);
  return t;
}
