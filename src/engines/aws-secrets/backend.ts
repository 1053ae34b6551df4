// The AWS secrets engine: dynamic IAM users and STS credentials.
import { defineBackend } from "../../framework/index.js";
import type { Backend, BackendConfig } from "../../logical/index.js";
import { OPERATION_PREFIX } from "./constants.js";
import { configLeasePath } from "./path-config-lease.js";

const BACKEND_HELP = `Issues AWS credentials on demand: IAM users with access keys, or temporary STS
credentials (assumed roles, federation and session tokens), each under a lease that Vault renews
and revokes.

Configure the AWS credentials this mount acts with at "config/root", define what each credential
may do under "roles/", then read "creds/<role>" or "sts/<role>" to obtain one.`;

export function createAwsSecretsBackend(config: BackendConfig): Promise<Backend> {
  return Promise.resolve(
    defineBackend(
      {
        type: "logical",
        help: BACKEND_HELP,
        operationPrefix: OPERATION_PREFIX,
        paths: [configLeasePath],
        specialPaths: { localStorage: ["wal/"], sealWrapStorage: ["config/root", "static-creds/"] },
      },
      config,
    ),
  );
}
