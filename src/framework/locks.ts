// Per-key async mutual exclusion for read-modify-write on storage (the role Vault's
// sdk/helper/locksutil plays). Vault stripes keys over 256 RW mutexes, so unrelated keys can
// contend; here every key gets its own FIFO queue, created on first use and dropped when the last
// holder releases, so memory follows the number of keys in use rather than ever seen.
//
// Handlers run concurrently on one event loop: any `await` between a storage read and the write
// that depends on it lets another request interleave, hence these locks.

/** Releases a held key; calling it more than once has no further effect. */
export type Release = () => void;

/**
 * A set of named async mutexes. Waiters on a key are served in arrival order; locks are not
 * re-entrant (taking a key you already hold deadlocks), and `runAll` takes several keys in one
 * global order so two callers cannot deadlock on each other.
 */
export class KeyedLock {
  // The tail of each key's queue: resolves when the last waiter queued so far has released.
  readonly #tails = new Map<string, Promise<void>>();

  /** Keys currently held or waited for (0 when idle: entries never outlive their use). */
  get size(): number {
    return this.#tails.size;
  }

  /** True while someone holds or waits for `key`. */
  isLocked(key: string): boolean {
    return this.#tails.has(key);
  }

  /** Waits for `key` and returns its release function. Prefer `run`, which cannot forget to release. */
  async acquire(key: string): Promise<Release> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let signal!: () => void;
    const released = new Promise<void>((resolve) => {
      signal = resolve;
    });
    // Queue behind everyone already waiting; the chain only ever resolves, never rejects.
    const tail = previous.then(() => released);
    this.#tails.set(key, tail);
    await previous;

    let done = false;
    return () => {
      if (done) return;
      done = true;
      signal();
      // Only the last waiter in line removes the entry; a newer tail means someone is queued.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }

  /** Runs `fn` while holding `key`; the key is released however `fn` ends. */
  async run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const release = await this.acquire(key);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * Runs `fn` while holding every key in `keys` (duplicates allowed). Keys are taken in sorted
   * order, the rule locksutil.LocksForKeys relies on, so overlapping multi-key callers queue
   * instead of deadlocking.
   */
  async runAll<T>(keys: readonly string[], fn: () => Promise<T> | T): Promise<T> {
    const ordered = [...new Set(keys)].sort();
    const releases: Release[] = [];
    try {
      for (const key of ordered) releases.push(await this.acquire(key));
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }
}
