// iam login (any AWS principal presents a signed sts:GetCallerIdentity request), its alias
// lookahead, resolve-role and token renewal. Order of checks as upstream's pathLoginUpdateIam:
// request checks → forward to STS → caller ARN → role → bound CIDRs → auth_type → alias →
// principal binds → inferred EC2 instance and its binds → token.
import { aliasLookaheadResponse, authRenewResponse, loginResponse, resolveRoleResponse, upgradeStoredTokenParams, type TokenParams } from "../../framework/index.js";
import { errorResponse, type Request, type Response } from "../../logical/index.js";
import { canonicalArn, entityText, parseIamArn, type IamEntity } from "./arn.js";
import type { CallerIdentity } from "./caller-identity-xml.js";
import { clientConfigEntry, type ClientConfig } from "./config-storage.js";
import type { AwsAuthContext } from "./context.js";
import { tokenValue } from "./token-values.js";
import { regionForPartition, unknownPartitionMessage } from "./partition-regions.js";
import { checkEc2Binds } from "./ec2-binds.js";
import { selectMetadata } from "./ec2-identity-config.js";
import { runningInstance } from "./ec2-instance.js";
import { startEarly } from "./early-read.js";
import { decodeIamRequest } from "./iam-request.js";
import { iamIdentitySettings, TAG_METADATA_PREFIX, type IamIdentitySettings } from "./iam-identity-config.js";
import type { LoginData, LoginPurpose } from "./path-login.js";
import { checkPrincipalBinding, globbedStringsMatch, hasWildcardBind, cachedFullArn, cacheFullArn, lookUpFullArn } from "./principal-binding.js";
import type { AwsAuthRole } from "./role-model.js";
import { readRole } from "./role-storage.js";
import { chooseStsEndpoint } from "./sts-endpoint.js";
import { DEFAULT_MAX_RETRIES, StsForwardError, submitCallerIdentityRequest } from "./sts-forward.js";
import { checkTokenBoundCidrs } from "./token-bound-cidrs.js";

export const EC2_ENTITY_TYPE = "ec2_instance";

const q = (s: string): string => JSON.stringify(s);

/** The role's token settings with pre-1.2 values folded in (upstream upgrades them on read). */
const tokenParams = (role: AwsAuthRole): TokenParams => upgradeStoredTokenParams(role.token, role.legacy);

interface Caller {
  roleName: string;
  identity: CallerIdentity;
  entity: IamEntity;
}

/**
 * pathLoginIamGetRoleNameCallerIdAndEntity: the request checked, forwarded to STS, and the caller
 * STS names; the role is the one asked for, else the caller's friendly name.
 */
async function verifiedCaller(ctx: AwsAuthContext, request: Request, data: LoginData): Promise<Caller | Response> {
  const config: ClientConfig | undefined = await clientConfigEntry.get(request.storage);
  const decoded = decodeIamRequest(
    {
      method: data.get("iam_http_request_method"),
      urlBase64: data.get("iam_request_url"),
      bodyBase64: data.get("iam_request_body"),
      headers: data.get("iam_request_headers"),
    },
    config === undefined ? undefined : { iamServerIdHeaderValue: config.iam_server_id_header_value, allowedStsHeaderValues: config.allowed_sts_header_values },
  );
  if ("error" in decoded) return errorResponse(decoded.error);
  const sts = decoded.ok;
  const target = chooseStsEndpoint(
    config === undefined ? undefined : { stsEndpoint: config.sts_endpoint, stsRegion: config.sts_region, useStsRegionFromClient: config.use_sts_region_from_client },
    sts,
  );
  if ("error" in target) return errorResponse(target.error);
  const maxRetries = config !== undefined && config.max_retries >= 0 ? config.max_retries : DEFAULT_MAX_RETRIES;
  ctx.logger.debug("submitting caller identity request", { endpoint: target.endpoint });
  let identity: CallerIdentity;
  try {
    identity = await submitCallerIdentityRequest(sts, target.endpoint, maxRetries, request.signal);
  } catch (err) {
    if (err instanceof StsForwardError) return errorResponse(`error making upstream request: ${err.message}`);
    throw err;
  }
  const parsed = parseIamArn(identity.arn);
  if ("error" in parsed) return errorResponse(`error parsing arn ${q(identity.arn)}: ${parsed.error}`);
  const asked = data.get("role");
  return { roleName: asked === "" ? parsed.ok.friendlyName : asked, identity, entity: parsed.ok };
}

/** Where the alias name comes from, per config/identity's iam_alias. */
function aliasName(settings: IamIdentitySettings, role: AwsAuthRole, caller: Caller, uniqueId: string): string {
  switch (settings.alias) {
    case "unique_id":
      return uniqueId;
    case "full_arn":
      return caller.identity.arn;
    case "canonical_arn":
      return canonicalArn(caller.entity);
    case "role_id":
      return role.roleId;
  }
}

/**
 * Beyond upstream (vault#31864): the caller's IAM tags named in config/identity's
 * iam_metadata_tags, as `tag_<key>` metadata. The tags are read from IAM in the caller's own
 * account (a user's, or the assumed role's); a failed read refuses the login, since policies may
 * be templated on these values.
 */
async function tagMetadata(ctx: AwsAuthContext, settings: IamIdentitySettings, entity: IamEntity, signal: AbortSignal | undefined): Promise<{ ok: Record<string, string> } | { error: string }> {
  if (settings.metadataTags.length === 0) return { ok: {} };
  const region = regionForPartition(entity.partition);
  if (region === undefined) return { error: `error reading IAM tags: ${unknownPartitionMessage(entity.partition)}` };
  let tags: Record<string, string>;
  try {
    const iam = await ctx.clients.iam(region, entity.accountNumber, signal);
    if (entity.type === "user") tags = (await iam.getUser(entity.friendlyName)).tags;
    else if (entity.type === "role" || entity.type === "assumed-role") tags = (await iam.getRole(entity.friendlyName)).tags;
    else return { ok: {} };
  } catch (err) {
    signal?.throwIfAborted();
    return { error: `error reading IAM tags of ${canonicalArn(entity)}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const out: Record<string, string> = {};
  for (const key of settings.metadataTags) {
    const value = tags[key];
    if (value !== undefined && value !== "") out[`${TAG_METADATA_PREFIX}${key}`] = value;
  }
  return { ok: out };
}

export async function iamLogin(ctx: AwsAuthContext, request: Request, data: LoginData, purpose: LoginPurpose): Promise<Response | undefined> {
  // A named role and config/identity are read while STS answers (a role named after the caller is
  // known only then); neither is looked at before the caller is verified.
  const asked = data.get("role");
  const earlyRole = asked === "" ? undefined : startEarly(() => readRole(request.storage, asked));
  const earlySettings = startEarly(() => iamIdentitySettings(request.storage));
  const caller = await verifiedCaller(ctx, request, data);
  if (!("entity" in caller)) return caller;
  const { roleName, identity, entity } = caller;
  const role = earlyRole !== undefined ? await earlyRole() : await readRole(request.storage, roleName);
  if (role === undefined) return errorResponse(`entry for role ${roleName} not found`);
  const params = tokenParams(role);
  checkTokenBoundCidrs(request, params.tokenBoundCidrs);
  if (role.authType !== "iam") return errorResponse(`auth method iam not allowed for role ${roleName}`);

  const settings = await earlySettings();
  // "AROA…:session" for an assumed role, "AIDA…" for a user.
  const uniqueId = identity.userId.split(":")[0] ?? "";
  const alias = aliasName(settings, role, caller, uniqueId);
  if (purpose === "alias-lookahead") return aliasLookaheadResponse(alias);

  const bind = await checkPrincipalBinding(ctx, role, entity, uniqueId, request.signal);
  if ("lookupFailed" in bind) {
    return errorResponse(
      bind.lookupFailed === ""
        ? `got empty string back when looking up full ARN of entity ${entityText(entity)} when attempting login for role ${q(roleName)}`
        : `error looking up full ARN of entity ${entityText(entity)} when attempting login for role ${q(roleName)}: ${bind.lookupFailed}`,
    );
  }
  if (!bind.bound) return errorResponse(`IAM Principal ${q(identity.arn)} does not belong to the role ${q(roleName)}`);

  let inferredEntityType = "";
  let inferredEntityId = "";
  let inferredHostname = "";
  if (role.inferredEntityType === EC2_ENTITY_TYPE) {
    // An EC2 instance's role session is named after the instance ID.
    const described = await runningInstance(ctx, entity.sessionInfo, role.inferredAwsRegion, identity.account, request.signal);
    if ("refused" in described) {
      return errorResponse(`failed to verify ${entity.sessionInfo} as a valid EC2 instance in region ${role.inferredAwsRegion}: ${described.refused}`);
    }
    const refusal = await checkEc2Binds(ctx, {
      role,
      roleName,
      instance: described.instance,
      accountId: identity.account,
      region: role.inferredAwsRegion,
      ...(request.signal !== undefined && { signal: request.signal }),
    });
    if (refusal !== undefined) return errorResponse(`error validating instance: ${refusal}`);
    inferredEntityType = EC2_ENTITY_TYPE;
    inferredEntityId = entity.sessionInfo;
    inferredHostname = described.instance.privateDnsName ?? "";
  }

  const tags = await tagMetadata(ctx, settings, entity, request.signal);
  if ("error" in tags) return errorResponse(tags.error);

  const configured = {
    ...selectMetadata(settings.metadataFields, {
      client_arn: identity.arn,
      canonical_arn: canonicalArn(entity),
      client_user_id: uniqueId,
      auth_type: "iam",
      inferred_entity_type: inferredEntityType,
      inferred_entity_id: inferredEntityId,
      inferred_aws_region: role.inferredAwsRegion,
      account_id: entity.accountNumber,
      inferred_hostname: inferredHostname,
    }),
    ...tags.ok,
  };
  return loginResponse({
    displayName: entity.type === "assumed-role" ? `${entity.friendlyName}/${entity.sessionInfo}` : entity.friendlyName,
    params,
    metadata: { role_id: role.roleId, ...configured },
    alias: { name: alias, metadata: configured },
    internalData: {
      role_name: roleName,
      role_id: role.roleId,
      canonical_arn: canonicalArn(entity),
      client_user_id: uniqueId,
      inferred_entity_id: inferredEntityId,
      inferred_aws_region: role.inferredAwsRegion,
      account_id: entity.accountNumber,
      inferred_hostname: inferredHostname,
    },
  });
}

export async function iamResolveRole(ctx: AwsAuthContext, request: Request, data: LoginData): Promise<Response | undefined> {
  const caller = await verifiedCaller(ctx, request, data);
  return "entity" in caller ? resolveRoleResponse(caller.roleName) : caller;
}


function requiredTokenValue(request: Request, key: string): string {
  const value = tokenValue(request, key);
  if (value === undefined) throw new Error(`${q(key)} not found in auth metadata`);
  return value;
}

/** pathLoginRenewIam: the role still exists, an inferred instance still runs, the caller is still bound. */
export async function renewIam(ctx: AwsAuthContext, request: Request): Promise<Response | undefined> {
  if (request.auth === undefined) throw new Error("no lease options for request");
  const canonical = requiredTokenValue(request, "canonical_arn");
  const roleNameValue = request.auth.internalData["role_name"];
  const roleName = typeof roleNameValue === "string" ? roleNameValue : "";
  if (roleName === "") throw new Error("error retrieving role_name during renewal");
  const role = await readRole(request.storage, roleName);
  if (role === undefined) throw new Error(`role entry not found: role ${q(roleName)} no longer exists`);

  // What the role requires now counts, not what it required at login: a role that started
  // inferring after the login cannot renew tokens that carry no instance ID.
  if (role.inferredEntityType !== "") {
    if (role.inferredEntityType !== EC2_ENTITY_TYPE) throw new Error(`unrecognized entity_type in metadata: ${q(role.inferredEntityType)}`);
    const instanceId = requiredTokenValue(request, "inferred_entity_id");
    const region = requiredTokenValue(request, "inferred_aws_region");
    const accountId = tokenValue(request, "account_id") ?? "";
    const described = await runningInstance(ctx, instanceId, region, accountId, request.signal);
    if ("refused" in described) throw new Error(`failed to verify instance ID ${q(instanceId)}: ${described.refused}`);
  }

  if (role.boundIamPrincipalArns.length > 0) {
    let clientUserId: string | undefined;
    try {
      clientUserId = tokenValue(request, "client_user_id");
    } catch {
      clientUserId = undefined;
    }
    const idBound = clientUserId !== undefined && role.boundIamPrincipalIds.includes(clientUserId);
    const arnBound = !role.resolveAwsUniqueIds && role.boundIamPrincipalArns.includes(canonical);
    if (!idBound && !arnBound) {
      const notBound = `role ${q(roleName)} no longer bound to ARN ${q(canonical)}`;
      if (!hasWildcardBind(role.boundIamPrincipalArns)) throw new Error(notBound);
      const parsed = parseIamArn(canonical);
      if ("error" in parsed) throw new Error(`error parsing ARN ${q(canonical)} when updating login for role ${q(roleName)}: ${parsed.error}`);
      const entity = parsed.ok;
      const uniqueId = clientUserId ?? "";
      let fullArn = uniqueId === "" ? undefined : cachedFullArn(ctx, entity.accountNumber, uniqueId);
      if (fullArn === undefined) {
        try {
          fullArn = await lookUpFullArn(ctx, entity, request.signal);
        } catch (err) {
          request.signal?.throwIfAborted();
          throw new Error(
            `error looking up full ARN of entity ${entityText(entity)} when updating login for role ${q(roleName)}: ${err instanceof Error ? err.message : String(err)}`,
            { cause: err },
          );
        }
        if (fullArn === "") throw new Error(`got empty string back when looking up full ARN of entity ${entityText(entity)} when updating login for role ${q(roleName)}`);
        if (uniqueId !== "") cacheFullArn(ctx, entity.accountNumber, uniqueId, fullArn);
      }
      const arn = fullArn;
      if (!role.boundIamPrincipalArns.some((b) => b.endsWith("*") && globbedStringsMatch(b, arn))) throw new Error(notBound);
    }
  }

  const params = tokenParams(role);
  return authRenewResponse(request, { ttl: params.tokenTtl, maxTtl: params.tokenMaxTtl, period: params.tokenPeriod });
}
