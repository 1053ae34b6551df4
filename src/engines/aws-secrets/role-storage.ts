// Storage of dynamic roles: `role/<name>` in the JSON layout of upstream's awsRoleEntry, plus the
// legacy `policy/<name>` entries of Vault ≤ 0.10, which are upgraded when read.
import { jsonCollection, primaryOwnsMountData } from "../../framework/index.js";
import type { Storage, SystemView } from "../../logical/index.js";
import type { RoleEntry } from "./model.js";
import {
  storedBool,
  storedDuration,
  storedInt,
  storedObject,
  storedString,
  storedStringList,
  storedStringMap,
} from "./role-json.js";
import { upgradeLegacyPolicyEntry } from "./role-legacy.js";
import { isCredentialType } from "./role-validation.js";

export const ROLE_PREFIX = "role/";
export const LEGACY_POLICY_PREFIX = "policy/";

/**
 * The Go struct's JSON, members in its field order. Nil slices and maps are `null`, which is what
 * Go writes for a list or map that was never set; `invalid_data` and
 * `prohibit_flexible_cred_path` are omitted when empty (`omitempty`); durations are nanoseconds.
 */
interface RoleJson {
  credential_types: string[] | null;
  policy_arns: string[] | null;
  role_arns: string[] | null;
  policy_document: string;
  iam_groups: string[] | null;
  iam_tags: Record<string, string> | null;
  session_tags: Record<string, string> | null;
  external_id: string;
  invalid_data?: string;
  prohibit_flexible_cred_path?: boolean;
  version: number;
  default_sts_ttl: number;
  max_sts_ttl: number;
  // Ours (vault#15176); upstream ignores unknown keys, so the entry stays readable by it.
  ttl?: number;
  max_ttl?: number;
  user_path: string;
  permissions_boundary_arn: string;
  mfa_serial_number: string;
}

function fromJson(value: unknown): RoleEntry {
  const json = storedObject(value);
  const credentialTypes = storedStringList(json, "credential_types");
  const unknown = credentialTypes.find((type) => !isCredentialType(type));
  if (unknown !== undefined) throw new Error(`unknown credential type ${JSON.stringify(unknown)}`);
  return {
    credentialTypes: credentialTypes.filter(isCredentialType),
    policyArns: storedStringList(json, "policy_arns"),
    roleArns: storedStringList(json, "role_arns"),
    policyDocument: storedString(json, "policy_document"),
    iamGroups: storedStringList(json, "iam_groups"),
    iamTags: storedStringMap(json, "iam_tags"),
    sessionTags: storedStringMap(json, "session_tags"),
    externalId: storedString(json, "external_id"),
    invalidData: storedString(json, "invalid_data"),
    prohibitFlexibleCredPath: storedBool(json, "prohibit_flexible_cred_path"),
    version: storedInt(json, "version"),
    defaultStsTtl: storedDuration(json, "default_sts_ttl"),
    maxStsTtl: storedDuration(json, "max_sts_ttl"),
    ttl: storedDuration(json, "ttl"),
    maxTtl: storedDuration(json, "max_ttl"),
    userPath: storedString(json, "user_path"),
    permissionsBoundaryArn: storedString(json, "permissions_boundary_arn"),
    mfaSerialNumber: storedString(json, "mfa_serial_number"),
  };
}

/** An empty list or map as Go's nil, the value upstream holds for anything never set. */
const listOrNull = (items: readonly string[]): string[] | null => (items.length === 0 ? null : [...items]);
const mapOrNull = (map: Readonly<Record<string, string>>): Record<string, string> | null =>
  Object.keys(map).length === 0 ? null : { ...map };

/** The role as upstream's `awsRoleEntry` JSON (the layout of role/<name>). */
export function roleToJson(role: RoleEntry): RoleJson {
  return {
    credential_types: listOrNull(role.credentialTypes),
    policy_arns: listOrNull(role.policyArns),
    role_arns: listOrNull(role.roleArns),
    policy_document: role.policyDocument,
    iam_groups: listOrNull(role.iamGroups),
    iam_tags: mapOrNull(role.iamTags),
    session_tags: mapOrNull(role.sessionTags),
    external_id: role.externalId,
    ...(role.invalidData !== "" && { invalid_data: role.invalidData }),
    ...(role.prohibitFlexibleCredPath && { prohibit_flexible_cred_path: true }),
    version: role.version,
    default_sts_ttl: Number(role.defaultStsTtl),
    max_sts_ttl: Number(role.maxStsTtl),
    ...(role.ttl !== 0n && { ttl: Number(role.ttl) }),
    ...(role.maxTtl !== 0n && { max_ttl: Number(role.maxTtl) }),
    user_path: role.userPath,
    permissions_boundary_arn: role.permissionsBoundaryArn,
    mfa_serial_number: role.mfaSerialNumber,
  };
}

// The collection checks what it reads by converting it, so a bad entry fails with its key named.
const roles = jsonCollection<RoleJson>(ROLE_PREFIX, (value) => roleToJson(fromJson(value)));

export interface GetRoleOptions {
  /**
   * Store an upgraded legacy entry as `role/<name>` and delete `policy/<name>`. Pass
   * `canPersistLegacyUpgrade` (as a function: it asks Vault, which is only worth it when a legacy
   * entry is actually found): replicated storage must not be written on a performance secondary
   * or standby, where the role is upgraded in memory only.
   */
  upgradeLegacy: boolean | (() => Promise<boolean>);
}

/** The role `name`, reading a legacy `policy/<name>` entry when no `role/<name>` exists. */
export async function getRole(storage: Storage, name: string, opts: GetRoleOptions = { upgradeLegacy: false }): Promise<RoleEntry | undefined> {
  const stored = await roles.get(storage, name);
  if (stored !== undefined) return fromJson(stored);
  const legacy = await storage.get(LEGACY_POLICY_PREFIX + name);
  if (legacy === undefined) return undefined;
  // The legacy value is the raw text the old API stored, not JSON-encoded.
  const role = upgradeLegacyPolicyEntry(Buffer.from(legacy.value).toString("utf8"));
  const persist = typeof opts.upgradeLegacy === "function" ? await opts.upgradeLegacy() : opts.upgradeLegacy;
  if (persist) {
    await putRole(storage, name, role);
    // A failure here leaves a harmless duplicate: role/<name> now wins on every read.
    await storage.delete(LEGACY_POLICY_PREFIX + name);
  }
  return role;
}

export async function putRole(storage: Storage, name: string, role: RoleEntry): Promise<void> {
  await roles.put(storage, name, roleToJson(role));
}

/** Deletes the role and any legacy entry of the same name. */
export async function deleteRole(storage: Storage, name: string): Promise<void> {
  await storage.delete(LEGACY_POLICY_PREFIX + name);
  await roles.delete(storage, name);
}

/** Role names, sorted, including legacy roles not yet upgraded. */
export async function listRoles(storage: Storage): Promise<string[]> {
  const legacy = (await storage.list(LEGACY_POLICY_PREFIX)).filter((name) => !name.endsWith("/"));
  return [...new Set([...(await roles.list(storage)), ...legacy])].sort();
}

/**
 * Whether this node may write the upgrade of a legacy role (upstream: a local mount, or a node
 * that is neither a performance secondary nor a performance standby).
 */
export async function canPersistLegacyUpgrade(system: SystemView): Promise<boolean> {
  return !(await primaryOwnsMountData(system));
}
