/** One value in Vault's storage under the mount's view. */
export interface StorageEntry {
  key: string;
  value: Uint8Array;
  /** Ask Vault to seal-wrap the value (Enterprise); ignored elsewhere. */
  sealWrap?: boolean;
}

/**
 * The backend's storage view (≈ Vault `logical.Storage`). Keys are relative to the mount.
 * `list` returns the direct children of `prefix`: full names for leaves, `name/` for folders.
 */
export interface Storage {
  list(prefix: string): Promise<string[]>;
  get(key: string): Promise<StorageEntry | undefined>;
  put(entry: StorageEntry): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Reads a JSON value; `undefined` when the key is absent. */
export async function getJson(storage: Storage, key: string): Promise<unknown> {
  const entry = await storage.get(key);
  if (entry === undefined) return undefined;
  return JSON.parse(Buffer.from(entry.value).toString("utf8")) as unknown;
}

/** Stores a value as JSON, the encoding Vault's Go engines use, so storage stays interchangeable. */
export async function putJson(storage: Storage, key: string, value: unknown, sealWrap = false): Promise<void> {
  await storage.put({ key, value: Buffer.from(JSON.stringify(value), "utf8"), sealWrap });
}
