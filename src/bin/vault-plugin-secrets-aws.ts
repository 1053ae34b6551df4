// Entry point of dist/vault-plugin-secrets-aws: the AWS secrets engine as a Vault plugin.
import { createAwsSecretsBackend } from "../engines/aws-secrets/index.js";
import { serveBackend } from "../grpc/serve-backend.js";
import { exitOnStartupFailure, PLUGIN_VERSION } from "./startup.js";

serveBackend({
  name: "vault-plugin-secrets-aws",
  type: "logical",
  version: PLUGIN_VERSION,
  factory: createAwsSecretsBackend,
}).catch(exitOnStartupFailure);
