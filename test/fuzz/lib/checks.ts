// The properties every answer must have, independent of the engine: a thrown error is a 4xx kind
// (a 5xx only for a genuine internal fault, and with in-memory fakes there is none), an error
// text is readable and says what is wrong, reply values survive the host's JSON encoding, and
// every storage entry is JSON in upstream's layout.
import { LogicalError, type Response } from "../../../src/logical/index.js";

/**
 * Kinds a user mistake may raise: Vault answers them with 4xx. Not "user": Vault's HTTP layer
 * (logical.RespondErrorCommon) answers a raised errutil.UserError without a response with a 500,
 * so a user mistake must be an error response instead.
 */
const USER_KINDS: ReadonlySet<string> = new Set(["unsupported-path", "unsupported-operation", "invalid-request", "permission-denied", "bad-request"]);

/** Why a thrown error is not a 4xx, or undefined when it is. */
export function faultOf(thrown: unknown): string | undefined {
  if (thrown instanceof LogicalError) {
    if (USER_KINDS.has(thrown.kind)) return undefined;
    if (thrown.kind === "coded" && thrown.code >= 400 && thrown.code < 500) return undefined;
    return `5xx (${thrown.kind}${thrown.kind === "coded" ? ` ${thrown.code}` : ""}): ${thrown.message}`;
  }
  const text = thrown instanceof Error ? `${thrown.name}: ${thrown.message}\n${thrown.stack ?? ""}` : String(thrown);
  return `500 (not a LogicalError): ${text}`;
}

/** Texts of JavaScript's own failures: a user must never see them. */
const RUNTIME_TEXTS = [
  /Cannot read propert/i, /Cannot set propert/i, /is not a function/, /is not iterable/, /is not defined/, /Unexpected token/,
  /Maximum call stack/, /Invalid array length/, /Invalid string length/, /RangeError/, /TypeError/, /SyntaxError/, /\[object Object\]/,
  /Cannot convert .* to a BigInt/, /Do not know how to serialize a BigInt/,
];

/** Words of the input that an error may legitimately quote back (so "undefined" sent is "undefined" shown). */
function mentionsOwnInput(message: string, word: string, input: string): boolean {
  return message.includes(word) && input.includes(word);
}

export interface ErrorContext {
  /** Declared fields and captures of the path (what an error may name). */
  fieldNames: readonly string[];
  /** The request as text, to tell echoed input from a bug. */
  inputText: string;
  /** Engine texts about a problem that is not one field's (e.g. "Role \"x\" not found"). */
  problems: readonly RegExp[];
}

/** What is wrong with an error text, or undefined when it names the field or the problem. */
export function errorTextProblem(message: unknown, ctx: ErrorContext): string | undefined {
  if (typeof message !== "string" || message.trim() === "") return `error text is empty or not a string: ${JSON.stringify(message)}`;
  for (const pattern of RUNTIME_TEXTS) {
    if (pattern.test(message)) return `error text is a runtime failure (${String(pattern)}): ${message}`;
  }
  for (const word of ["undefined", "NaN"]) {
    if (new RegExp(`\\b${word}\\b`).test(message) && !mentionsOwnInput(message, word, ctx.inputText)) return `error text shows ${word}: ${message}`;
  }
  // A field named as such ("rotation_period") or in words ("role rotation period out of range").
  const lower = message.toLowerCase();
  if (ctx.fieldNames.some((name) => lower.includes(name.toLowerCase()) || lower.includes(name.replaceAll("_", " ").toLowerCase()))) return undefined;
  if (ctx.problems.some((pattern) => pattern.test(message))) return undefined;
  return `error text names no field of the path (${ctx.fieldNames.join(", ")}) and no known problem: ${message}`;
}

/**
 * Why a value would not survive the host's JSON encoding (bigints are sent as numbers; Vault
 * decodes every number into int64 or float64), or undefined when it does.
 */
export function undecodable(value: unknown, where = "$"): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${where} is ${value}`;
  if (typeof value === "bigint") return value >= -(2n ** 63n) && value < 2n ** 63n ? undefined : `${where} is ${value} (beyond int64)`;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const problem = item === undefined ? `${where}[${i}] is undefined` : undecodable(item, `${where}[${i}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      const problem = undecodable(item, `${where}.${key}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  return `${where} is not JSON data (${Object.prototype.toString.call(value)})`;
}

/** Problems with a whole reply's encodable parts. */
export function responseProblem(response: Response | undefined): string | undefined {
  if (response === undefined) return undefined;
  if (response.data !== undefined && response.data !== null) {
    const problem = undecodable(response.data, "data");
    if (problem !== undefined) return problem;
  }
  for (const [i, warning] of (response.warnings ?? []).entries()) {
    if (typeof warning !== "string" || warning === "") return `warnings[${i}] is ${JSON.stringify(warning)}`;
  }
  if (response.secret !== undefined) return undecodable(response.secret.internalData, "secret.internalData");
  return undefined;
}

// --- Storage layouts -------------------------------------------------------------------------------

/** The Go types upstream's structs use, as encoding/json writes them. */
export type GoJsonType = "string" | "int64" | "bool" | "[]string" | "map[string]string" | "time" | "any";

/** One upstream struct's JSON: member → type; `optional` members are `omitempty`. */
export interface StorageLayout {
  /** Keys `prefix…` (or exactly `prefix` when `exact`). */
  prefix: string;
  exact?: boolean;
  members: Readonly<Record<string, GoJsonType>>;
  optional?: readonly string[];
  /** Stored raw (not JSON) by old versions only; the engine must never write such a key. */
  neverWritten?: boolean;
}

const INT64_LIMIT = 2 ** 63;

function typeProblem(value: unknown, type: GoJsonType): string | undefined {
  switch (type) {
    case "any":
      return undecodable(value);
    case "string":
      return typeof value === "string" ? undefined : `not a string: ${JSON.stringify(value)}`;
    case "bool":
      return typeof value === "boolean" ? undefined : `not a bool: ${JSON.stringify(value)}`;
    case "int64":
      // Go decodes a JSON number into int64 only if it is an integer literal within range.
      return typeof value === "number" && Number.isInteger(value) && Math.abs(value) < INT64_LIMIT ? undefined : `not an int64: ${JSON.stringify(value)}`;
    case "time":
      return typeof value === "string" && !Number.isNaN(Date.parse(value)) ? undefined : `not an RFC 3339 time: ${JSON.stringify(value)}`;
    case "[]string":
      return value === null || (Array.isArray(value) && value.every((v) => typeof v === "string")) ? undefined : `not a []string: ${JSON.stringify(value)}`;
    case "map[string]string":
      return value === null || (typeof value === "object" && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string"))
        ? undefined
        : `not a map[string]string: ${JSON.stringify(value)}`;
  }
}

/** Why a stored entry is not upstream's JSON for its key, or undefined when it is. */
export function storageEntryProblem(key: string, bytes: Uint8Array, layouts: readonly StorageLayout[]): string | undefined {
  const layout = layouts.find((l) => (l.exact === true ? key === l.prefix : key.startsWith(l.prefix)));
  if (layout === undefined) return `${key}: stored under no known layout`;
  if (layout.neverWritten === true) return `${key}: written, but only old versions ever wrote this prefix`;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return `${key}: not UTF-8`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `${key}: not JSON: ${text.slice(0, 200)}`;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return `${key}: not a JSON object`;
  const record = json as Record<string, unknown>;
  for (const member of Object.keys(record)) {
    if (!Object.hasOwn(layout.members, member)) return `${key}: member ${member} is not in upstream's layout`;
  }
  for (const [member, type] of Object.entries(layout.members)) {
    if (!Object.hasOwn(record, member)) {
      if (layout.optional?.includes(member) === true) continue;
      return `${key}: member ${member} is missing`;
    }
    const problem = typeProblem(record[member], type);
    if (problem !== undefined) return `${key}: ${member} ${problem}`;
  }
  return undefined;
}
