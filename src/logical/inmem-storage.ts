import type { Storage, StorageEntry } from "./storage.js";

/** In-memory storage with Vault's list semantics; for tests and for Setup-time probes. */
export class InmemStorage implements Storage {
  readonly #entries = new Map<string, StorageEntry>();

  list(prefix: string): Promise<string[]> {
    const children = new Set<string>();
    for (const key of this.#entries.keys()) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      const slash = rest.indexOf("/");
      children.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    return Promise.resolve([...children].sort());
  }

  get(key: string): Promise<StorageEntry | undefined> {
    const entry = this.#entries.get(key);
    return Promise.resolve(entry === undefined ? undefined : { ...entry, value: Uint8Array.from(entry.value) });
  }

  put(entry: StorageEntry): Promise<void> {
    if (entry.key === "") return Promise.reject(new Error("storage key must not be empty"));
    this.#entries.set(entry.key, { ...entry, value: Uint8Array.from(entry.value) });
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    this.#entries.delete(key);
    return Promise.resolve();
  }
}
