// JSON the way Go's encoding/json treats it, for the stored entries this engine shares with
// Vault's builtin engine (role/<name>, config/root) and for policy documents, which upstream
// stores compacted by json.Compact. Decoding follows Go's struct decoding: an absent key or a
// JSON null leaves the zero value, a value of the wrong type is an error.

/** The object a stored entry must be; anything else is corrupt storage. */
export function storedObject(value: unknown): Readonly<Record<string, unknown>> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("expected a JSON object");
  return value as Record<string, unknown>;
}

function field(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

const wrongType = (key: string, expected: string): Error => new Error(`${JSON.stringify(key)} is not ${expected}`);

/** A Go `string` member. */
export function storedString(record: Readonly<Record<string, unknown>>, key: string): string {
  const value = field(record, key);
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw wrongType(key, "a string");
  return value;
}

/** A Go `bool` member. */
export function storedBool(record: Readonly<Record<string, unknown>>, key: string): boolean {
  const value = field(record, key);
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw wrongType(key, "a boolean");
  return value;
}

/** A Go `int` member. */
export function storedInt(record: Readonly<Record<string, unknown>>, key: string): number {
  const value = field(record, key);
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isInteger(value)) throw wrongType(key, "an integer");
  return value;
}

/**
 * A Go `time.Duration` member (int64 nanoseconds). Durations written by the engines are whole
 * seconds, i.e. multiples of 2^9, so doubles hold them exactly up to 2^62 ns (~146 years).
 */
export function storedDuration(record: Readonly<Record<string, unknown>>, key: string): bigint {
  return BigInt(storedInt(record, key));
}

/** A Go `[]string` member; nil (absent or null) reads as empty. */
export function storedStringList(record: Readonly<Record<string, unknown>>, key: string): string[] {
  const value = field(record, key);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === "string")) throw wrongType(key, "a list of strings");
  return [...value];
}

/** A Go `map[string]string` member; nil reads as empty. */
export function storedStringMap(record: Readonly<Record<string, unknown>>, key: string): Record<string, string> {
  const value = field(record, key);
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw wrongType(key, "an object of strings");
  const out: Record<string, string> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item !== "string") throw wrongType(key, "an object of strings");
    out[name] = item;
  }
  return out;
}

/**
 * Go's json.Compact: the text with insignificant whitespace removed and everything else (key
 * order, duplicate keys, number spelling, string escapes) kept byte for byte, so a document
 * compacted here is identical to one compacted by Vault. Undefined when the text is not JSON.
 */
export function compactJson(text: string): string | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  let out = "";
  let inString = false;
  let escaped = false;
  for (const ch of text) {
    if (inString) {
      out += ch;
      if (escaped) escaped = false;
      else if (ch === "\\") escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    // JSON allows exactly these four whitespace characters between tokens.
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") continue;
    if (ch === '"') inString = true;
    out += ch;
  }
  return out;
}
