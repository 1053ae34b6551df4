// Write-ahead log for external side effects (≈ Vault sdk/framework/wal.go and the WAL half of
// backend.go handleRollback). An engine writes an entry before it creates something outside Vault
// (an IAM user, a service principal), deletes it once the result is safely stored, and registers a
// rollback per kind; Vault's `rollback` operation (once a minute) undoes whatever a crash left
// half-done. Entries use the Go framework's JSON layout, so a Go and a Node build of the same
// engine can take over each other's storage.
import { randomUUID } from "node:crypto";
import { errorResponse, getJson, putJson, withAfterReply, type Request, type Response, type Storage } from "../logical/index.js";
import type { WalRollback } from "./types.js";
import { multiErrorText } from "./multierror.js";

/** Storage prefix of WAL entries (Vault's `framework.WALPrefix`). */
export const WAL_PREFIX = "wal/";

/** Vault's default `WALRollbackMinAge`: entries younger than this are assumed to be in flight. */
export const DEFAULT_WAL_ROLLBACK_MIN_AGE_MS = 10 * 60 * 1000;

// Upstream pushes the cut-off 1000 hours into the future for `immediate`, so every entry qualifies.
const IMMEDIATE_LOOKAHEAD_MS = 1000 * 3600 * 1000;

/** One WAL entry; `createdAt` is Unix seconds, as the Go framework stores it. */
export interface WalEntry {
  id: string;
  kind: string;
  data: unknown;
  createdAt: number;
}

/** Options for `putWal`; both exist for deterministic tests. */
export interface PutWalOptions {
  /** The creation time stamped into the entry (default: now). */
  now?: Date;
  /** The entry id (default: a random UUID, as upstream). */
  id?: string;
}

/**
 * Writes a WAL entry `{"type": kind, "data": data, "created_at": <unix seconds>}` under
 * `wal/<id>` and returns the id for `deleteWal`. `data` must be JSON-encodable: it is what the
 * kind's rollback receives.
 */
export async function putWal(storage: Storage, kind: string, data: unknown, options: PutWalOptions = {}): Promise<string> {
  const id = options.id ?? randomUUID();
  const createdAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  // `undefined` would vanish from the JSON; Go writes a nil interface as null.
  await putJson(storage, WAL_PREFIX + id, { type: kind, data: data ?? null, created_at: createdAt });
  return id;
}

/**
 * Reads one entry; undefined when it is gone. Throws when the stored value is not a WAL entry.
 * Missing members read as Go's zero values (kind "", created 1970), as Go's decoder leaves them.
 */
export async function getWal(storage: Storage, id: string): Promise<WalEntry | undefined> {
  const raw = await getJson(storage, WAL_PREFIX + id);
  if (raw === undefined) return undefined;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error(`WAL entry ${JSON.stringify(id)} is not a JSON object`);
  }
  const entry = raw as Record<string, unknown>;
  const kind = entry["type"] ?? "";
  const createdAt = entry["created_at"] ?? 0;
  if (typeof kind !== "string") throw new Error(`WAL entry ${JSON.stringify(id)}: "type" is not a string`);
  if (typeof createdAt !== "number" || !Number.isInteger(createdAt)) {
    throw new Error(`WAL entry ${JSON.stringify(id)}: "created_at" is not an integer`);
  }
  return { id, kind, data: entry["data"] ?? null, createdAt };
}

/** Commits the operation the entry guarded: the entry will not be rolled back. */
export async function deleteWal(storage: Storage, id: string): Promise<void> {
  await storage.delete(WAL_PREFIX + id);
}

/** Attempts and pauses of the post-reply commit: a transient storage error must not cost a lease. */
const COMMIT_RETRY_DELAYS_MS = [0, 200, 1000];

/**
 * The rule for anything created outside Vault whose only record is the lease Vault will make from
 * this reply (an IAM user and its key): the WAL entry guarding it is deleted only once the reply
 * has been handed to Vault for a call that was not cancelled (the response's post-reply action,
 * run by the transport). A cancelled call, a crash or a kill -9 before that leaves the entry, and
 * the rollback removes the thing once the entry is old enough: the credential dies early rather
 * than live untracked. If all attempts to delete the entry fail the same happens (the error is
 * logged by the transport).
 */
export function deleteWalAfterReply(response: Response, storage: Storage, id: string): Response {
  return withAfterReply(response, async () => {
    let last: unknown;
    for (const delayMs of COMMIT_RETRY_DELAYS_MS) {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        await deleteWal(storage, id);
        return;
      } catch (err) {
        last = err;
      }
    }
    throw new Error(`failed to commit WAL entry ${JSON.stringify(id)}: ${errorMessage(last)}`, { cause: last });
  });
}

/** The ids of all WAL entries. */
export async function listWal(storage: Storage): Promise<string[]> {
  const keys = await storage.list(WAL_PREFIX);
  return keys.map((key) => (key.startsWith(WAL_PREFIX) ? key.slice(WAL_PREFIX.length) : key));
}

/** What a sweep did, for the caller's log line; `response` is what the rollback should answer. */
export interface WalRollbackSummary {
  /** Entries found under `wal/`. */
  examined: number;
  /** Ids rolled back and deleted. */
  rolledBack: string[];
  /** Ids left alone because they are younger than the minimum age. */
  tooYoung: string[];
  /** One message per failed entry, in upstream's wording. */
  errors: string[];
  /** Vault's reply: an error response listing `errors` (multierror format), else undefined. */
  response: Response | undefined;
}

/**
 * One WAL sweep (≈ handleWALRollback): lists `wal/`, and for each entry created before
 * `now - minAge` runs the rollback registered for its kind and deletes the entry on success.
 * Failures do not stop the sweep; each becomes `error rolling back "<kind>" entry: <message>`
 * (an unregistered kind fails with "unknown type to rollback", as Vault's AWS engine words it) and
 * the entry stays for the next sweep. A request whose data has an `immediate` key (any value)
 * rolls back every entry regardless of age. A failed listing is answered as an error response.
 * `minAgeMs` of 0 (or less) means Vault's 10 minutes. `storage` is normally `request.storage`;
 * `request` is what each rollback handler receives.
 *
 * The caller answers the `rollback` operation with `summary.response` (undefined when clean).
 */
export async function rollbackWal(
  storage: Storage,
  handlers: Readonly<Record<string, WalRollback>>,
  request: Request,
  minAgeMs: number = DEFAULT_WAL_ROLLBACK_MIN_AGE_MS,
  now: Date = new Date(),
): Promise<WalRollbackSummary> {
  const summary: WalRollbackSummary = { examined: 0, rolledBack: [], tooYoung: [], errors: [], response: undefined };
  let ids: string[];
  try {
    ids = await listWal(storage);
  } catch (error) {
    const message = errorMessage(error);
    summary.errors.push(message);
    summary.response = errorResponse(message);
    return summary;
  }
  summary.examined = ids.length;
  if (ids.length === 0) return summary;

  const nowMs = now.getTime();
  // Upstream treats a zero minimum age as "not configured".
  const ageMs = minAgeMs > 0 ? minAgeMs : DEFAULT_WAL_ROLLBACK_MIN_AGE_MS;
  const immediate = request.data !== undefined && Object.hasOwn(request.data, "immediate");
  const cutoffMs = immediate ? nowMs + IMMEDIATE_LOOKAHEAD_MS : nowMs - ageMs;

  for (const id of ids) {
    // Vault gave up on this rollback: the rest waits for the next one.
    if (request.signal?.aborted === true) break;
    let entry: WalEntry | undefined;
    try {
      entry = await getWal(storage, id);
    } catch (error) {
      summary.errors.push(errorMessage(error));
      continue;
    }
    // Gone meanwhile (committed by a request that just finished), or a sub-folder.
    if (entry === undefined) continue;
    if (!(entry.createdAt * 1000 < cutoffMs)) {
      summary.tooYoung.push(id);
      continue;
    }
    const rollback = Object.hasOwn(handlers, entry.kind) ? handlers[entry.kind] : undefined;
    try {
      if (rollback === undefined) throw new Error("unknown type to rollback");
      await rollback(request, entry.data);
    } catch (error) {
      summary.errors.push(`error rolling back ${JSON.stringify(entry.kind)} entry: ${errorMessage(error)}`);
      continue;
    }
    try {
      await deleteWal(storage, id);
      summary.rolledBack.push(id);
    } catch (error) {
      summary.errors.push(errorMessage(error));
    }
  }
  if (summary.errors.length > 0) summary.response = errorResponse(multiErrorText(summary.errors));
  return summary;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
