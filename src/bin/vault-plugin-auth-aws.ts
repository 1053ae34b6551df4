// Entry point of dist/vault-plugin-auth-aws: the AWS auth method as a Vault plugin.
import { createAwsAuthBackend } from "../engines/aws-auth/index.js";
import { serveBackend } from "../grpc/serve-backend.js";
import { exitOnStartupFailure, PLUGIN_VERSION } from "./startup.js";

// The SDK version is pinned to one that supports Node 20; its notice that later versions will not
// would otherwise land in Vault's log from every plugin process.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ??= "true";

serveBackend({
  name: "vault-plugin-auth-aws",
  type: "credential",
  version: PLUGIN_VERSION,
  factory: createAwsAuthBackend,
}).catch(exitOnStartupFailure);
