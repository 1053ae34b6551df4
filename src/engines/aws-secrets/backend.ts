// The AWS secrets engine: dynamic IAM users and STS credentials.
import { defineBackend } from "../../framework/index.js";
import type { Backend, BackendConfig } from "../../logical/index.js";
import { configLeasePath } from "./path-config-lease.js";

const BACKEND_HELP = `The AWS backend dynamically generates AWS access keys for a set of
IAM policies. The AWS access keys have a configurable lease set and
are automatically revoked at the end of the lease.

After mounting this backend, credentials to generate IAM keys must
be configured with the "root" path and policies must be written using
the "roles/" endpoints before any access keys can be generated.`;

export function createAwsSecretsBackend(config: BackendConfig): Promise<Backend> {
  return Promise.resolve(
    defineBackend(
      {
        type: "logical",
        help: BACKEND_HELP,
        paths: [configLeasePath],
        specialPaths: { localStorage: ["wal/"], sealWrapStorage: ["config/root", "static-creds/"] },
      },
      config,
    ),
  );
}
