// Roles in storage, in the JSON layout of Vault's awsRoleEntry, under `role/<lower-cased name>`.
// Reading applies upstream's in-memory upgrade (role-upgrade.ts), so callers always see a
// version-3 role: list-valued binds, prefix binds spelled with a trailing `*`, a role_id, and the
// pre-1.2 token settings folded into the token_* ones. The initialize-time upgrade persists it.
import {
  emptyLegacyTokenParams,
  jsonCollection,
  tokenParamsFromStorage,
  tokenParamsToStorage,
  upgradeStoredTokenParams,
} from "../../framework/index.js";
import { putJson, type Storage } from "../../logical/index.js";
import { ROLE_STORAGE_VERSION, type AuthType, type AwsAuthRole } from "./role-model.js";
import { upgradeStoredBinds, type StoredBinds } from "./role-upgrade.js";
import { STORAGE } from "./storage-keys.js";
import { asObject, storedBool, storedInt, storedString, storedStrings, type JsonObject } from "../../framework/stored-json.js";


function nanos(stored: JsonObject, key: string): bigint {
  return BigInt(storedInt(stored, key));
}

/** The binds exactly as stored: the lists and the pre-list singular fields. */
function storedBinds(s: JsonObject): StoredBinds {
  return {
    authType: storedString(s, "auth_type"),
    roleId: storedString(s, "role_id"),
    boundAmiIds: storedStrings(s, "bound_ami_id_list"),
    boundAccountIds: storedStrings(s, "bound_account_id_list"),
    boundEc2InstanceIds: storedStrings(s, "bound_ec2_instance_id_list"),
    boundIamPrincipalArns: storedStrings(s, "bound_iam_principal_arn_list"),
    boundIamPrincipalIds: storedStrings(s, "bound_iam_principal_id_list"),
    boundIamRoleArns: storedStrings(s, "bound_iam_role_arn_list"),
    boundIamInstanceProfileArns: storedStrings(s, "bound_iam_instance_profile_arn_list"),
    boundRegions: storedStrings(s, "bound_region_list"),
    boundSubnetIds: storedStrings(s, "bound_subnet_id_list"),
    boundVpcIds: storedStrings(s, "bound_vpc_id_list"),
    legacy: {
      boundAmiId: storedString(s, "bound_ami_id"),
      boundAccountId: storedString(s, "bound_account_id"),
      boundIamPrincipalArn: storedString(s, "bound_iam_principal_arn"),
      boundIamPrincipalId: storedString(s, "bound_iam_principal_id"),
      boundIamRoleArn: storedString(s, "bound_iam_role_arn"),
      boundIamInstanceProfileArn: storedString(s, "bound_iam_instance_profile_arn"),
      boundRegion: storedString(s, "bound_region"),
      boundSubnetId: storedString(s, "bound_subnet_id"),
      boundVpcId: storedString(s, "bound_vpc_id"),
    },
  };
}

/** The `version` member of a stored role (0 for roles written before Vault tracked it). */
export function storedRoleVersion(value: unknown): number {
  return storedInt(asObject(value), "version");
}

/** Vault's JSON (any storage version) → the role, upgraded in memory to version 3. */
export function roleFromStorage(value: unknown): AwsAuthRole {
  const s = asObject(value);
  const binds = upgradeStoredBinds(storedBinds(s), storedInt(s, "version"));
  const legacy = {
    ...emptyLegacyTokenParams(),
    policies: storedStrings(s, "policies"),
    ttl: nanos(s, "ttl"),
    maxTtl: nanos(s, "max_ttl"),
    period: nanos(s, "period"),
  };
  return {
    roleId: binds.roleId,
    authType: (binds.authType === "iam" ? "iam" : "ec2") satisfies AuthType,
    boundAmiIds: binds.boundAmiIds,
    boundAccountIds: binds.boundAccountIds,
    boundEc2InstanceIds: binds.boundEc2InstanceIds,
    boundEc2InstanceIdsUnset: (s["bound_ec2_instance_id_list"] ?? null) === null,
    boundIamPrincipalArns: binds.boundIamPrincipalArns,
    boundIamPrincipalIds: binds.boundIamPrincipalIds,
    boundIamRoleArns: binds.boundIamRoleArns,
    boundIamInstanceProfileArns: binds.boundIamInstanceProfileArns,
    boundRegions: binds.boundRegions,
    boundSubnetIds: binds.boundSubnetIds,
    boundVpcIds: binds.boundVpcIds,
    inferredEntityType: storedString(s, "inferred_entity_type"),
    inferredAwsRegion: storedString(s, "inferred_aws_region"),
    resolveAwsUniqueIds: storedBool(s, "resolve_aws_unique_ids"),
    roleTag: storedString(s, "role_tag"),
    allowInstanceMigration: storedBool(s, "allow_instance_migration"),
    disallowReauthentication: storedBool(s, "disallow_reauthentication"),
    hmacKey: storedString(s, "hmac_key"),
    version: ROLE_STORAGE_VERSION,
    // Upstream folds the pre-1.2 values in on every load without persisting them.
    token: upgradeStoredTokenParams(tokenParamsFromStorage(s), legacy),
    legacy,
  };
}

/** Go's encoding of a nil slice is null; keep that for lists nothing ever set. */
const list = (values: readonly string[]): string[] | null => (values.length === 0 ? null : [...values]);

/**
 * The role → Vault's JSON: every member awsRoleEntry marshals (durations as integer
 * nanoseconds), the omitempty singular binds left out.
 */
export function roleToStorage(role: AwsAuthRole): Record<string, unknown> {
  return {
    ...tokenParamsToStorage(role.token),
    // Vault 1.21's TokenParams marshals this Enterprise-only map too; always nil in CE.
    alias_metadata: null,
    role_id: role.roleId,
    auth_type: role.authType,
    bound_ami_id_list: list(role.boundAmiIds),
    bound_account_id_list: list(role.boundAccountIds),
    bound_ec2_instance_id_list: role.boundEc2InstanceIdsUnset === true && role.boundEc2InstanceIds.length === 0 ? null : [...role.boundEc2InstanceIds],
    bound_iam_principal_arn_list: list(role.boundIamPrincipalArns),
    bound_iam_principal_id_list: list(role.boundIamPrincipalIds),
    bound_iam_role_arn_list: list(role.boundIamRoleArns),
    bound_iam_instance_profile_arn_list: list(role.boundIamInstanceProfileArns),
    bound_region_list: list(role.boundRegions),
    bound_subnet_id_list: list(role.boundSubnetIds),
    bound_vpc_id_list: list(role.boundVpcIds),
    inferred_entity_type: role.inferredEntityType,
    inferred_aws_region: role.inferredAwsRegion,
    resolve_aws_unique_ids: role.resolveAwsUniqueIds,
    role_tag: role.roleTag,
    allow_instance_migration: role.allowInstanceMigration,
    disallow_reauthentication: role.disallowReauthentication,
    hmac_key: role.hmacKey,
    version: role.version,
    ttl: Number(role.legacy.ttl),
    max_ttl: Number(role.legacy.maxTtl),
    period: Number(role.legacy.period),
    policies: list(role.legacy.policies),
  };
}

const roles = jsonCollection(STORAGE.rolePrefix, roleFromStorage);
const rawRoles = jsonCollection(STORAGE.rolePrefix, (value: unknown) => value);

/** Role names are case-insensitive: stored lower-cased, as upstream does. */
export function readRole(storage: Storage, name: string): Promise<AwsAuthRole | undefined> {
  // A login's `role` or a role tag's r= may hold "/": no role is ever stored under such a name
  // (upstream's Get of that key finds nothing), so it is not found rather than a storage error.
  if (name.includes("/")) return Promise.resolve(undefined);
  return roles.get(storage, name.toLowerCase());
}

/** The stored JSON as it is, for the storage upgrade (which needs the stored version). */
export function readRawRole(storage: Storage, name: string): Promise<unknown> {
  return rawRoles.get(storage, name.toLowerCase());
}

export function writeRole(storage: Storage, name: string, role: AwsAuthRole): Promise<void> {
  return putJson(storage, roles.key(name.toLowerCase()), roleToStorage(role), false);
}

export function deleteRole(storage: Storage, name: string): Promise<void> {
  return roles.delete(storage, name.toLowerCase());
}

export function listRoles(storage: Storage): Promise<string[]> {
  return roles.list(storage);
}
