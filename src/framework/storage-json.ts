// Typed JSON storage accessors (architecture.md principle 9): one value per stored entity that
// knows its key and how to check what it reads back, so handlers never build keys inline or trust
// stored JSON blindly. Values are plain JSON, the encoding Vault's Go engines use.
import { getJson, putJson, type Storage } from "../logical/index.js";

/** Checks a parsed JSON value and returns it typed; throws (any Error) when it does not fit. */
export type Validate<T> = (value: unknown) => T;

/** Options shared by the accessors. */
export interface JsonStorageOptions {
  /** Ask Vault to seal-wrap the values (Enterprise; ignored elsewhere). */
  sealWrap?: boolean;
}

/** One fixed key, e.g. `config/root`. */
export interface JsonEntry<T> {
  readonly key: string;
  /** The stored value, or undefined when the key is absent. */
  get(storage: Storage): Promise<T | undefined>;
  put(storage: Storage, value: T): Promise<void>;
  delete(storage: Storage): Promise<void>;
}

/** A family of keys under one prefix, e.g. `role/<name>`. */
export interface JsonCollection<T> {
  readonly prefix: string;
  /** The storage key of `name`. */
  key(name: string): string;
  get(storage: Storage, name: string): Promise<T | undefined>;
  put(storage: Storage, name: string, value: T): Promise<void>;
  delete(storage: Storage, name: string): Promise<void>;
  /** The names stored directly under the prefix (sub-folders, listed as `x/`, are left out). */
  list(storage: Storage): Promise<string[]>;
}

/** Raised when stored bytes are not JSON or do not pass validation; names the key. */
export class StoredValueError extends Error {
  override readonly name = "StoredValueError";

  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid value stored at ${JSON.stringify(key)}: ${reason}`);
  }
}

async function read<T>(storage: Storage, key: string, validate: Validate<T>): Promise<T | undefined> {
  let raw: unknown;
  try {
    raw = await getJson(storage, key);
  } catch (error) {
    // Only a parse failure is the value's fault; a failing storage call propagates untouched.
    if (error instanceof SyntaxError) throw new StoredValueError(key, error.message);
    throw error;
  }
  if (raw === undefined) return undefined;
  try {
    return validate(raw);
  } catch (error) {
    throw new StoredValueError(key, error instanceof Error ? error.message : String(error));
  }
}

/** An accessor for the JSON value at `key`, checked by `validate` on every read. */
export function jsonEntry<T>(key: string, validate: Validate<T>, options: JsonStorageOptions = {}): JsonEntry<T> {
  if (key === "" || key.endsWith("/")) throw new Error(`storage key ${JSON.stringify(key)} must name a leaf`);
  return {
    key,
    get: (storage) => read(storage, key, validate),
    put: (storage, value) => putJson(storage, key, value, options.sealWrap ?? false),
    delete: (storage) => storage.delete(key),
  };
}

/** An accessor for JSON values stored as `<prefix><name>`; `prefix` must end in `/`. */
export function jsonCollection<T>(prefix: string, validate: Validate<T>, options: JsonStorageOptions = {}): JsonCollection<T> {
  if (!prefix.endsWith("/")) throw new Error(`storage prefix ${JSON.stringify(prefix)} must end in "/"`);
  const key = (name: string): string => {
    // An empty name would address the folder itself; a slash would hide the value from `list`.
    if (name === "" || name.includes("/")) throw new Error(`invalid name ${JSON.stringify(name)} under ${JSON.stringify(prefix)}`);
    return prefix + name;
  };
  return {
    prefix,
    key,
    get: (storage, name) => read(storage, key(name), validate),
    put: (storage, name, value) => putJson(storage, key(name), value, options.sealWrap ?? false),
    delete: (storage, name) => storage.delete(key(name)),
    list: async (storage) => (await storage.list(prefix)).filter((name) => !name.endsWith("/")),
  };
}
