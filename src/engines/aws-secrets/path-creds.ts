// creds/<role> and sts/<role>: issue credentials for a role (≈ upstream path_user.go pathUser and
// pathCredsRead). One pattern serves both prefixes, by GET or POST; the prefix only matters for
// legacy roles, whose ambiguous credential types it resolves and whose paths it keeps apart.
import { definePath, deleteWalAfterReply, field, genericNameWithAtRegex, goQuote, quoteInput, type FieldData, type PathSpec, type SecretSpec } from "../../framework/index.js";
import { errorResponse, LogicalError, NS_PER_SECOND, type Request, type Response } from "../../logical/index.js";
import { awsIssuanceFailure } from "../../aws/errors.js";
import { OPERATION_PREFIX } from "./constants.js";
import type { AwsSecretsContext } from "./context.js";
import { createIamUser } from "./iam-user.js";
import type { RoleEntry } from "./model.js";
import { canPersistLegacyUpgrade, getRole } from "./role-storage.js";
import { accessKeysSecret, iamUserSecretResponse, stsSecretResponse } from "./secret-access-keys.js";
import { readLeaseConfig } from "./storage.js";
import { assumeRoleCreds, federationTokenCreds, sessionTokenCreds } from "./sts-creds.js";

const fields = {
  name: field.string({ description: "The role to issue credentials for." }),
  role_arn: field.string({ description: "For assumed_role: which of the role's role_arns to assume; may be omitted when it has one.", query: true }),
  ttl: field.durationSeconds({ description: "For STS credentials: how long they should be valid (capped by the role's max_sts_ttl or the mount maximum).", default: 3600, query: true }),
  role_session_name: field.string({ description: "For assumed_role: the session name to use (at most 64 characters; others become _). Default: generated.", query: true }),
  // Not a query field, as upstream: OpenAPI documents it in the POST body only.
  mfa_code: field.string({ description: "For session_token: the current code of the role's MFA device." }),
};

type CredsFields = typeof fields;

/** Go's `%#v` of a []string, e.g. `[]string{"iam_user", "federation_token"}`. */
const goStringSlice = (items: readonly string[]): string => `[]string{${items.map((item) => goQuote(item)).join(", ")}}`;

/**
 * The STS lifetime in seconds: the `ttl` asked for, else the role's default_sts_ttl, else the
 * field default (3600); capped at the role's max_sts_ttl, or the mount's max lease TTL without one.
 */
async function stsTtlSeconds(ctx: AwsSecretsContext, role: RoleEntry, data: FieldData<CredsFields>): Promise<number> {
  const asked = data.getOk("ttl");
  let ttl: number;
  if (asked.ok) ttl = asked.value;
  else if (role.defaultStsTtl > 0n) ttl = Number(role.defaultStsTtl / NS_PER_SECOND);
  else ttl = data.get("ttl");
  const max = role.maxStsTtl > 0n ? role.maxStsTtl : await ctx.system.maxLeaseTtl();
  return Math.min(ttl, Number(max / NS_PER_SECOND));
}

/**
 * Which credential type to issue, or the error text refusing it. Roles have one type, except
 * legacy inline-policy roles, upgraded to both iam_user and federation_token: for those the path
 * decides (creds/ → iam_user, sts/ → federation_token). Legacy roles must also stay on the path
 * that issued their type before the upgrade — an inline policy granted over sts/ was a session
 * filter, and must not become a long-lived IAM user's policy (vault#4229).
 */
function resolveCredentialType(role: RoleEntry, onStsPath: boolean): { type: string } | { error: string } {
  let type = "";
  if (role.credentialTypes.length === 1) {
    type = role.credentialTypes[0] ?? "";
  } else if (role.credentialTypes.length > 1) {
    type = onStsPath ? "federation_token" : "iam_user";
    if (!role.credentialTypes.some((allowed) => allowed === type)) {
      return { error: `requested credential type ${quoteInput(type)} not in allowed credential types ${goStringSlice(role.credentialTypes)}` };
    }
  }
  if (role.prohibitFlexibleCredPath) {
    if (type === "iam_user" && onStsPath) {
      return { error: "attempted to retrieve iam_user credentials through the sts path; this is not allowed for legacy roles" };
    }
    if (type !== "iam_user" && !onStsPath) {
      return { error: `attempted to retrieve ${type} credentials through the creds path; this is not allowed for legacy roles` };
    }
  }
  return { type };
}

/** The role ARN to assume: the one asked for (if the role allows it), else the role's only one. */
function resolveRoleArn(role: RoleEntry, roleName: string, asked: string): { arn: string } | { error: string } {
  if (asked === "") {
    const only = role.roleArns.length === 1 ? role.roleArns[0] : undefined;
    return only === undefined ? { error: "did not supply a role_arn parameter and unable to determine one" } : { arn: only };
  }
  if (!role.roleArns.includes(asked)) return { error: `role_arn ${quoteInput(asked)} not in allowed role arns for Vault role ${quoteInput(roleName)}` };
  return { arn: asked };
}

async function issue(
  ctx: AwsSecretsContext,
  spec: SecretSpec,
  request: Request,
  data: FieldData<CredsFields>,
): Promise<Response> {
  const roleName = data.get("name");
  let role: RoleEntry | undefined;
  try {
    // Reading a legacy policy/<name> role upgrades it in storage where this node may write, as upstream.
    role = await getRole(request.storage, roleName, { upgradeLegacy: () => canPersistLegacyUpgrade(ctx.system) });
  } catch (err) {
    throw new Error(`error retrieving role: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (role === undefined) return errorResponse(`Role ${quoteInput(roleName)} not found`);

  const ttl = await stsTtlSeconds(ctx, role, data);
  const resolved = resolveCredentialType(role, request.path.startsWith("sts"));
  if ("error" in resolved) return errorResponse(resolved.error);

  switch (resolved.type) {
    case "iam_user": {
      // Read before the user exists: a failure afterwards would strand a user without a lease.
      const lease = await readLeaseConfig(request.storage);
      const created = await createIamUser(ctx, request, role, roleName);
      // The user's only record is the lease Vault makes from this reply: its WAL entry goes only
      // once the reply is on its way (a cancelled call or a crash leaves it to the rollback).
      return deleteWalAfterReply(iamUserSecretResponse(spec, created, role, lease), request.storage, created.walId);
    }
    case "assumed_role": {
      const arn = resolveRoleArn(role, roleName, data.get("role_arn"));
      if ("error" in arn) return errorResponse(arn.error);
      const params = { roleArn: arn.arn, ttlSeconds: ttl, roleSessionName: data.get("role_session_name") };
      return stsSecretResponse(spec, await assumeRoleCreds(ctx, request, role, roleName, params));
    }
    case "federation_token":
      return stsSecretResponse(spec, await federationTokenCreds(ctx, request, role, roleName, ttl));
    case "session_token":
      return stsSecretResponse(spec, await sessionTokenCreds(ctx, role, ttl, data.get("mfa_code"), request.signal));
    default:
      return errorResponse(`unknown credential_type: ${quoteInput(resolved.type)}`);
  }
}

/**
 * `(creds|sts)/<name>`: read and update share one handler, as upstream. Input problems and every
 * AWS failure — AWS 5xx and unreachable endpoints included — are answered as error responses
 * (HTTP 400 with the text, as upstream's `logical.ErrorResponse`); throttling is thrown as
 * upstream-rate-limited (HTTP 502 with the same text, upstream's ErrUpstreamRateLimited); storage
 * failures are thrown (HTTP 500).
 */
export function credsPath(ctx: AwsSecretsContext): PathSpec<CredsFields> {
  const spec = accessKeysSecret(ctx);
  const handler = async (request: Request, data: FieldData<CredsFields>): Promise<Response | undefined> => {
    try {
      return await issue(ctx, spec, request, data);
    } catch (err) {
      const answer = awsIssuanceFailure(err);
      if (answer !== undefined) return answer;
      if (err instanceof LogicalError && err.kind === "user") return errorResponse(err.message);
      throw err;
    }
  };
  return definePath({
    pattern: `(creds|sts)/${genericNameWithAtRegex("name")}`,
    fields,
    displayAttrs: { operationPrefix: OPERATION_PREFIX, operationVerb: "generate" },
    // Issuing writes a lease, which only the active node can: a standby serving reads forwards
    // before anything is created in AWS. Upstream leaves this unmarked (Vault Enterprise's
    // performance standbys forward the lease registration instead); OpenBao has no such path, so
    // without it a standby issues credentials and then fails to record them
    // (openbao/openbao-plugins#74). A performance secondary keeps its own leases, as upstream.
    operations: {
      read: { handler, forwardPerformanceStandby: true, displayAttrs: { operationSuffix: "credentials|sts-credentials" } },
      update: {
        handler,
        forwardPerformanceStandby: true,
        displayAttrs: { operationSuffix: "credentials-with-parameters|sts-credentials-with-parameters" },
      },
    },
    helpSynopsis: HELP_SYNOPSIS,
    helpDescription: HELP_DESCRIPTION,
  });
}

const HELP_SYNOPSIS = "Issue AWS credentials for a role.";

const HELP_DESCRIPTION = `This path issues new AWS credentials for the role named in the path: for
example, with this engine mounted at "aws", reading "aws/creds/deploy" returns credentials for the
"deploy" role.

An iam_user role creates a dedicated IAM user with an access key pair; its lease can be renewed
within "config/lease" and revoking it deletes the user with everything attached to it. The STS
types (assumed_role, federation_token, session_token) return temporary credentials with a
session token, and "ttl", the seconds they remain valid; assumed_role adds the "arn" of the
assumed-role session. Their lease ends when AWS expires them, and revoking it does not
invalidate them. The token is returned as "session_token" and, for clients written for older
Vault versions, also as "security_token" (null for iam_user).
"ttl", "role_arn", "role_session_name" and "mfa_code" may be passed as query or body parameters.`;
