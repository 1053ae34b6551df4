// AWS clients of one mount: built from config/client (keys or the SDK's default chain, endpoints,
// max_retries) and, for other accounts, config/sts/<account> (AssumeRole with external_id).
// Filled in by the config work; until then every client is refused.
import type { Logger, Storage } from "../../logical/index.js";
import type { AwsAuthClients } from "./aws-api.js";

export interface CreateAwsAuthClientsOptions {
  storage: Storage;
  logger: Logger;
}

export function createAwsAuthClients(_options: CreateAwsAuthClientsOptions): AwsAuthClients {
  const unavailable = (): Promise<never> => Promise.reject(new Error("AWS clients are not available in this build"));
  return { ec2: unavailable, iam: unavailable, defaultAccountId: unavailable, rootKeyIam: unavailable, reset: () => undefined };
}
