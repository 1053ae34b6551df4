import type { Auth, Secret } from "./lease.js";

/** What a backend answers (≈ Vault `logical.Response`). */
export interface Response {
  /** `null` data is sent to Vault as JSON `null` (nil map), which some operations require. */
  data?: Record<string, unknown> | null;
  secret?: Secret;
  auth?: Auth;
  redirect?: string;
  warnings?: string[];
  headers?: Record<string, string[]>;
  /**
   * Runs after the reply has been handed to the transport for a call that was not cancelled, and
   * never otherwise (cancelled call, process killed first). Never sent to the host. Engines use it
   * to commit what they created outside Vault and whose only record is this reply — the lease
   * Vault records from it — so a reply that never arrives leaves the WAL entry for the rollback
   * (see ARCHITECTURE.md, "Nothing issued is lost track of"). Failures are logged, not answered.
   */
  afterReply?: () => Promise<void>;
}

/** The response with `action` added to its post-reply actions (after any it already has). */
export function withAfterReply(response: Response, action: () => Promise<void>): Response {
  const previous = response.afterReply;
  if (previous === undefined) return { ...response, afterReply: action };
  return {
    ...response,
    afterReply: async () => {
      // Both run even if the first fails: each commits something of its own.
      const results = await Promise.allSettled([previous(), action()]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed !== undefined) throw failed.reason;
    },
  };
}

/**
 * A user-facing failure: Vault returns it as HTTP 400 with this text in `errors`
 * (≈ `logical.ErrorResponse`). Use it for input problems; throw for everything else.
 */
export function errorResponse(message: string): Response {
  return { data: { error: message } };
}

/** True when the response is an error response (only `error`, or `error` + `data`). */
export function isErrorResponse(response: Response | undefined): boolean {
  const data = response?.data;
  if (data === undefined || data === null || typeof data["error"] !== "string") return false;
  const keys = Object.keys(data);
  return keys.length === 1 || (keys.length === 2 && "data" in data);
}

/**
 * The `{"keys": [...]}` shape of a list reply, sorted like Vault's. With no keys the data is empty,
 * as logical.ListResponse leaves it: Vault's HTTP layer answers that with a 404, and clients that
 * read the plugin's reply directly see no `keys` from either implementation.
 */
export function listResponse(keys: readonly string[]): Response {
  return keys.length === 0 ? { data: {} } : { data: { keys: [...keys].sort() } };
}
