// WAL rollbacks of the AWS secrets engine (≈ upstream rollback.go): one handler per WAL kind.
// Registered on the backend together with AWS_USER_ROLLBACK_MIN_AGE_MS as its minimum WAL age.
import type { WalRollback } from "../../framework/index.js";
import type { AwsSecretsContext } from "./context.js";
import { AWS_USER_ROLLBACK_MIN_AGE_MS, deleteIamUser, type AwsWalKind } from "./iam-user.js";

export { AWS_USER_ROLLBACK_MIN_AGE_MS };

/**
 * The user name a "user" entry guards. Upstream writes `{"UserName": …}` and decodes with
 * mapstructure, which matches keys case-insensitively; revoke used to pass `{"username": …}`.
 * Both spellings are therefore accepted, so entries written by Vault's engine roll back here.
 */
export function walUserName(data: unknown): string {
  if (typeof data === "object" && data !== null && !Array.isArray(data)) {
    for (const [key, value] of Object.entries(data)) {
      if (key.toLowerCase() === "username" && typeof value === "string" && value !== "") return value;
    }
  }
  throw new Error(`WAL entry has no user name: ${JSON.stringify(data)}`);
}

// Replication state bits (sdk/helper/consts/replication.go, protocol.md 5.7).
const PERFORMANCE_SECONDARY = 1 << 6;
const PERFORMANCE_STANDBY = 1 << 14;

/**
 * Upstream rolls back only where the mount's storage is its own: on a performance secondary or
 * standby of a replicated mount the entry is acknowledged without touching IAM (the primary owns
 * the users), exactly as upstream returns nil there.
 */
async function mayRollBack(ctx: AwsSecretsContext): Promise<boolean> {
  if (await ctx.system.localMount()) return true;
  return ((await ctx.system.replicationState()) & (PERFORMANCE_SECONDARY | PERFORMANCE_STANDBY)) === 0;
}

/**
 * The rollback per WAL kind. "user" tears the half-created IAM user down completely; a user that
 * never got created (or is gone already) counts as rolled back, which the minimum WAL age makes
 * safe against IAM's eventual consistency.
 */
export function walRollbacks(ctx: AwsSecretsContext): Record<AwsWalKind, WalRollback> {
  return {
    user: async (_request, data) => {
      if (!(await mayRollBack(ctx))) return;
      await deleteIamUser(ctx, walUserName(data), { fromRollback: true });
    },
  };
}
