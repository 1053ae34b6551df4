// SDK v3 IAM and STS clients from a connection config (features.md A.6; upstream client.go
// getRootIAMConfig / getRootSTSConfigs / nonCachedClientSTS). Building an IAM client does no I/O;
// building the STS client probes each candidate endpoint with GetCallerIdentity and keeps the
// first that answers.
import type { IAMClient, IAMClientConfig } from "@aws-sdk/client-iam";
import type { GetCallerIdentityCommandOutput, STSClient, STSClientConfig } from "@aws-sdk/client-sts";
import { LogicalError } from "../logical/index.js";
import { describeCandidate, maxAttemptsFor, resolveRegion, stsCandidates, type AwsConnectionConfig, type StsCandidate } from "./config.js";
import { clientCredentials } from "./credentials.js";
import { classifyAwsError } from "./errors.js";
import { loadIamSdk, loadStsSdk } from "./sdk.js";

/**
 * Socket limits for every client. The SDK's defaults wait forever for a connection; a dead
 * endpoint must fail (and, for STS, move on to the next candidate) in bounded time. Upstream's
 * cleanhttp client likewise dials with a 30 s limit.
 */
export const CONNECTION_TIMEOUT_MS = 10_000;
/** Longest silence on an open socket before the attempt fails (then the retryer decides). */
export const REQUEST_TIMEOUT_MS = 60_000;

/** Options shared by the builders. */
export interface ClientBuildOptions {
  /** Environment for the region fallback (AWS_REGION, AWS_DEFAULT_REGION); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The settings common to both services for one region/endpoint. */
function baseConfig(config: AwsConnectionConfig, region: string, endpoint: string | undefined): IAMClientConfig & STSClientConfig {
  const settings: IAMClientConfig & STSClientConfig = {
    region,
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  };
  const credentials = clientCredentials(config);
  if (credentials) settings.credentials = credentials;
  const maxAttempts = maxAttemptsFor(config.maxRetries);
  if (maxAttempts !== undefined) settings.maxAttempts = maxAttempts;
  if (endpoint) settings.endpoint = endpoint;
  return settings;
}

/** The IAMClient settings for `config` (exported for tests and diagnostics). */
export function iamClientConfig(config: AwsConnectionConfig, options: ClientBuildOptions = {}): IAMClientConfig {
  return baseConfig(config, resolveRegion(config.region, options.env), config.iamEndpoint || undefined);
}

/** An IAM client for `config`; no request is made. Throws a UserError for half a key pair. */
export async function createIamClient(config: AwsConnectionConfig, options: ClientBuildOptions = {}): Promise<IAMClient> {
  const settings = iamClientConfig(config, options);
  const { IAMClient } = await loadIamSdk();
  return new IAMClient(settings);
}

/** The STSClient settings for one candidate. */
export function stsClientConfig(config: AwsConnectionConfig, candidate: StsCandidate): STSClientConfig {
  return baseConfig(config, candidate.region, candidate.endpoint);
}

/** What createStsClient settled on. */
export interface ProbedStsClient {
  client: STSClient;
  candidate: StsCandidate;
  /** The probe's answer: who the configured credentials are. */
  identity: GetCallerIdentityCommandOutput;
}

export interface StsBuildOptions extends ClientBuildOptions {
  /** Called for each candidate that failed its probe, before the next is tried. */
  onProbeFailure?: (candidate: StsCandidate, error: LogicalError) => void;
}

/**
 * An STS client for the first candidate (primary, then fallbacks) whose GetCallerIdentity
 * succeeds. When every candidate fails, throws a LogicalError listing each failure; it is a user
 * error (400) only when every candidate answered with an AWS client error (e.g. bad keys, which no
 * other endpoint can fix either), else internal (500).
 */
export async function createStsClient(config: AwsConnectionConfig, options: StsBuildOptions = {}): Promise<ProbedStsClient> {
  const failures: { candidate: StsCandidate; error: LogicalError }[] = [];
  const candidates = stsCandidates(config, options.env);
  const { STSClient, GetCallerIdentityCommand } = await loadStsSdk();
  for (const candidate of candidates) {
    const client = new STSClient(stsClientConfig(config, candidate));
    try {
      const identity = await client.send(new GetCallerIdentityCommand({}));
      return { client, candidate, identity };
    } catch (err) {
      client.destroy();
      const error = classifyAwsError(err, "STS GetCallerIdentity");
      failures.push({ candidate, error });
      options.onProbeFailure?.(candidate, error);
    }
  }
  const detail = failures.map((f) => `${describeCandidate(f.candidate)}: ${f.error.message}`).join("; ");
  const allRefused = failures.length > 0 && failures.every((f) => f.error.kind === "user");
  throw new LogicalError(allRefused ? "user" : "internal", `could not obtain an STS client: ${detail}`);
}
