// Lease arithmetic (≈ Vault sdk/framework/lease.go): `calculateTtl` is CalculateTTL as a pure
// function of its inputs and the clock, and `leaseExtend` is the renew reply engines send back.
// Vault core runs the same calculation again on every renew (with the TTL/MaxTTL the backend
// returned as "backend TTL"/"backend max TTL"), so a renew handler only has to state its terms.
import type { Nanoseconds, Request, Response, SystemView } from "../logical/index.js";
import { formatGoDuration } from "./go-duration.js";

const NS_PER_SECOND = 1_000_000_000n;

/** Go's zero `time.Time` (0001-01-01T00:00:00Z) in Unix milliseconds; Vault sends it for "unset". */
const GO_ZERO_TIME_MS = -62_135_596_800_000;

/** Everything CalculateTTL reads. Durations are nanoseconds; absent ones count as zero. */
export interface TtlInput {
  /** The mount's default lease TTL (`SystemView.defaultLeaseTtl()`): used when nothing else is set. */
  mountDefaultTtl: Nanoseconds;
  /** The mount's (or system's) max lease TTL (`SystemView.maxLeaseTtl()`). */
  mountMaxTtl: Nanoseconds;
  /** What the client asked for on renew; wins over the backend TTL. */
  increment?: Nanoseconds;
  /** The TTL the backend proposes (a role's `ttl`, a secret's default). */
  backendTtl?: Nanoseconds;
  /** Periodic tokens: a fixed TTL on every renew, not bounded by the max TTL from issue time. */
  period?: Nanoseconds;
  /** Narrows the mount max when smaller (a role's `max_ttl`). */
  backendMaxTtl?: Nanoseconds;
  /** A hard cap from issue time that also binds periodic tokens. */
  explicitMaxTtl?: Nanoseconds;
  /** When the lease was issued; absent (or Go's zero time) means "now" (a fresh lease). */
  startTime?: Date;
  /** The clock, injected so results are deterministic. */
  now: Date;
}

/** The outcome of `calculateTtl`: the TTL to grant and the warnings Vault shows the client. */
export interface TtlResult {
  ttl: Nanoseconds;
  warnings: string[];
}

/** Unix nanoseconds of `date`, truncated to whole seconds as CalculateTTL does for every time. */
function truncatedNs(date: Date): bigint {
  return BigInt(Math.floor(date.getTime() / 1000)) * NS_PER_SECOND;
}

/** True when `date` stands for Go's zero time, i.e. "no issue time yet". */
export function isZeroTime(date: Date | undefined): boolean {
  return date === undefined || date.getTime() <= GO_ZERO_TIME_MS;
}

/**
 * Go's `time.Duration.String` without zero-valued trailing units, as Vault's lease warnings print
 * it: "1h", "1h30m", "2h5s", "90s" stays "1m30s".
 */
export function humanDuration(ns: Nanoseconds): string {
  let text = formatGoDuration(ns);
  if (ns === 0n) return text;
  if (text.endsWith("m0s")) text = text.slice(0, -2);
  const hours = text.indexOf("h0m");
  if (hours > 0) text = text.slice(0, hours + 1) + text.slice(hours + 3);
  return text;
}

const quoted = (ns: Nanoseconds): string => JSON.stringify(humanDuration(ns));

/**
 * Vault's CalculateTTL. The max TTL is the mount max, narrowed by the backend max and then by the
 * explicit max when those are set and smaller. With a period the TTL is the period (capped to that
 * max, with a warning) and only the explicit max limits the lifetime; otherwise the TTL is the
 * increment, else the backend TTL, else the mount default, capped (with a warning) so the lease
 * does not outlive `startTime + max TTL`.
 *
 * Throws `Error("max TTL must be greater than zero")` or `Error("past the max TTL, cannot renew")`
 * with Vault's texts; a handler that lets them escape produces Vault's 500.
 */
export function calculateTtl(input: TtlInput): TtlResult {
  const warnings: string[] = [];
  const increment = input.increment ?? 0n;
  const backendTtl = input.backendTtl ?? 0n;
  const backendMaxTtl = input.backendMaxTtl ?? 0n;
  const explicitMaxTtl = input.explicitMaxTtl ?? 0n;
  let period = input.period ?? 0n;

  // Vault's TTL precision is the second, so both ends of every interval are truncated.
  const now = truncatedNs(input.now);
  const start = input.startTime === undefined || isZeroTime(input.startTime) ? now : truncatedNs(input.startTime);

  let maxTtl = input.mountMaxTtl;
  if (backendMaxTtl > 0n && backendMaxTtl < maxTtl) maxTtl = backendMaxTtl;
  if (explicitMaxTtl > 0n && explicitMaxTtl < maxTtl) maxTtl = explicitMaxTtl;
  if (maxTtl <= 0n) throw new Error("max TTL must be greater than zero");

  let ttl: bigint;
  let maxValidTime: bigint | undefined;
  if (period > 0n) {
    if (period > maxTtl) {
      warnings.push(`period of ${quoted(period)} exceeded the effective max_ttl of ${quoted(maxTtl)}; period value is capped accordingly`);
      period = maxTtl;
    }
    ttl = period;
    // A periodic token lives forever unless an explicit max says otherwise.
    if (explicitMaxTtl > 0n) maxValidTime = start + explicitMaxTtl;
  } else {
    ttl = increment > 0n ? increment : backendTtl > 0n ? backendTtl : input.mountDefaultTtl;
    maxValidTime = start + maxTtl;
  }

  if (maxValidTime !== undefined) {
    const maxValidTtl = maxValidTime - now;
    if (maxValidTtl <= 0n) throw new Error("past the max TTL, cannot renew");
    if (maxValidTtl < ttl) {
      warnings.push(`TTL of ${quoted(ttl)} exceeded the effective max_ttl of ${quoted(maxValidTtl)}; TTL value is capped accordingly`);
      ttl = maxValidTtl;
    }
  }
  return { ttl, warnings };
}

/**
 * `calculateTtl` with the mount's default and max read from the system view, for handlers that
 * want the TTL Vault will grant (for instance to put an expiry into credentials they create).
 */
export async function calculateTtlFromSystem(
  system: Pick<SystemView, "defaultLeaseTtl" | "maxLeaseTtl">,
  input: Omit<TtlInput, "mountDefaultTtl" | "mountMaxTtl">,
): Promise<TtlResult> {
  const [mountDefaultTtl, mountMaxTtl] = await Promise.all([system.defaultLeaseTtl(), system.maxLeaseTtl()]);
  return calculateTtl({ ...input, mountDefaultTtl, mountMaxTtl });
}

/** The terms a renew handler grants; Vault's CalculateTTL then applies increment and caps. */
export interface LeaseTerms {
  /** The backend TTL for the renewed lease (0: Vault uses the increment or the mount default). */
  ttl: Nanoseconds;
  /** The backend max TTL, counted from the original issue time (0: the mount max). */
  maxTtl: Nanoseconds;
}

/**
 * The reply to a `renew` (≈ framework.LeaseExtend): the lease the request carries, echoed with the
 * new TTL and max TTL, and nothing else. For a secret that is the secret with its internal data
 * (Vault stores the reply's secret as the lease's new secret, protocol.md §6.7); the request's
 * `data` — the credential issued with the lease — is never echoed, because Vault returns the
 * renew reply to whoever called `sys/leases/renew`, and that caller needs only the lease ID.
 * For a token it echoes the auth. Vault computes the final TTL itself.
 *
 * Throws `Error("no lease options for request")` (Vault's text) when the request carries neither.
 */
export function leaseExtend(request: Request, terms: LeaseTerms): Response {
  // Auth first, as upstream: a token renew never carries a secret.
  if (request.auth !== undefined) {
    const auth = request.auth;
    return { auth: { ...auth, lease: { ...auth.lease, ttl: terms.ttl, maxTtl: terms.maxTtl } } };
  }
  if (request.secret !== undefined) {
    const secret = request.secret;
    return { secret: { ...secret, internalData: { ...secret.internalData }, lease: { ...secret.lease, ttl: terms.ttl, maxTtl: terms.maxTtl } } };
  }
  throw new Error("no lease options for request");
}
