// How a connection config (the connection fields of the AWS secrets engine's config/root, or an auth
// method's client config) turns into SDK settings: region fallback, retry budget and the ordered list
// of STS endpoints to probe. Pure functions, so the rules are tested without any network.
// Facts from upstream hashicorp/vault builtin/logical/aws/client.go (newest, SDK v2):
// getFallbackRegion, getRootIAMConfig and getRootSTSConfigs (features.md A.6).
import { UserError } from "../logical/index.js";

/** The connection settings shared by every AWS client of a mount. */
export interface AwsConnectionConfig {
  /** Static access key id; empty = the SDK default credential chain (with `secretKey` empty too). */
  accessKey: string;
  secretKey: string;
  /** IAM client region; empty = AWS_REGION → AWS_DEFAULT_REGION → us-east-1. */
  region: string;
  /** Custom IAM URL; empty = the SDK's endpoint for the region. */
  iamEndpoint: string;
  /** Custom STS URL of the primary candidate; empty = the SDK's regional endpoint. */
  stsEndpoint: string;
  /** Region of the primary STS candidate; only honoured together with `stsEndpoint` (as upstream). */
  stsRegion: string;
  stsFallbackEndpoints: readonly string[];
  stsFallbackRegions: readonly string[];
  /** Retries after the first attempt; -1 (or any negative value) keeps the SDK's default. */
  maxRetries: number;
}

/** A config with every field at its config/root default (what upstream uses when none is stored). */
export const DEFAULT_CONNECTION_CONFIG: AwsConnectionConfig = Object.freeze({
  accessKey: "",
  secretKey: "",
  region: "",
  iamEndpoint: "",
  stsEndpoint: "",
  stsRegion: "",
  stsFallbackEndpoints: [],
  stsFallbackRegions: [],
  maxRetries: -1,
});

export const DEFAULT_REGION = "us-east-1";

/** The region used when none is configured: AWS_REGION, then AWS_DEFAULT_REGION, then us-east-1. */
export function fallbackRegion(env: NodeJS.ProcessEnv = process.env): string {
  // `||`, not `??`: an exported-but-empty variable counts as unset, like Go's os.Getenv == "".
  return env["AWS_REGION"] || env["AWS_DEFAULT_REGION"] || DEFAULT_REGION;
}

/** `configured` when set, else the fallback region. */
export function resolveRegion(configured: string, env: NodeJS.ProcessEnv = process.env): string {
  return configured || fallbackRegion(env);
}

/**
 * SDK `maxAttempts` for a `max_retries` value. Upstream hands max_retries to the SDK retryer as a
 * retry count; SDK v3 counts attempts (first try included), hence +1. Negative keeps the SDK's own
 * default (3 attempts, or AWS_MAX_ATTEMPTS), reported as undefined.
 */
export function maxAttemptsFor(maxRetries: number): number | undefined {
  if (!Number.isInteger(maxRetries) || maxRetries < 0) return undefined;
  return maxRetries + 1;
}

/** One STS endpoint to try; `endpoint` undefined = the SDK's regional endpoint for `region`. */
export interface StsCandidate {
  region: string;
  endpoint: string | undefined;
}

/**
 * The STS endpoints to probe, in order.
 *
 * Primary: `sts_endpoint` with `sts_region` when both are set; with only `sts_endpoint`, the IAM
 * `region` (or the fallback region) signs for it. Without `sts_endpoint`, the primary is the SDK's
 * regional endpoint (`https://sts.<region>.amazonaws.com` in the commercial partition, as upstream
 * spells out; the SDK also knows the other partitions) of `region` or the fallback region.
 *
 * Then each (sts_fallback_endpoints[i], sts_fallback_regions[i]) pair. The lists must have equal
 * lengths. Upstream only reads the fallbacks when `sts_endpoint` is set and pairs lists that can be
 * shifted by one when `region` is empty; here a fallback pair is always the endpoint with its own
 * region, and the fallbacks also back up the default regional endpoint — an operator who lists
 * fallback endpoints wants them tried whichever primary failed.
 */
export function stsCandidates(config: AwsConnectionConfig, env: NodeJS.ProcessEnv = process.env): StsCandidate[] {
  const fallbacks = config.stsFallbackEndpoints;
  const fallbackRegions = config.stsFallbackRegions;
  if (fallbacks.length !== fallbackRegions.length) {
    throw new UserError(
      `sts_fallback_endpoints (${fallbacks.length}) and sts_fallback_regions (${fallbackRegions.length}) must have the same number of entries`,
    );
  }
  const primary: StsCandidate = config.stsEndpoint
    ? { endpoint: config.stsEndpoint, region: config.stsRegion || resolveRegion(config.region, env) }
    : { endpoint: undefined, region: resolveRegion(config.region, env) };
  const candidates = [primary];
  fallbacks.forEach((endpoint, i) => {
    // Empty entries mean "the regional default" for that region, which is still a usable candidate.
    const region = fallbackRegions[i] || resolveRegion(config.region, env);
    candidates.push({ endpoint: endpoint || undefined, region });
  });
  return candidates;
}

/** Where a candidate sends requests, for messages and logs. */
export function describeCandidate(candidate: StsCandidate): string {
  return `${candidate.endpoint ?? "(regional default)"} [${candidate.region}]`;
}
