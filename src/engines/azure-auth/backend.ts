// The Azure auth method: Azure managed identities (and service principals) log in with an Azure AD
// access token, checked against a role's binds and, for resource binds, against Azure Resource
// Manager. One instance per mount; everything stateful hangs off its context.
import { defineBackend, WAL_PREFIX, type BackendSpec, type FrameworkBackend } from "../../framework/index.js";
import type { BackendConfig } from "../../logical/index.js";
import { createAzureAuthClients } from "./clients.js";
import type { AzureAuthContext } from "./context.js";
import { renewLogin } from "./login.js";
import { loginPath } from "./path-login.js";
import { STORAGE } from "./storage-keys.js";

const BACKEND_HELP = `The Azure auth method authenticates Azure managed identities and service
principals with their Azure Active Directory access token.

Configure the tenant and the expected audience at "config", define roles under "role/", then
log in at "login".`;

/** The method's declaration over a mount's context: every path, renewal and periodic work. */
export function azureAuthBackendSpec(ctx: AzureAuthContext): BackendSpec {
  return {
    type: "credential",
    help: BACKEND_HELP,
    paths: [loginPath(ctx)],
    specialPaths: {
      unauthenticated: ["login"],
      localStorage: [WAL_PREFIX],
      sealWrapStorage: [STORAGE.config],
    },
    authRenew: (request) => renewLogin(ctx, request),
    invalidate: (key) => {
      if (key === STORAGE.config) ctx.clients.reset();
      return Promise.resolve();
    },
    clean: () => {
      ctx.clients.reset();
      return Promise.resolve();
    },
  };
}

export function createAzureAuthBackend(config: BackendConfig): Promise<FrameworkBackend> {
  const clients = createAzureAuthClients({ storage: config.storage, logger: config.logger, env: process.env });
  const ctx: AzureAuthContext = { system: config.system, logger: config.logger, clients, storage: config.storage, now: () => new Date() };
  return Promise.resolve(defineBackend(azureAuthBackendSpec(ctx), config));
}
