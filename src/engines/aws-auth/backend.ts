// The AWS auth method: EC2 instances log in with a signed identity document (ec2), any AWS
// principal with a signed sts:GetCallerIdentity request (iam). One instance per mount; everything
// stateful hangs off its context (clients, caches), never module scope.
import { defineBackend, KeyedLock, type BackendSpec, type FrameworkBackend } from "../../framework/index.js";
import type { BackendConfig } from "../../logical/index.js";
import { createAwsAuthClients } from "./clients.js";
import type { AwsAuthContext } from "./context.js";
import { verifyRoleTagForDenyList } from "./deny-list-tag-check.js";
import { listsFeature } from "./lists-feature.js";
import { configCertificatePath, listCertificatesPath } from "./path-config-certificate.js";
import { configClientPath } from "./path-config-client.js";
import { configIdentityPath } from "./path-config-identity.js";
import { configRotateRootPath } from "./path-config-rotate-root.js";
import { configStsPath, listStsPath } from "./path-config-sts.js";
import { loginPath } from "./path-login.js";
import { rolePaths } from "./path-role.js";
import { roleTagPath } from "./path-role-tag.js";
import { renewLogin } from "./renew.js";
import { STORAGE } from "./storage-keys.js";
import { startRoleStorageUpgrade } from "./storage-upgrade.js";

const BACKEND_HELP = `The aws auth method authenticates AWS entities: EC2 instances with their signed
instance identity document (auth_type "ec2"), and IAM users and roles with a signed
sts:GetCallerIdentity request (auth_type "iam").

Configure the AWS credentials Vault uses at "config/client", define roles under "role/", then
log in at "login".`;

/** The method's declaration over a mount's context: every path, renewal and periodic work. */
export function awsAuthBackendSpec(ctx: AwsAuthContext): BackendSpec {
  const lists = listsFeature(ctx, verifyRoleTagForDenyList);
  // Per-role write locks, shared by the role paths and the storage upgrade.
  const roleLocks = new KeyedLock();
  let upgrade: AbortController | undefined;
  return {
    type: "credential",
    help: BACKEND_HELP,
    paths: [
      loginPath(ctx),
      configClientPath(ctx),
      configCertificatePath(ctx),
      listCertificatesPath(),
      configStsPath(ctx),
      listStsPath(),
      configIdentityPath(),
      configRotateRootPath(ctx),
      ...rolePaths(ctx, roleLocks),
      roleTagPath(ctx),
      ...lists.paths,
    ],
    specialPaths: {
      unauthenticated: ["login"],
      localStorage: [STORAGE.accessListPrefix],
      sealWrapStorage: [STORAGE.clientConfig],
    },
    authRenew: (request) => renewLogin(ctx, request),
    // Tidy of the access and deny lists, at most once an hour.
    periodic: (request) => lists.periodic(request),
    initialize: async (storage) => {
      upgrade?.abort();
      upgrade = await startRoleStorageUpgrade(ctx, storage, roleLocks);
    },
    invalidate: (key) => {
      if (key === STORAGE.clientConfig || key.startsWith(STORAGE.stsPrefix)) ctx.clients.reset();
      return Promise.resolve();
    },
    clean: async () => {
      upgrade?.abort();
      ctx.clients.reset();
      await lists.clean();
    },
  };
}

export function createAwsAuthBackend(config: BackendConfig): Promise<FrameworkBackend> {
  const clients = createAwsAuthClients({ storage: config.storage, logger: config.logger });
  const ctx: AwsAuthContext = { system: config.system, logger: config.logger, clients, storage: config.storage, now: () => new Date() };
  return Promise.resolve(defineBackend(awsAuthBackendSpec(ctx), config));
}
