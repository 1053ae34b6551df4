// Which credentials the AWS clients sign with (features.md A.6, upstream awsutil
// CredentialsConfig.GenerateCredentialChain):
//   * access_key and secret_key both set → exactly those static keys;
//   * both empty → the SDK's default provider chain. SDK v3 clients use it whenever no `credentials`
//     are given: environment (AWS_ACCESS_KEY_ID/…), SSO, shared config/credentials files (AWS_PROFILE
//     or "default"), credential_process, web identity token file, then ECS container credentials or
//     EC2 IMDS — the chain `fromNodeProviderChain` exposes. Leaving `credentials` unset (instead of
//     importing @aws-sdk/credential-provider-node, which is only a transitive dependency) keeps the
//     SDK's own memoisation and refresh of those credentials.
//   * exactly one of them set → an error, as upstream: half a key pair is a configuration mistake and
//     silently falling back to the host's identity (IMDS) would be a surprise.
// Plugin WIF (identity_token_audience) is not wired here: it needs the host to issue plugin identity
// tokens (Vault Enterprise), and config/root refuses the field where the host cannot.
import { UserError } from "../logical/index.js";
import type { AwsConnectionConfig } from "./config.js";

/** A static key pair in the SDK's shape. */
export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export type CredentialSource = "static" | "default-chain";

/** Upstream's wording for a half-configured key pair (awsutil). */
export const HALF_KEY_PAIR_MESSAGE =
  "static AWS client credentials haven't been properly configured (the access key or secret key were provided but not both)";

/** Where the clients' credentials come from; throws a UserError for half a key pair. */
export function credentialSource(config: Pick<AwsConnectionConfig, "accessKey" | "secretKey">): CredentialSource {
  const hasKey = config.accessKey !== "";
  const hasSecret = config.secretKey !== "";
  if (hasKey !== hasSecret) throw new UserError(HALF_KEY_PAIR_MESSAGE);
  return hasKey ? "static" : "default-chain";
}

/**
 * The `credentials` option for an SDK client: the static pair, or undefined so the SDK resolves
 * its default chain lazily on the first request.
 */
export function clientCredentials(config: Pick<AwsConnectionConfig, "accessKey" | "secretKey">): StaticCredentials | undefined {
  return credentialSource(config) === "static"
    ? { accessKeyId: config.accessKey, secretAccessKey: config.secretKey }
    : undefined;
}
