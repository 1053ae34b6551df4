/**
 * Durations cross the wire as Go `time.Duration`: int64 nanoseconds. They are kept as bigint
 * nanoseconds here so that nothing is lost between Vault and an engine (a year is > 2^53 ns).
 */
export type Nanoseconds = bigint;

export const NS_PER_SECOND = 1_000_000_000n;

export function secondsToNs(seconds: number): Nanoseconds {
  return BigInt(Math.trunc(seconds)) * NS_PER_SECOND;
}

/** Whole seconds, truncated toward zero like Go's `Duration.Seconds()` cast to int. */
export function nsToSeconds(ns: Nanoseconds): number {
  return Number(ns / NS_PER_SECOND);
}
