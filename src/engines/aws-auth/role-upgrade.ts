// Upstream's per-role storage upgrade (awsRoleEntry versions 0 → 3), as a pure function over the
// stored binds. Version 0 (Vault ≤ 0.8) kept one value per bind and could hold an instance-profile
// ARN in bound_iam_role_arn; version 1 matched bound_iam_role_arn and
// bound_iam_instance_profile_arn by prefix without saying so; version 2 had no role_id.
import { randomUUID } from "node:crypto";
import { ROLE_STORAGE_VERSION, type RoleBindLists } from "./role-model.js";

/** The singular binds of version-0 roles (omitted from JSON once empty). */
export interface LegacyBinds {
  boundAmiId: string;
  boundAccountId: string;
  boundIamPrincipalArn: string;
  boundIamPrincipalId: string;
  boundIamRoleArn: string;
  boundIamInstanceProfileArn: string;
  boundRegion: string;
  boundSubnetId: string;
  boundVpcId: string;
}

/** What the upgrade reads and rewrites. */
export interface StoredBinds extends RoleBindLists {
  authType: string;
  roleId: string;
  legacy: LegacyBinds;
}

export type UpgradedBinds = Omit<StoredBinds, "legacy">;

/** A single value becomes the whole list, as upstream's version-0 step does. */
const fold = (single: string, values: string[]): string[] => (single !== "" ? [single] : [...values]);

/**
 * Applies every step from `version` to 3. Throws for a version newer than this code knows (as
 * upstream refuses it). The random role_id of a version < 3 role is new on every call until the
 * upgraded role is written back.
 */
export function upgradeStoredBinds(stored: StoredBinds, version: number): UpgradedBinds {
  if (!Number.isInteger(version) || version < 0 || version > ROLE_STORAGE_VERSION) throw new Error(`unrecognized role version: ${version}`);
  const { legacy: singular, ...lists } = stored;
  const b: UpgradedBinds = { ...lists };
  if (version === 0) {
    const legacy = { ...singular };
    // A version-0 role could carry an instance profile in the role ARN field.
    if (legacy.boundIamRoleArn.includes(":instance-profile/")) {
      legacy.boundIamInstanceProfileArn = legacy.boundIamRoleArn;
      legacy.boundIamRoleArn = "";
    }
    // Roles from before auth_type existed were all ec2 roles.
    if (b.authType === "") b.authType = "ec2";
    b.boundAmiIds = fold(legacy.boundAmiId, b.boundAmiIds);
    b.boundAccountIds = fold(legacy.boundAccountId, b.boundAccountIds);
    b.boundIamPrincipalArns = fold(legacy.boundIamPrincipalArn, b.boundIamPrincipalArns);
    b.boundIamPrincipalIds = fold(legacy.boundIamPrincipalId, b.boundIamPrincipalIds);
    b.boundIamRoleArns = fold(legacy.boundIamRoleArn, b.boundIamRoleArns);
    b.boundIamInstanceProfileArns = fold(legacy.boundIamInstanceProfileArn, b.boundIamInstanceProfileArns);
    b.boundRegions = fold(legacy.boundRegion, b.boundRegions);
    b.boundSubnetIds = fold(legacy.boundSubnetId, b.boundSubnetIds);
    b.boundVpcIds = fold(legacy.boundVpcId, b.boundVpcIds);
  }
  if (version <= 1) {
    // Make the prefix match these binds always had explicit.
    b.boundIamRoleArns = b.boundIamRoleArns.map((arn) => `${arn}*`);
    b.boundIamInstanceProfileArns = b.boundIamInstanceProfileArns.map((arn) => `${arn}*`);
  }
  if (version <= 2) b.roleId = randomUUID();
  return b;
}

/** What decides whether a version-0 role still needs its principal's unique ID. */
export interface LegacyPrincipalBind {
  version: number;
  authType: string;
  resolveAwsUniqueIds: boolean;
  /** The singular bound_iam_principal_arn / bound_iam_principal_id as stored. */
  arn: string;
  id: string;
}

/**
 * Whether upstream's upgrade resolves this role's principal: a version-0 iam role resolving IDs,
 * bound to one non-wildcard ARN, with no ID stored.
 */
export function needsPrincipalIdResolution(b: LegacyPrincipalBind): boolean {
  return b.version === 0 && b.authType === "iam" && b.resolveAwsUniqueIds && b.arn !== "" && b.id === "" && !b.arn.endsWith("*");
}
