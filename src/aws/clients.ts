// SDK v3 IAM and STS clients from a connection config (features.md A.6; upstream client.go
// getRootIAMConfig / getRootSTSConfigs / nonCachedClientSTS). Building an IAM client does no I/O;
// building the STS client probes each candidate endpoint with GetCallerIdentity and keeps the
// first that answers.
import type { IAMClient, IAMClientConfig } from "@aws-sdk/client-iam";
import type { GetCallerIdentityCommandOutput, STSClient, STSClientConfig } from "@aws-sdk/client-sts";
import type { LogicalError } from "../logical/index.js";
import { describeCandidate, maxAttemptsFor, resolveRegion, stsCandidates, type AwsConnectionConfig, type StsCandidate } from "./config.js";
import { clientCredentials } from "./credentials.js";
import { AwsApiError, classifyAwsError, type AwsFailureClass } from "./errors.js";
import { BudgetedRetryStrategy } from "./retry-budget.js";
import { loadIamSdk, loadStsSdk } from "./sdk.js";

/**
 * The time limits of every AWS call (the numbers are documented in the README, "Reliability").
 * The SDK's own defaults wait up to 300 s on a silent socket and retry that three times; Vault
 * answers its client after 90 s, so a call here ends, with a classified error, well before:
 *   - CONNECTION_TIMEOUT_MS: the TCP connection must be made within 5 s (AWS answers in ms);
 *   - REQUEST_TIMEOUT_MS: the answer's headers must arrive within 20 s of the attempt's start
 *     (the SDK's requestTimeout, made to fail the attempt rather than only log a warning);
 *   - SOCKET_TIMEOUT_MS: a socket silent for 10 s fails the attempt, also while reading a body
 *     (the SDK arms this timer 3 s into the attempt, so silence from the start ends it at 13 s);
 *   - CALL_BUDGET_MS: a retry is only started when it can end within 55 s of the call's start
 *     (one attempt: at most 20 s + 3 s + 10 s), so one call, retries included, ends within 55 s.
 * An endpoint that accepts and never answers thus fails each attempt after about 13 s (two
 * attempts, about 26 s, with the default retries); a closed port fails at once, after the
 * retries' backoff.
 * Attempts stay max_retries + 1 (3 when max_retries is -1, the SDK's default), within the budget.
 */
export const CONNECTION_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 20_000;
export const SOCKET_TIMEOUT_MS = 10_000;
export const CALL_BUDGET_MS = 55_000;
/** How late the SDK arms its socket timer (@smithy/node-http-handler, for timeouts of 6 s or more). */
const SDK_SOCKET_TIMER_DELAY_MS = 3_000;
/** Attempts when max_retries is negative: the SDK's standard retry mode's default. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * How long a replaced or one-off SDK client lives before its sockets are closed. Closing at once
 * would cut requests still running on it (a mount's reset() can come mid-request); no request
 * outlives this, as every attempt is bounded by the socket timeouts above.
 */
export const RETIRED_CLIENT_GRACE_MS = 10 * 60_000;

/** Closes an SDK client after the grace period, without keeping the process alive for it. */
export function retireClient(client: { destroy(): void }): void {
  setTimeout(() => client.destroy(), RETIRED_CLIENT_GRACE_MS).unref();
}

/** What every command is sent with: the abort signal of the request it serves, if any. */
export function sendOptions(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal === undefined ? {} : { abortSignal: signal };
}

/** The limits above, as one value (a test may shorten them; operators cannot). */
export interface CallTimeouts {
  connectionMs: number;
  requestMs: number;
  socketMs: number;
  budgetMs: number;
}

export const DEFAULT_CALL_TIMEOUTS: CallTimeouts = Object.freeze({
  connectionMs: CONNECTION_TIMEOUT_MS,
  requestMs: REQUEST_TIMEOUT_MS,
  socketMs: SOCKET_TIMEOUT_MS,
  budgetMs: CALL_BUDGET_MS,
});

/** Options shared by the builders. */
export interface ClientBuildOptions {
  /** Environment for the region fallback (AWS_REGION, AWS_DEFAULT_REGION); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Time limits; default DEFAULT_CALL_TIMEOUTS. */
  timeouts?: CallTimeouts;
}

/** The longest one attempt can last: the answer's headers, then a body that goes silent. */
export const attemptLimitMs = (timeouts: CallTimeouts): number =>
  timeouts.requestMs + timeouts.socketMs + (timeouts.socketMs >= 6_000 ? SDK_SOCKET_TIMER_DELAY_MS : 0);

/**
 * The settings common to every service client (IAM, STS, EC2) for one region/endpoint: credentials,
 * retries, socket timeouts and the per-call budget; `budgetMs` bounds each call.
 */
export function baseConfig(
  config: AwsConnectionConfig,
  region: string,
  endpoint: string | undefined,
  timeouts: CallTimeouts,
  budgetMs = timeouts.budgetMs,
): IAMClientConfig & STSClientConfig {
  const maxAttempts = maxAttemptsFor(config.maxRetries) ?? DEFAULT_MAX_ATTEMPTS;
  const settings: IAMClientConfig & STSClientConfig = {
    region,
    requestHandler: {
      connectionTimeout: timeouts.connectionMs,
      requestTimeout: timeouts.requestMs,
      throwOnRequestTimeout: true,
      socketTimeout: timeouts.socketMs,
    },
    maxAttempts,
    retryStrategy: new BudgetedRetryStrategy({ maxAttempts, attemptMs: attemptLimitMs(timeouts), budgetMs }),
  };
  const credentials = clientCredentials(config);
  if (credentials) settings.credentials = credentials;
  if (endpoint) settings.endpoint = endpoint;
  return settings;
}

/** The IAMClient settings for `config` (exported for tests and diagnostics). */
export function iamClientConfig(config: AwsConnectionConfig, options: ClientBuildOptions = {}): IAMClientConfig {
  return baseConfig(config, resolveRegion(config.region, options.env), config.iamEndpoint || undefined, options.timeouts ?? DEFAULT_CALL_TIMEOUTS);
}

/** An IAM client for `config`; no request is made. Throws a UserError for half a key pair. */
export async function createIamClient(config: AwsConnectionConfig, options: ClientBuildOptions = {}): Promise<IAMClient> {
  const settings = iamClientConfig(config, options);
  const { IAMClient } = await loadIamSdk();
  return new IAMClient(settings);
}

/** The STSClient settings for one candidate; `budgetMs` bounds each call (default: the timeouts' budget). */
export function stsClientConfig(config: AwsConnectionConfig, candidate: StsCandidate, timeouts = DEFAULT_CALL_TIMEOUTS, budgetMs?: number): STSClientConfig {
  return baseConfig(config, candidate.region, candidate.endpoint, timeouts, budgetMs);
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

/** The class shared by every probe failure, else the first internal failure's (else "rejected"). */
function probeFailureClass(errors: readonly LogicalError[]): AwsFailureClass {
  const classOf = (error: LogicalError): AwsFailureClass =>
    error instanceof AwsApiError ? error.failure : error.kind === "user" ? "rejected" : "aws_error";
  const classes = errors.map(classOf);
  const first = classes[0] ?? "unreachable";
  if (classes.every((c) => c === first)) return first;
  const internal = errors.find((error) => error.kind === "internal");
  return internal === undefined ? "rejected" : classOf(internal);
}

/**
 * An STS client for the first candidate (primary, then fallbacks) whose GetCallerIdentity
 * succeeds, as upstream's nonCachedClientSTS. All probes together keep to one call's budget: a
 * candidate is only tried while a whole attempt still fits, and each probe's retries see what is
 * left. When every candidate fails, throws an AwsApiError naming each failure (upstream's "could
 * not obtain sts client", with the reasons); its class is the one they share, so that all
 * candidates throttled answers as throttling does, and it is a user error (400) only when every
 * candidate answered with an AWS client error (e.g. bad keys, which no other endpoint can fix).
 */
export async function createStsClient(config: AwsConnectionConfig, options: StsBuildOptions = {}): Promise<ProbedStsClient> {
  const timeouts = options.timeouts ?? DEFAULT_CALL_TIMEOUTS;
  const failures: { candidate: StsCandidate; error: LogicalError }[] = [];
  const candidates = stsCandidates(config, options.env);
  const { STSClient, GetCallerIdentityCommand } = await loadStsSdk();
  const startedAt = Date.now();
  for (const candidate of candidates) {
    const left = timeouts.budgetMs - (Date.now() - startedAt);
    if (left < attemptLimitMs(timeouts)) {
      const error = new AwsApiError("internal", `not tried: the ${timeouts.budgetMs / 1000} s for reaching STS were spent`, undefined, "STS GetCallerIdentity", undefined, "timed_out");
      failures.push({ candidate, error });
      continue;
    }
    const probe = new STSClient(stsClientConfig(config, candidate, timeouts, left));
    try {
      const identity = await probe.send(new GetCallerIdentityCommand({}));
      probe.destroy();
      // The probe's retries were bounded by what was left of the probing; later calls get their own budget.
      return { client: new STSClient(stsClientConfig(config, candidate, timeouts)), candidate, identity };
    } catch (err) {
      probe.destroy();
      const error = classifyAwsError(err, "STS GetCallerIdentity");
      failures.push({ candidate, error });
      options.onProbeFailure?.(candidate, error);
    }
  }
  const detail = failures.map((f) => `${describeCandidate(f.candidate)}: ${f.error.message}`).join("; ");
  const allRefused = failures.length > 0 && failures.every((f) => f.error.kind === "user");
  const failure = probeFailureClass(failures.map((f) => f.error));
  throw new AwsApiError(allRefused ? "user" : "internal", `could not obtain sts client: ${detail}`, undefined, "STS GetCallerIdentity", undefined, failure);
}
