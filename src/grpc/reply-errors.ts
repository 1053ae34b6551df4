import { READ_ONLY_STORAGE, ReadOnlyError } from "../logical/index.js";

/**
 * Vault's Storage/SystemView replies carry failures as an `err` string; non-empty means failure.
 * A write refused because this node is a standby becomes ReadOnlyError: the request then ends
 * with Vault's ErrReadOnly text, which the host answers by forwarding it to the active node (as
 * it does for a Go plugin, whose storage error is that text), and it is not logged as a failure.
 */
export function throwIfErr(err: string, what: string): void {
  if (err === "") return;
  if (err.includes(READ_ONLY_STORAGE)) throw new ReadOnlyError();
  throw new Error(`${what}: ${err}`);
}
