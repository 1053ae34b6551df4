/**
 * Paths with special handling, declared by the backend (≈ `logical.Paths`). Entries match exactly,
 * or as a prefix when they end in `*`; `+` matches one segment.
 */
export interface SpecialPaths {
  /** Need sudo/root capability. */
  root?: string[];
  /** Reachable without a token (login paths). */
  unauthenticated?: string[];
  /** Storage prefixes not replicated to performance secondaries. */
  localStorage?: string[];
  /** Storage keys (or `/`-terminated prefixes) to seal-wrap. */
  sealWrapStorage?: string[];
}
