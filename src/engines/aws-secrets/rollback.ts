// WAL rollbacks of the AWS secrets engine (≈ upstream rollback.go): one handler per WAL kind.
// Registered on the backend together with AWS_USER_ROLLBACK_MIN_AGE_MS as its minimum WAL age.
import { primaryOwnsMountData, type WalRollback } from "../../framework/index.js";
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

/**
 * The rollback per WAL kind. "user" tears the half-created IAM user down completely; a user that
 * never got created (or is gone already) counts as rolled back, which the minimum WAL age makes
 * safe against IAM's eventual consistency.
 */
export function walRollbacks(ctx: AwsSecretsContext): Record<AwsWalKind, WalRollback> {
  return {
    user: async (request, data) => {
      // On a performance secondary or standby of a replicated mount the primary owns the users:
      // the entry is acknowledged without touching IAM, exactly as upstream returns nil there.
      if (await primaryOwnsMountData(ctx.system)) return;
      await deleteIamUser(ctx, walUserName(data), { fromRollback: true, signal: request.signal });
    },
  };
}
