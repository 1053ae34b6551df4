// The mount's stored configuration, in memory. Stored as upstream's azureConfig JSON
// (config-storage.ts); durations are nanoseconds there, milliseconds here.

export interface PendingClientSecret {
  secret: string;
  keyId: string;
  created: Date;
  expiration: Date;
}

export interface AzureAuthConfig {
  tenantId: string;
  resource: string;
  /** As written (case kept); "" = the environment's or the public cloud. */
  environment: string;
  clientId: string;
  clientSecret: string;
  /** Graph keyId of clientSecret when rotate-root created it; "" otherwise. */
  clientSecretKeyId: string;
  /** A password rotate-root added and the periodic function has not promoted yet. */
  pending: PendingClientSecret | undefined;
  rootPasswordTtlMs: number;
  /** Expiry of clientSecret when rotate-root created it. */
  rootPasswordExpiration: Date | undefined;
  maxRetries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** Beyond upstream (2026 upstream has it too): how the plugin authenticates itself; "" = detect. */
  authType: string;
  /** Beyond upstream: explicit endpoints for sovereign or air-gapped clouds ("" = from environment). */
  authorityHost: string;
  resourceManagerEndpoint: string;
  graphEndpoint: string;
  /** Enterprise-only fields as stored (CE refuses setting them; kept so storage round-trips). */
  identityTokenAudience: string;
  identityTokenTtlMs: number;
}

export const DEFAULT_ROOT_PASSWORD_TTL_MS = 4380 * 3600 * 1000;
export const DEFAULT_MAX_RETRIES = 3;
export const DEFAULT_RETRY_DELAY_MS = 4_000;
export const DEFAULT_MAX_RETRY_DELAY_MS = 60_000;

export function blankConfig(): AzureAuthConfig {
  return {
    tenantId: "",
    resource: "",
    environment: "",
    clientId: "",
    clientSecret: "",
    clientSecretKeyId: "",
    pending: undefined,
    rootPasswordTtlMs: DEFAULT_ROOT_PASSWORD_TTL_MS,
    rootPasswordExpiration: undefined,
    maxRetries: DEFAULT_MAX_RETRIES,
    retryDelayMs: DEFAULT_RETRY_DELAY_MS,
    maxRetryDelayMs: DEFAULT_MAX_RETRY_DELAY_MS,
    authType: "",
    authorityHost: "",
    resourceManagerEndpoint: "",
    graphEndpoint: "",
    identityTokenAudience: "",
    identityTokenTtlMs: 0,
  };
}
