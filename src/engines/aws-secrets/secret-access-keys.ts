// The engine's one secret type, `access_keys` (≈ upstream secret_access_keys.go secretAccessKeys,
// secretAccessKeysRenew/Revoke). Its internal data is upstream's — `username`, `policy`, `is_sts`
// — so a lease issued by Vault's builtin engine can be renewed and revoked by this plugin after a
// migration, and the other way round.
import { getRole, roleToJson } from "./role-storage.js";
import { defineSecret, field, leaseExtend, secretResponse, type SecretSpec } from "../../framework/index.js";
import type { Request, Response } from "../../logical/index.js";
import type { AwsSecretsContext } from "./context.js";
import { deleteIamUser, type IamUserCredentials } from "./iam-user.js";
import type { RoleEntry } from "./model.js";
import { readLeaseConfig, type LeaseConfig } from "./storage.js";
import type { StsIssued } from "./sts-creds.js";

/** The secret type name stored with every lease (upstream's `secretAccessKeyType`). */
export const ACCESS_KEYS_SECRET_TYPE = "access_keys";

// Documentation of the secret's data for OpenAPI, as upstream declares it. Every credential type
// answers both token keys with the same value (null for an IAM user): `session_token` is what
// Vault 1.16+ clients read, `security_token` what older ones read, so it is kept but deprecated.
const fields = {
  access_key: field.string({ description: "Access Key" }),
  secret_key: field.string({ description: "Secret Key" }),
  session_token: field.string({ description: "Session Token" }),
  security_token: field.string({ description: "Security Token", deprecated: true }),
};

/**
 * How `is_sts` reads: true/false when it is a boolean, absent for leases older than the flag (those
 * are IAM users, as upstream assumes), "invalid" for anything else.
 */
function stsFlag(request: Request): boolean | undefined | "invalid" {
  const internal = request.secret?.internalData ?? {};
  if (!Object.hasOwn(internal, "is_sts")) return undefined;
  const raw = internal["is_sts"];
  return typeof raw === "boolean" ? raw : "invalid";
}

/**
 * The role whose ttl/max_ttl a renewal applies (an addition: upstream applies config/lease only),
 * named by the lease path. Upstream's renew never reads the role, so nothing about it may fail a
 * renewal: a deleted role, or one that cannot be read or decoded, means config/lease.
 */
async function roleForRenew(ctx: AwsSecretsContext, request: Request): Promise<RoleEntry | undefined> {
  const roleName = /^(?:creds|sts)\/(.+)$/.exec(request.path)?.[1];
  if (roleName === undefined) return undefined;
  try {
    return await getRole(request.storage, roleName);
  } catch (err) {
    ctx.logger.warn("renewing with config/lease: the role of the lease could not be read", {
      role: roleName,
      error: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}

/** The `access_keys` secret: renew re-applies config/lease to IAM users; revoke deletes them. */
export function accessKeysSecret(ctx: AwsSecretsContext): SecretSpec {
  return defineSecret({
    type: ACCESS_KEYS_SECRET_TYPE,
    fields,
    async renew(request: Request): Promise<Response | undefined> {
      // STS credentials carry their own lifetime; upstream answers a renew with nothing.
      if (stsFlag(request) === true) return undefined;
      const lease = await readLeaseConfig(request.storage);
      const role = await roleForRenew(ctx, request);
      // Zeros let Vault fall back to the mount's default and max TTLs.
      return leaseExtend(request, iamUserLeaseTerms(role, lease));
    },
    async revoke(request: Request): Promise<Response | undefined> {
      const sts = stsFlag(request);
      // STS credentials cannot be revoked; they simply expire.
      if (sts === true) return undefined;
      if (sts === "invalid") throw new Error("secret has is_sts but value could not be understood");
      const username = request.secret?.internalData["username"];
      if (typeof username !== "string") throw new Error("secret is missing username internal data");
      await deleteIamUser(ctx, username, { fromRollback: false, leaseIssued: request.secret?.lease.issueTime, signal: request.signal });
      return undefined;
    },
  });
}

/**
 * A role as upstream's `awsRoleEntry` JSON, which upstream stores as the lease's `policy`. Nothing
 * reads it back — revoke needs only the user name — but leases look the same in storage and in
 * `sys/leases/lookup` whichever implementation issued them.
 */
export function upstreamRoleJson(role: RoleEntry): Record<string, unknown> {
  return { ...roleToJson(role) };
}

/** An IAM user's lease: the role's own ttl/max_ttl where set, else config/lease (0: mount defaults). */
export function iamUserLeaseTerms(role: Pick<RoleEntry, "ttl" | "maxTtl"> | undefined, lease: LeaseConfig | undefined): { ttl: bigint; maxTtl: bigint } {
  return {
    ttl: role !== undefined && role.ttl !== 0n ? role.ttl : (lease?.lease ?? 0n),
    maxTtl: role !== undefined && role.maxTtl !== 0n ? role.maxTtl : (lease?.leaseMax ?? 0n),
  };
}

/**
 * The response for a new IAM user: `session_token` and `security_token` are null (long-lived keys
 * have none; Vault 1.21 sends only the former, older Vault only the latter), the lease is the
 * role's ttl/max_ttl or config/lease's (0 when unset: the mount defaults) and renewable.
 */
export function iamUserSecretResponse(spec: SecretSpec, credentials: IamUserCredentials, role: RoleEntry, lease: LeaseConfig | undefined): Response {
  return secretResponse(
    spec,
    { access_key: credentials.accessKeyId, secret_key: credentials.secretAccessKey, session_token: null, security_token: null },
    { username: credentials.username, policy: upstreamRoleJson(role), is_sts: false },
    iamUserLeaseTerms(role, lease),
  );
}

/**
 * The response for STS credentials: leased until AWS expires them, and not renewable. Upstream
 * still issues a lease because clients rely on a non-zero `lease_duration` to time refreshes.
 */
export function stsSecretResponse(spec: SecretSpec, issued: StsIssued): Response {
  const response = secretResponse(spec, issued.data, issued.internal, { ttl: issued.leaseTtl });
  if (response.secret !== undefined) response.secret.lease.renewable = false;
  return response;
}
