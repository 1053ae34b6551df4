import type { Nanoseconds } from "./duration.js";

/** Lease terms on a secret or a token (≈ Vault `logical.LeaseOptions`). */
export interface LeaseOptions {
  ttl: Nanoseconds;
  maxTtl: Nanoseconds;
  renewable: boolean;
  /** The increment a client asked for on renew. */
  increment: Nanoseconds;
  /** When the lease was first issued; Vault sends it back on renew. Unset is Go's zero time. */
  issueTime?: Date;
}

export function emptyLeaseOptions(): LeaseOptions {
  return { ttl: 0n, maxTtl: 0n, renewable: false, increment: 0n };
}

/** A leased secret (≈ `logical.Secret`); `internalData` comes back on renew and revoke. */
export interface Secret {
  lease: LeaseOptions;
  internalData: Record<string, unknown>;
  leaseId: string;
}

/** An identity alias attached to a login (≈ `logical.Alias`). */
export interface Alias {
  name: string;
  metadata?: Record<string, string>;
  customMetadata?: Record<string, string>;
  local?: boolean;
  /** Filled by Vault; kept for round-trips only. */
  mountType?: string;
  mountAccessor?: string;
  id?: string;
  namespaceId?: string;
}

/** Token type numbers Vault uses (protocol.md §5.2 `Auth.token_type`). */
export const TOKEN_TYPES = { default: 0, service: 1, batch: 2, "default-service": 3, "default-batch": 4 } as const;

/** A login result (≈ `logical.Auth`). Vault turns it into a token. */
export interface Auth {
  lease: LeaseOptions;
  internalData: Record<string, unknown>;
  displayName: string;
  policies: string[];
  metadata: Record<string, string>;
  period: Nanoseconds;
  explicitMaxTtl: Nanoseconds;
  numUses: number;
  boundCidrs: string[];
  tokenType: number;
  noDefaultPolicy: boolean;
  alias?: Alias;
  groupAliases: Alias[];
  /** Filled by Vault; carried through renewals untouched. */
  clientToken: string;
  accessor: string;
  entityId: string;
  tokenPolicies: string[];
  identityPolicies: string[];
}
