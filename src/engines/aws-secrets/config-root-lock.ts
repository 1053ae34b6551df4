// One lock per mount around every read-modify-write of config/root (upstream's clientMutex).
// Without it a config/root write racing config/rotate-root could put back the key pair that the
// rotation is about to delete in IAM, leaving the mount with dead credentials.
import { KeyedLock } from "../../framework/index.js";
import type { AwsSecretsContext } from "./context.js";

// Keyed by the mount's context object, so the state lives exactly as long as the mount does and
// two mounts in one process never share it.
const locks = new WeakMap<AwsSecretsContext, KeyedLock>();

const KEY = "config/root";

/** Runs `fn` while no other config/root change of this mount runs. */
export function withRootConfigLock<T>(ctx: AwsSecretsContext, fn: () => Promise<T>): Promise<T> {
  let lock = locks.get(ctx);
  if (lock === undefined) {
    lock = new KeyedLock();
    locks.set(ctx, lock);
  }
  return lock.run(KEY, fn);
}
