// Limits on the JSON body of a request, checked before it is parsed. One plugin process serves
// every mount of an engine, so a single oversized or deeply nested body costs all of them memory
// and time. Vault 1.20+ checks bodies at its listener (http/handler.go: depth 300, strings 1 MiB,
// 10000 object entries, 10000 array elements, 32 MiB per request); OpenBao and older Vaults do
// not, so the plugin checks for itself. Depth and the per-container counts are Vault's; the body
// and string limits are tighter than Vault's because nothing our engines accept comes close: the
// largest legitimate value is an IAM policy document (AWS allows 10,240 characters for a role's
// inline policies, 6,144 for a managed policy, 2,048 for a session policy).
import { LogicalError } from "../logical/index.js";

/** The limits a request body is held to. */
export interface RequestDataLimits {
  /** Bytes of the JSON body: 100 times the largest legitimate body. */
  readonly maxBytes: number;
  /** Nesting of objects and arrays (Vault's CustomMaxJSONDepth). */
  readonly maxDepth: number;
  /** Characters of one string, key or value, as sent (escapes count as written). */
  readonly maxStringLength: number;
  /** Entries of one object (Vault's CustomMaxJSONObjectEntryCount). */
  readonly maxObjectEntries: number;
  /** Elements of one array (Vault's CustomMaxJSONArrayElementCount). */
  readonly maxArrayElements: number;
}

export const REQUEST_DATA_LIMITS: RequestDataLimits = {
  maxBytes: 1024 * 1024,
  maxDepth: 300,
  maxStringLength: 256 * 1024,
  maxObjectEntries: 10_000,
  maxArrayElements: 10_000,
};

/** Longest field name quoted in a limit error. */
const MAX_NAMED_KEY = 64;

/** A body over a limit: HTTP 400 (Vault's StatusBadRequest), naming the limit and the field. */
export class RequestLimitError extends LogicalError {
  constructor(message: string) {
    super("bad-request", message);
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/**
 * Throws RequestLimitError when `text` exceeds a limit; returns it unchanged otherwise. One pass
 * over the characters with a stack bounded by maxDepth: no recursion and no allocation per
 * value, so checking is never the expensive part. Malformed JSON is left to JSON.parse.
 */
export function checkRequestData(text: string, limits: RequestDataLimits = REQUEST_DATA_LIMITS): string {
  // UTF-16 length first: a string can only be longer in UTF-8, so a short one needs no encoding.
  if (text.length > limits.maxBytes || (text.length * 3 > limits.maxBytes && Buffer.byteLength(text, "utf8") > limits.maxBytes)) {
    throw new RequestLimitError(`request data is ${Buffer.byteLength(text, "utf8")} bytes, over the limit of ${limits.maxBytes} bytes`);
  }
  const isArray: boolean[] = [];
  const commas: number[] = [];
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  let expectKey = false;
  let topKey: string | undefined;
  const field = (): string => (topKey === undefined ? "request data" : `field ${JSON.stringify(topKey)}`);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) {
        inString = false;
        if (i - stringStart > limits.maxStringLength) {
          throw new RequestLimitError(`${field()}: a string of ${i - stringStart} characters is over the limit of ${limits.maxStringLength}`);
        }
      }
      continue;
    }
    switch (c) {
      case QUOTE:
        inString = true;
        stringStart = i + 1;
        if (expectKey && depth === 1) {
          const end = text.indexOf('"', stringStart);
          topKey = text.slice(stringStart, Math.min(end < 0 ? text.length : end, stringStart + MAX_NAMED_KEY));
        }
        expectKey = false;
        break;
      case OPEN_OBJECT: case OPEN_ARRAY:
        if (depth >= limits.maxDepth) throw new RequestLimitError(`${field()}: objects and arrays nest deeper than the limit of ${limits.maxDepth}`);
        isArray[depth] = c === OPEN_ARRAY;
        commas[depth] = 0;
        depth++;
        expectKey = c === OPEN_OBJECT;
        break;
      case CLOSE_OBJECT: case CLOSE_ARRAY:
        if (depth > 0) depth--;
        expectKey = false;
        break;
      case COMMA: {
        if (depth === 0) break;
        const level = depth - 1;
        const count = (commas[level] ?? 0) + 1;
        commas[level] = count;
        // n commas separate n + 1 members.
        const array = isArray[level] === true;
        const max = array ? limits.maxArrayElements : limits.maxObjectEntries;
        if (count + 1 > max) {
          throw new RequestLimitError(`${field()}: ${array ? "an array has more than" : "an object has more than"} ${max} ${array ? "elements" : "entries"}, the limit`);
        }
        expectKey = !array;
        break;
      }
      case COLON:
        expectKey = false;
        break;
    }
  }
  return text;
}
