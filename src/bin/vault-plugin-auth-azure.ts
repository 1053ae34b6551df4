// Entry point of dist/vault-plugin-auth-azure: the Azure auth method as a Vault plugin.
import { createAzureAuthBackend } from "../engines/azure-auth/index.js";
import { serveBackend } from "../grpc/serve-backend.js";
import { exitOnStartupFailure, PLUGIN_VERSION } from "./startup.js";

serveBackend({
  name: "vault-plugin-auth-azure",
  type: "credential",
  version: PLUGIN_VERSION,
  factory: createAzureAuthBackend,
}).catch(exitOnStartupFailure);
