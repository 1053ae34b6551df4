// Roles in storage, in the JSON layout of Vault's awsRoleEntry (storage version 3: list-valued
// binds, role_id set), under `role/<lower-cased name>`.
import {
  emptyLegacyTokenParams,
  jsonCollection,
  tokenParamsFromStorage,
  tokenParamsToStorage,
} from "../../framework/index.js";
import { putJson, type Storage } from "../../logical/index.js";
import type { AuthType, AwsAuthRole } from "./role-model.js";
import { STORAGE } from "./storage-keys.js";

/** The storage version this code writes (upstream's currentRoleStorageVersion). */
export const ROLE_STORAGE_VERSION = 3;

type Json = Readonly<Record<string, unknown>>;

function strings(stored: Json, key: string): string[] {
  const v = stored[key] ?? [];
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw new Error(`${key} is not a list of strings`);
  return [...v];
}

function text(stored: Json, key: string): string {
  const v = stored[key] ?? "";
  if (typeof v !== "string") throw new Error(`${key} is not a string`);
  return v;
}

function flag(stored: Json, key: string): boolean {
  const v = stored[key] ?? false;
  if (typeof v !== "boolean") throw new Error(`${key} is not a boolean`);
  return v;
}

function nanos(stored: Json, key: string): bigint {
  const v = stored[key] ?? 0;
  if (typeof v !== "number" || !Number.isInteger(v)) throw new Error(`${key} is not an integer`);
  return BigInt(v);
}

/** Vault's JSON → the role. Legacy singular binds are folded into their lists. */
export function roleFromStorage(value: unknown): AwsAuthRole {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not a JSON object");
  const s = value as Json;
  const list = (key: string, legacyKey: string): string[] => {
    const values = strings(s, key);
    const single = text(s, legacyKey);
    return single !== "" && values.length === 0 ? [single] : values;
  };
  const authType = text(s, "auth_type");
  return {
    roleId: text(s, "role_id"),
    authType: (authType === "" ? "ec2" : authType) as AuthType,
    boundAmiIds: list("bound_ami_id_list", "bound_ami_id"),
    boundAccountIds: list("bound_account_id_list", "bound_account_id"),
    boundEc2InstanceIds: strings(s, "bound_ec2_instance_id_list"),
    boundIamPrincipalArns: list("bound_iam_principal_arn_list", "bound_iam_principal_arn"),
    boundIamPrincipalIds: list("bound_iam_principal_id_list", "bound_iam_principal_id"),
    boundIamRoleArns: list("bound_iam_role_arn_list", "bound_iam_role_arn"),
    boundIamInstanceProfileArns: list("bound_iam_instance_profile_arn_list", "bound_iam_instance_profile_arn"),
    boundRegions: list("bound_region_list", "bound_region"),
    boundSubnetIds: list("bound_subnet_id_list", "bound_subnet_id"),
    boundVpcIds: list("bound_vpc_id_list", "bound_vpc_id"),
    inferredEntityType: text(s, "inferred_entity_type"),
    inferredAwsRegion: text(s, "inferred_aws_region"),
    resolveAwsUniqueIds: flag(s, "resolve_aws_unique_ids"),
    roleTag: text(s, "role_tag"),
    allowInstanceMigration: flag(s, "allow_instance_migration"),
    disallowReauthentication: flag(s, "disallow_reauthentication"),
    hmacKey: text(s, "hmac_key"),
    version: typeof s["version"] === "number" ? s["version"] : 0,
    token: tokenParamsFromStorage(s),
    legacy: {
      ...emptyLegacyTokenParams(),
      policies: strings(s, "policies"),
      ttl: nanos(s, "ttl"),
      maxTtl: nanos(s, "max_ttl"),
      period: nanos(s, "period"),
    },
  };
}

/** The role → Vault's JSON (every key upstream writes, singular legacy binds left out). */
export function roleToStorage(role: AwsAuthRole): Record<string, unknown> {
  return {
    ...tokenParamsToStorage(role.token),
    role_id: role.roleId,
    auth_type: role.authType,
    bound_ami_id_list: role.boundAmiIds,
    bound_account_id_list: role.boundAccountIds,
    bound_ec2_instance_id_list: role.boundEc2InstanceIds,
    bound_iam_principal_arn_list: role.boundIamPrincipalArns,
    bound_iam_principal_id_list: role.boundIamPrincipalIds,
    bound_iam_role_arn_list: role.boundIamRoleArns,
    bound_iam_instance_profile_arn_list: role.boundIamInstanceProfileArns,
    bound_region_list: role.boundRegions,
    bound_subnet_id_list: role.boundSubnetIds,
    bound_vpc_id_list: role.boundVpcIds,
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
    policies: role.legacy.policies,
  };
}

const roles = jsonCollection(STORAGE.rolePrefix, roleFromStorage);

/** Role names are case-insensitive: stored lower-cased, as upstream does. */
export function readRole(storage: Storage, name: string): Promise<AwsAuthRole | undefined> {
  return roles.get(storage, name.toLowerCase());
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
