// One lock per mount around the read-modify-write of configuration entries (upstream's
// configMutex): a config/client write racing config/rotate-root could otherwise put back the key
// pair the rotation is about to delete in IAM, and two certificate or STS writes could lose one.
import { KeyedLock } from "../../framework/index.js";
import type { AwsAuthContext } from "./context.js";

// Keyed by the mount's context object, so the state lives exactly as long as the mount and two
// mounts in one process never share it.
const locks = new WeakMap<AwsAuthContext, KeyedLock>();

/** Runs `fn` while no other change of the configuration entry `key` of this mount runs. */
export function withConfigLock<T>(ctx: AwsAuthContext, key: string, fn: () => Promise<T>): Promise<T> {
  let lock = locks.get(ctx);
  if (lock === undefined) {
    lock = new KeyedLock();
    locks.set(ctx, lock);
  }
  return lock.run(key, fn);
}
