// ec2 login (an instance presents its signed identity document), its alias lookahead,
// resolve-role and token renewal. Order of checks as upstream's pathLoginUpdateEc2: document
// signature → role → bound CIDRs → auth_type → alias → DescribeInstances → region and ec2 binds →
// access list (nonce, pendingTime) → role tag → access-list entry → token.
import { randomUUID } from "node:crypto";
import {
  aliasLookaheadResponse,
  formatGoDuration,
  loginResponse,
  parseDurationSecond,
  resolveRoleResponse,
  upgradeStoredTokenParams,
  type TokenParams,
} from "../../framework/index.js";
import { errorResponse, type Nanoseconds, type Request, type Response } from "../../logical/index.js";
import type { AwsAuthContext } from "./context.js";
import { tokenValue } from "./token-values.js";
import { checkEc2Binds } from "./ec2-binds.js";
import { verifiedIdentityDocument } from "./ec2-document-verification.js";
import { ec2IdentitySettings, selectMetadata, type Ec2IdentitySettings } from "./ec2-identity-config.js";
import type { IdentityDocument } from "./identity-document/index.js";
import { runningInstance } from "./ec2-instance.js";
import { MAX_NONCE_LENGTH, REAUTH_DISABLED_NONCE, reauthRefusal } from "./ec2-reauth.js";
import { roleTagLogin, type RoleTagGrant } from "./ec2-role-tag-login.js";
import { accessList, writeAccessListEntry, type AccessListEntry } from "./list-storage.js";
import type { LoginData } from "./path-login.js";
import type { LoginPurpose } from "./path-login.js";
import type { AwsAuthRole } from "./role-model.js";
import { readRole } from "./role-storage.js";
import { checkTokenBoundCidrs } from "./token-bound-cidrs.js";
import { startEarly } from "./early-read.js";
import { KeyedLock } from "../../framework/index.js";

const q = (s: string): string => JSON.stringify(s);

/** One lock per mount context: logins of one instance read and rewrite its access-list entry. */
const accessListLocks = new WeakMap<AwsAuthContext, KeyedLock>();
function instanceLock(ctx: AwsAuthContext): KeyedLock {
  let lock = accessListLocks.get(ctx);
  if (lock === undefined) {
    lock = new KeyedLock();
    accessListLocks.set(ctx, lock);
  }
  return lock;
}

/** The role's token settings with pre-1.2 values folded in (upstream upgrades them on read). */
const tokenParams = (role: AwsAuthRole): TokenParams => upgradeStoredTokenParams(role.token, role.legacy);

interface DocumentAndRole {
  doc: IdentityDocument;
  roleName: string;
  role: AwsAuthRole;
}

/** Verifies the document and finds the role (named, or the instance's AMI ID by default). */
async function documentAndRole(request: Request, data: LoginData): Promise<DocumentAndRole | Response> {
  // A named role is read while the certificates are read and the document verified (a role named
  // after the AMI is known only then); it is not looked at before the document verifies.
  const asked = data.get("role");
  const earlyRole = asked === "" ? undefined : startEarly(() => readRole(request.storage, asked));
  const doc = await verifiedIdentityDocument(request.storage, {
    pkcs7: data.get("pkcs7"),
    identity: data.get("identity"),
    signature: data.get("signature"),
  });
  if ("refused" in doc) return errorResponse(doc.refused);
  const roleName = asked === "" ? doc.imageId : asked;
  if (roleName === "") return errorResponse("missing role name: no role was given and the identity document has no imageId");
  const role = earlyRole !== undefined ? await earlyRole() : await readRole(request.storage, roleName);
  if (role === undefined) return errorResponse(`entry for role ${q(roleName)} not found`);
  return { doc, roleName, role };
}

function aliasName(settings: Ec2IdentitySettings, role: AwsAuthRole, doc: IdentityDocument): string {
  if (settings.alias === "instance_id") return doc.instanceId;
  if (settings.alias === "image_id") return doc.imageId;
  return role.roleId;
}

const longer = (a: Nanoseconds, b: Nanoseconds): Nanoseconds => (b > a ? b : a);
const capped = (a: Nanoseconds, b: Nanoseconds): Nanoseconds => (b > 0n && b < a ? b : a);

/**
 * The token's max TTL (shortest of mount, role and tag, zeros ignored) and the access-list
 * entry's lifetime (longest of them: the entry guards against replay for as long as any token of
 * the instance may live).
 */
function maxTtls(mountMax: Nanoseconds, roleMax: Nanoseconds, tagMax: Nanoseconds): { shortest: Nanoseconds; longest: Nanoseconds } {
  return { shortest: capped(capped(mountMax, roleMax), tagMax), longest: longer(longer(mountMax, roleMax), tagMax) };
}

const addNanos = (t: Date, ns: Nanoseconds): Date => new Date(t.getTime() + Number(ns / 1_000_000n));

export async function ec2Login(ctx: AwsAuthContext, request: Request, data: LoginData, purpose: LoginPurpose): Promise<Response | undefined> {
  // config/identity is read while the document is verified; it is used only after that.
  const earlySettings = startEarly(() => ec2IdentitySettings(request.storage));
  const found = await documentAndRole(request, data);
  if (!("doc" in found)) return found;
  const { doc, roleName, role } = found;
  const params = tokenParams(role);
  checkTokenBoundCidrs(request, params.tokenBoundCidrs);
  if (role.authType !== "ec2") return errorResponse(`auth method ec2 not allowed for role ${roleName}`);

  const settings = await earlySettings();
  const alias = aliasName(settings, role, doc);
  if (purpose === "alias-lookahead") return aliasLookaheadResponse(alias);

  // The mount's max TTL (a round trip to Vault) is asked for while EC2 describes the instance.
  const earlyMountMax = startEarly(() => ctx.system.maxLeaseTtl());
  const described = await runningInstance(ctx, doc.instanceId, doc.region, doc.accountId, request.signal);
  if ("refused" in described) return errorResponse(`failed to verify instance ID: ${described.refused}`);
  const { instance } = described;
  if (role.boundRegions.length > 0 && !role.boundRegions.includes(doc.region)) {
    return errorResponse(`Region ${q(doc.region)} does not satisfy the constraint on role ${q(roleName)}`);
  }
  const bindRefusal = await checkEc2Binds(ctx, { role, roleName, instance, accountId: doc.accountId, region: doc.region, signal: request.signal });
  if (bindRefusal !== undefined) return errorResponse(`Error validating instance: ${bindRefusal}`);

  const nonceGiven = data.getOk("nonce").ok;
  const mountMax = await earlyMountMax();

  return instanceLock(ctx).run(doc.instanceId, async () => {
    const stored = await accessList.get(request.storage, doc.instanceId);
    // An explicitly empty nonce asks for reauthentication to be disabled.
    let disallowReauthentication = role.disallowReauthentication;
    let clientNonce = nonceGiven ? data.get("nonce") : "";
    if (nonceGiven && clientNonce === "") {
      clientNonce = REAUTH_DISABLED_NONCE;
      disallowReauthentication = true;
    }
    if (stored !== undefined) {
      const refusal = reauthRefusal(clientNonce, doc.pendingTime, stored, role.allowInstanceMigration);
      if (refusal !== undefined) return errorResponse(refusal);
      // Sticky: only deleting the access-list entry lets such an instance log in again.
      disallowReauthentication ||= stored.disallowReauthentication;
    }
    if (!nonceGiven) clientNonce = randomUUID();

    let tag: RoleTagGrant | undefined;
    if (role.roleTag !== "") {
      const verified = await roleTagLogin(request.storage, roleName, role, instance);
      if ("refused" in verified) return errorResponse(`failed to fetch and verify the role tag: ${verified.refused}`);
      tag = verified;
      disallowReauthentication ||= tag.disallowReauthentication;
    }
    const tagMaxTtl = tag?.maxTtl ?? 0n;
    const ttls = maxTtls(mountMax, params.tokenMaxTtl, tagMaxTtl);

    // Counted in bytes, as Go counts a string.
    if (Buffer.byteLength(clientNonce, "utf8") > MAX_NONCE_LENGTH && !disallowReauthentication) {
      return errorResponse(`client nonce exceeding the limit of ${MAX_NONCE_LENGTH} characters`);
    }
    const now = ctx.now();
    // Role, nonce and creation time of an entry never change once written.
    const entry: AccessListEntry = {
      role: stored?.role ?? roleName,
      clientNonce: disallowReauthentication ? "" : (stored?.clientNonce ?? clientNonce),
      creationTime: stored?.creationTime ?? now,
      disallowReauthentication,
      pendingTime: doc.pendingTime,
      expirationTime: addNanos(now, ttls.longest),
      lastUpdatedTime: now,
    };
    await writeAccessListEntry(request.storage, doc.instanceId, entry);

    const facts = { instance_id: doc.instanceId, region: doc.region, account_id: doc.accountId, ami_id: doc.imageId, auth_type: "ec2" };
    const configured = selectMetadata(settings.metadataFields, facts);
    const metadata: Record<string, string> = { role_tag_max_ttl: formatGoDuration(tagMaxTtl), role: roleName, ...configured };
    // The generated nonce goes back only when the client did not choose one and may come back.
    if (!disallowReauthentication && !nonceGiven) metadata["nonce"] = clientNonce;
    const policies = tag !== undefined && tag.policies.length > 0 ? tag.policies : params.tokenPolicies;
    return loginResponse({
      params,
      policies,
      metadata,
      alias: { name: alias, metadata: configured },
      internalData: { instance_id: doc.instanceId, region: doc.region, account_id: doc.accountId },
      lease: { maxTtl: ttls.shortest },
    });
  });
}

export async function ec2ResolveRole(_ctx: AwsAuthContext, request: Request, data: LoginData): Promise<Response | undefined> {
  const found = await documentAndRole(request, data);
  return "doc" in found ? resolveRoleResponse(found.roleName) : found;
}


export async function renewEc2(ctx: AwsAuthContext, request: Request): Promise<Response | undefined> {
  const auth = request.auth;
  if (auth === undefined) throw new Error("no lease options for request");
  const instanceId = tokenValue(request, "instance_id");
  if (instanceId === undefined) throw new Error(`"instance_id" not found in auth metadata`);
  const region = tokenValue(request, "region");
  if (region === undefined) throw new Error(`"region" not found in auth metadata`);
  // Tokens from before account_id was recorded are checked in Vault's own account, as upstream
  // does by building the client without an STS role.
  const accountId = tokenValue(request, "account_id") ?? (await ctx.clients.defaultAccountId(request.signal));

  const described = await runningInstance(ctx, instanceId, region, accountId, request.signal);
  if ("refused" in described) throw new Error(`failed to verify instance ID ${q(instanceId)}: ${described.refused}`);

  return instanceLock(ctx).run(instanceId, async () => {
    const stored = await accessList.get(request.storage, instanceId);
    if (stored === undefined) throw new Error(`failed to verify the access list identity entry for instance ID: ${q(instanceId)}`);
    const role = await readRole(request.storage, stored.role);
    if (role === undefined) throw new Error(`role entry not found: role ${q(stored.role)} of the access list entry no longer exists`);
    const params = tokenParams(role);
    let tagMaxTtl: Nanoseconds;
    try {
      tagMaxTtl = parseDurationSecond(auth.metadata["role_tag_max_ttl"] ?? "");
    } catch {
      throw new Error("the token's role_tag_max_ttl metadata is not a duration");
    }
    const ttls = maxTtls(await ctx.system.maxLeaseTtl(), params.tokenMaxTtl, tagMaxTtl);
    const now = ctx.now();
    await writeAccessListEntry(request.storage, instanceId, { ...stored, lastUpdatedTime: now, expirationTime: addNanos(now, ttls.longest) });
    return {
      auth: { ...auth, lease: { ...auth.lease, ttl: params.tokenTtl, maxTtl: ttls.shortest }, period: params.tokenPeriod },
    };
  });
}
