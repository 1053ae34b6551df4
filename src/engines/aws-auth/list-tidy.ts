// Removing expired entries from the identity access list and the role-tag deny list, in the
// background (path-tidy.ts and the periodic function start it; the request is answered first).
// One run per list per mount at a time (upstream's compare-and-swap guards). A run is bounded:
// one storage call at a time, a pause for the event loop between pages of keys, and it stops at
// the next entry once the mount is cleaned up.
import type { Logger, Storage } from "../../logical/index.js";
import { StoredValueError } from "../../framework/index.js";
import { asObject, storedTime } from "../../framework/stored-json.js";
import { STORAGE } from "./storage-keys.js";

export type ListName = "accessList" | "denyList";

interface ListTarget {
  prefix: string;
  /** Upstream's logger names. */
  loggerName: string;
  what: string;
}

const TARGETS: Record<ListName, ListTarget> = {
  accessList: { prefix: STORAGE.accessListPrefix, loggerName: "wltidy", what: "access list" },
  denyList: { prefix: STORAGE.denyListPrefix, loggerName: "bltidy", what: "deny list" },
};

/** Keys handled between two pauses, so a long list never holds the event loop for long. */
const PAGE_SIZE = 100;

const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export interface TidyOutcome {
  examined: number;
  deleted: number;
  skipped: number;
  stopped: boolean;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

function expirationOf(key: string, value: Uint8Array): Date {
  try {
    return storedTime(asObject(JSON.parse(Buffer.from(value).toString("utf8")) as unknown), "expiration_time");
  } catch (error) {
    throw new StoredValueError(key, error instanceof Error ? error.message : String(error));
  }
}

/** Per-mount tidy state: which lists are being tidied, and how to stop. */
export class ListTidy {
  readonly #running = new Map<ListName, Promise<TidyOutcome>>();
  #stop = new AbortController();

  constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  /**
   * Starts tidying `list` in the background, deleting entries whose expiration plus
   * `safetyBufferSeconds` has passed. Returns false, starting nothing, when a run is already going.
   */
  start(list: ListName, safetyBufferSeconds: number): boolean {
    if (this.#running.has(list)) return false;
    const run = this.#run(list, safetyBufferSeconds, this.#stop.signal).finally(() => this.#running.delete(list));
    this.#running.set(list, run);
    return true;
  }

  /** True while a run of `list` is going. */
  isRunning(list: ListName): boolean {
    return this.#running.has(list);
  }

  /** Resolves when no run is going (the outcome of the current run of `list`, if any). */
  async settled(list: ListName): Promise<TidyOutcome | undefined> {
    return this.#running.get(list);
  }

  /** Stops the runs at their next entry and waits for them (the mount's clean-up). */
  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled([...this.#running.values()]);
    this.#stop = new AbortController();
  }

  async #run(list: ListName, safetyBufferSeconds: number, signal: AbortSignal): Promise<TidyOutcome> {
    const target = TARGETS[list];
    const logger = this.logger.named(target.loggerName);
    const outcome: TidyOutcome = { examined: 0, deleted: 0, skipped: 0, stopped: false };
    try {
      await pause();
      const names = await this.storage.list(target.prefix);
      for (let i = 0; i < names.length; i++) {
        if (i > 0 && i % PAGE_SIZE === 0) await pause();
        if (signal.aborted) {
          outcome.stopped = true;
          break;
        }
        const name = names[i] ?? "";
        outcome.examined += 1;
        if (await this.#tidyOne(target.prefix + name, safetyBufferSeconds, logger)) outcome.deleted += 1;
        else outcome.skipped += 1;
      }
      logger.debug(`${target.what} tidy finished`, { ...outcome });
    } catch (error) {
      logger.error(`error running ${target.what} tidy`, { error: error instanceof Error ? error.message : String(error) });
    }
    return outcome;
  }

  /** Deletes one entry if it is past expiration + buffer; true when deleted. */
  async #tidyOne(key: string, safetyBufferSeconds: number, logger: Logger): Promise<boolean> {
    // A folder: only the deny list has them, when a tag's base64 holds a "/". Upstream's run stops
    // there with an error; this one leaves it and goes on.
    if (key.endsWith("/")) return false;
    const entry = await this.storage.get(key);
    // Deleted since the listing (an operator, a concurrent login's rewrite is caught below).
    if (entry === undefined) return false;
    if (entry.value.length === 0) {
      logger.error("found an empty entry", { key });
      return false;
    }
    let expiration: Date;
    try {
      expiration = expirationOf(key, entry.value);
    } catch (error) {
      logger.error("cannot read the entry's expiration", { key, error: error instanceof Error ? error.message : String(error) });
      return false;
    }
    // Plain numbers: a huge buffer must push the deadline out, never wrap around as Go's does.
    const deadline = expiration.getTime() + safetyBufferSeconds * 1000;
    if (!(this.now().getTime() > deadline)) return false;
    // Read again just before deleting: a login or a deny-list update that rewrote the entry
    // since it was examined has given it a new expiration, and it stays.
    const again = await this.storage.get(key);
    if (again === undefined || !sameBytes(again.value, entry.value)) return false;
    await this.storage.delete(key);
    return true;
  }
}
