// bound_iam_principal_arn at login and renewal. A caller passes when (1) its unique ID is one the
// role resolved its ARNs to, (2) the role does not resolve IDs and its canonical ARN is bound, or
// (3) a bound ARN ends in `*` and the caller's full ARN — with its path, which STS does not report,
// so looked up in IAM in the caller's own account — matches it. The lookups are cached per mount
// by account and unique ID for 7 days, as upstream does; unique IDs are never reused by AWS.
import { canonicalArn, type IamEntity } from "./arn.js";
import type { AwsAuthContext } from "./context.js";
import { regionForPartition, unknownPartitionMessage } from "./partition-regions.js";
import type { AwsAuthRole } from "./role-model.js";

/** Upstream's go-cache expiry for the unique ID → full ARN entries. */
export const FULL_ARN_CACHE_TTL_MS = 7 * 24 * 3600 * 1000;
/** Bound on entries, so a flood of distinct callers cannot grow a mount's memory without end. */
const FULL_ARN_CACHE_MAX = 10_000;

interface CachedArn {
  arn: string;
  expires: number;
}

/**
 * One cache per mount, found through the mount's context object: nothing is shared between
 * mounts, and the cache goes when the mount's backend does.
 */
const caches = new WeakMap<AwsAuthContext, Map<string, CachedArn>>();

function cacheOf(ctx: AwsAuthContext): Map<string, CachedArn> {
  let cache = caches.get(ctx);
  if (cache === undefined) {
    cache = new Map();
    caches.set(ctx, cache);
  }
  return cache;
}

const cacheKey = (accountId: string, uniqueId: string): string => `${accountId}/${uniqueId}`;

export function cachedFullArn(ctx: AwsAuthContext, accountId: string, uniqueId: string): string | undefined {
  const cache = cacheOf(ctx);
  const key = cacheKey(accountId, uniqueId);
  const hit = cache.get(key);
  if (hit === undefined) return undefined;
  if (hit.expires <= ctx.now().getTime()) {
    cache.delete(key);
    return undefined;
  }
  return hit.arn;
}

export function cacheFullArn(ctx: AwsAuthContext, accountId: string, uniqueId: string, arn: string): void {
  const cache = cacheOf(ctx);
  if (cache.size >= FULL_ARN_CACHE_MAX) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(cacheKey(accountId, uniqueId), { arn, expires: ctx.now().getTime() + FULL_ARN_CACHE_TTL_MS });
}

/** Forget every cached ARN of the mount (tests, and a cleaned-up backend). */
export function clearFullArnCache(ctx: AwsAuthContext): void {
  caches.delete(ctx);
}

/** strutil.GlobbedStringsMatch: a leading and/or trailing `*` is a wildcard. */
export function globbedStringsMatch(item: string, value: string): boolean {
  if (item.length < 2) return value === item;
  const prefix = item.startsWith("*");
  const suffix = item.endsWith("*");
  if (prefix && suffix) return value.includes(item.slice(1, -1));
  if (prefix) return value.endsWith(item.slice(1));
  if (suffix) return value.startsWith(item.slice(0, -1));
  return value === item;
}

export const hasWildcardBind = (arns: readonly string[]): boolean => arns.some((a) => a.endsWith("*"));

/**
 * The entity's ARN as IAM knows it (upstream's fullArn), from IAM in the entity's own account —
 * never through a client of another account (CVE-2025-11621). Throws with upstream's texts.
 */
export async function lookUpFullArn(ctx: AwsAuthContext, entity: IamEntity, signal: AbortSignal | undefined): Promise<string> {
  const region = regionForPartition(entity.partition);
  if (region === undefined) throw new Error(unknownPartitionMessage(entity.partition));
  let iam;
  try {
    iam = await ctx.clients.iam(region, entity.accountNumber, signal);
  } catch (err) {
    throw new Error(`error creating IAM client: ${message(err)}`, { cause: err });
  }
  switch (entity.type) {
    case "user":
      try {
        return (await iam.getUser(entity.friendlyName)).arn;
      } catch (err) {
        throw new Error(`error fetching user ${JSON.stringify(entity.friendlyName)}: ${message(err)}`, { cause: err });
      }
    case "assumed-role":
    case "role":
      try {
        return (await iam.getRole(entity.friendlyName)).arn;
      } catch (err) {
        throw new Error(`error fetching role ${JSON.stringify(entity.friendlyName)}: ${message(err)}`, { cause: err });
      }
    default:
      throw new Error(`unrecognized entity type: ${entity.type}`);
  }
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export type BindResult = { bound: true } | { bound: false } | { lookupFailed: string };

/**
 * Whether the caller meets the role's principal binds (true when the role has none). A failed
 * full-ARN lookup is reported apart from a mismatch: the caller's texts differ.
 */
export async function checkPrincipalBinding(
  ctx: AwsAuthContext,
  role: AwsAuthRole,
  entity: IamEntity,
  uniqueId: string,
  signal: AbortSignal | undefined,
): Promise<BindResult> {
  const bound = role.boundIamPrincipalArns;
  if (bound.length === 0) return { bound: true };
  if (uniqueId !== "" && role.boundIamPrincipalIds.includes(uniqueId)) return { bound: true };
  if (!role.resolveAwsUniqueIds && bound.includes(canonicalArn(entity))) return { bound: true };
  if (!hasWildcardBind(bound)) return { bound: false };
  let fullArn = uniqueId === "" ? undefined : cachedFullArn(ctx, entity.accountNumber, uniqueId);
  if (fullArn === undefined) {
    try {
      fullArn = await lookUpFullArn(ctx, entity, signal);
    } catch (err) {
      signal?.throwIfAborted();
      return { lookupFailed: message(err) };
    }
    if (fullArn === "") return { lookupFailed: "" };
    if (uniqueId !== "") cacheFullArn(ctx, entity.accountNumber, uniqueId, fullArn);
  }
  const arn = fullArn;
  return bound.some((b) => b.endsWith("*") && globbedStringsMatch(b, arn)) ? { bound: true } : { bound: false };
}
