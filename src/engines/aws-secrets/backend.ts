// The AWS secrets engine: dynamic IAM users and STS credentials with leases, static roles, and
// the configuration around them. One instance per mount; everything stateful hangs off its
// context (clients, rotation queue), never module scope.
import { defineBackend, type BackendSpec, type FrameworkBackend } from "../../framework/index.js";
import type { BackendConfig } from "../../logical/index.js";
import { createAwsClients } from "./clients.js";
import { readRootConfig } from "./config-root-storage.js";
import type { AwsSecretsContext } from "./context.js";
import { configLeasePath } from "./path-config-lease.js";
import { configRootPath } from "./path-config-root.js";
import { configRotateRootPath } from "./path-config-rotate-root.js";
import { credsPath } from "./path-creds.js";
import { rolePath, rolesListPath } from "./path-roles.js";
import { staticRolesFeature } from "./path-static-roles.js";
import { AWS_USER_ROLLBACK_MIN_AGE_MS, walRollbacks } from "./rollback.js";
import { accessKeysSecret } from "./secret-access-keys.js";

const BACKEND_HELP = `Issues AWS credentials on demand: IAM users with access keys, or temporary STS
credentials (assumed roles, federation and session tokens), each under a lease that Vault renews
and revokes.

Configure the AWS credentials this mount acts with at "config/root", define what each credential
may do under "roles/", then read "creds/<role>" or "sts/<role>" to obtain one.`;

/**
 * The engine's declaration over a mount's context: every path, the secret, WAL rollback and
 * periodic work. Split from the factory so the whole engine can be driven over other AWS clients
 * (the fuzz suite's in-memory IAM and STS) exactly as it is served.
 */
export function awsSecretsBackendSpec(ctx: AwsSecretsContext): BackendSpec {
  const statics = staticRolesFeature(ctx);
  return {
    type: "logical",
    help: BACKEND_HELP,
    paths: [
      configRootPath(ctx),
      configRotateRootPath(ctx),
      configLeasePath,
      rolesListPath(ctx),
      rolePath(ctx),
      credsPath(ctx),
      ...statics.paths,
    ],
    secrets: [accessKeysSecret(ctx)],
    specialPaths: { localStorage: ["wal/"], sealWrapStorage: ["config/root", "static-creds/"] },
    walRollback: walRollbacks(ctx),
    // Fixed, as upstream: IAM's eventual consistency is no less on a test mount, and a shorter age
    // could delete a user whose creation is still settling. Tests age WAL entries instead.
    walRollbackMinAgeMs: AWS_USER_ROLLBACK_MIN_AGE_MS,
    periodic: statics.periodic,
    initialize: statics.initialize,
    invalidate: (key) => {
      if (key === "config/root") ctx.clients.reset();
      return Promise.resolve();
    },
    clean: () => {
      ctx.clients.reset();
      return Promise.resolve();
    },
  };
}

export function createAwsSecretsBackend(config: BackendConfig): Promise<FrameworkBackend> {
  const clients = createAwsClients({ storage: config.storage, readConnection: readRootConfig, logger: config.logger });
  const ctx: AwsSecretsContext = { system: config.system, logger: config.logger, clients, storage: config.storage, now: () => new Date() };
  return Promise.resolve(defineBackend(awsSecretsBackendSpec(ctx), config));
}
