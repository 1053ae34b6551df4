// Leased secret types (≈ Vault sdk/framework/secret.go and the renew/revoke half of backend.go).
// A secret response carries its type in `internal_data.secret_type`; Vault stores internal data
// with the lease and hands it back on renew and revoke, which is how those requests find their
// handler again — possibly in a later plugin process.
import {
  isErrorResponse,
  LogicalError,
  UnsupportedOperationError,
  type Nanoseconds,
  type Request,
  type Response,
} from "../logical/index.js";
import type { SecretSpec } from "./types.js";

/** The internal-data key the secret type is stamped under (Vault's convention, kept for storage parity). */
export const SECRET_TYPE_KEY = "secret_type";

// Vault's Secret.Type comment asks for letters, digits and underscores; the type ends up in
// stored leases, so a typo here would orphan every lease issued with it.
const SECRET_TYPE_PATTERN = /^[A-Za-z0-9_]+$/;

/**
 * Declares a secret type (≈ framework.Secret). Returns the spec unchanged after checking it, so a
 * bad declaration fails at start-up: the type must be non-empty letters, digits or underscores and
 * the default TTL must not be negative. A secret without `renew` is issued non-renewable; one
 * without `revoke` answers revocation with "unsupported operation", which Vault treats as final.
 */
export function defineSecret(spec: SecretSpec): SecretSpec {
  if (!SECRET_TYPE_PATTERN.test(spec.type)) {
    throw new Error(`secret type ${JSON.stringify(spec.type)} must be letters, digits or underscores`);
  }
  if (spec.defaultTtl !== undefined && spec.defaultTtl < 0n) {
    throw new Error(`secret type ${JSON.stringify(spec.type)}: default TTL must not be negative`);
  }
  return spec;
}

/**
 * Checks a backend's secret list as a whole: each spec as `defineSecret` does, and no type twice
 * (dispatch picks the first match, so a duplicate would silently shadow the second handler).
 */
export function validateSecrets(specs: readonly SecretSpec[]): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    defineSecret(spec);
    if (seen.has(spec.type)) throw new Error(`secret type ${JSON.stringify(spec.type)} is declared twice`);
    seen.add(spec.type);
  }
}

/** Overrides for the lease a new secret gets; absent values keep the spec's defaults. */
export interface SecretLeaseOverrides {
  /** Replaces `spec.defaultTtl` (e.g. a role's TTL). */
  ttl?: Nanoseconds;
  /** The backend max TTL Vault caps the lease with (0 or absent: the mount max). */
  maxTtl?: Nanoseconds;
}

/**
 * A response issuing a new secret of this type (≈ Secret.Response): `data` goes to the client,
 * `internal` is stored with the lease plus `secret_type`. The lease TTL is the spec's default
 * (0 lets Vault use the mount default) and it is renewable exactly when the spec has `renew`.
 */
export function secretResponse(
  spec: SecretSpec,
  data: Record<string, unknown>,
  internal: Record<string, unknown>,
  overrides: SecretLeaseOverrides = {},
): Response {
  return {
    data,
    secret: {
      // The type is written last so caller data can never redirect renew/revoke to another type.
      internalData: { ...internal, [SECRET_TYPE_KEY]: spec.type },
      lease: {
        ttl: overrides.ttl ?? spec.defaultTtl ?? 0n,
        maxTtl: overrides.maxTtl ?? 0n,
        renewable: spec.renew !== undefined,
        increment: 0n,
      },
      leaseId: "",
    },
  };
}

/** The secret type a request's lease was issued with, or undefined when it carries none. */
export function secretTypeOf(request: Request): string | undefined {
  const raw = request.secret?.internalData[SECRET_TYPE_KEY];
  return typeof raw === "string" ? raw : undefined;
}

/**
 * Routes a `renew` or `revoke` of a secret to its type's handler (≈ handleRevokeRenew after the
 * auth-renew special case, which the caller handles first: a renew carrying `auth` is a token
 * renew, see `dispatchAuthRenew`).
 *
 * Upstream answers, kept here: no secret → "request has no secret"; a missing, non-string or
 * unknown `secret_type` → "secret is unsupported by this backend"; any other operation →
 * `invalid operation for revoke/renew: "<op>"` — all plain errors (kind `internal`, HTTP 500; on
 * revoke Vault retries them). A type without the handler → UnsupportedOperationError (405; on
 * revoke Vault marks the lease irrevocable at once).
 */
export async function dispatchSecretOperation(specs: readonly SecretSpec[], request: Request): Promise<Response | undefined> {
  if (request.secret === undefined) throw new LogicalError("internal", "request has no secret");
  const type = secretTypeOf(request);
  const spec = type === undefined ? undefined : specs.find((s) => s.type === type);
  if (spec === undefined) throw new LogicalError("internal", "secret is unsupported by this backend");

  if (request.operation === "renew") {
    if (spec.renew === undefined) throw new UnsupportedOperationError();
    return withoutSecretData(await spec.renew(request));
  }
  if (request.operation === "revoke") {
    if (spec.revoke === undefined) throw new UnsupportedOperationError();
    return spec.revoke(request);
  }
  throw new LogicalError("internal", `invalid operation for revoke/renew: ${JSON.stringify(request.operation)}`);
}

/**
 * A renew reply as it may leave the plugin: lease terms and warnings, never `data`. Vault hands the
 * reply of `sys/leases/renew` to its caller, who needs no more than the lease ID to call it (lease
 * IDs are not secret: they appear in audit logs and UIs), so data here would give the issued
 * credential to anyone allowed to renew. Enforced here rather than trusted to each engine's handler.
 */
function withoutSecretData(response: Response | undefined): Response | undefined {
  if (response?.data === undefined) return response;
  // An error response carries its message in data.error, and only that: keep it.
  if (isErrorResponse(response)) return { ...response, data: { error: response.data?.["error"] } };
  const reply = { ...response };
  delete reply.data;
  return reply;
}
