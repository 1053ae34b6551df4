// A role as the login and renew code sees it (upstream's awsRoleEntry after the storage upgrade:
// list-valued binds, role_id set). role-storage.ts maps it to and from Vault's JSON.
import { emptyLegacyTokenParams, emptyTokenParams, type LegacyTokenParams, type TokenParams } from "../../framework/index.js";

/** The storage version this code writes (upstream's currentRoleStorageVersion). */
export const ROLE_STORAGE_VERSION = 3;

export type AuthType = "ec2" | "iam";

export interface AwsAuthRole {
  roleId: string;
  authType: AuthType;
  boundAmiIds: string[];
  boundAccountIds: string[];
  boundEc2InstanceIds: string[];
  /**
   * True while bound_ec2_instance_id was never set (Go keeps the list nil): upstream's read then
   * shows null for it, where every other bind reads [].
   */
  boundEc2InstanceIdsUnset?: boolean;
  boundIamPrincipalArns: string[];
  /** Unique IDs resolved from boundIamPrincipalArns at write time (resolve_aws_unique_ids). */
  boundIamPrincipalIds: string[];
  boundIamRoleArns: string[];
  boundIamInstanceProfileArns: string[];
  boundRegions: string[];
  boundSubnetIds: string[];
  boundVpcIds: string[];
  /** "" or "ec2_instance". */
  inferredEntityType: string;
  inferredAwsRegion: string;
  resolveAwsUniqueIds: boolean;
  roleTag: string;
  allowInstanceMigration: boolean;
  disallowReauthentication: boolean;
  /** Key of the role tags' HMAC; never returned to clients. */
  hmacKey: string;
  version: number;
  token: TokenParams;
  legacy: LegacyTokenParams;
}

/** The list-valued binds of a role (what the storage upgrade rewrites). */
export type RoleBindLists = Pick<
  AwsAuthRole,
  | "boundAmiIds"
  | "boundAccountIds"
  | "boundEc2InstanceIds"
  | "boundIamPrincipalArns"
  | "boundIamPrincipalIds"
  | "boundIamRoleArns"
  | "boundIamInstanceProfileArns"
  | "boundRegions"
  | "boundSubnetIds"
  | "boundVpcIds"
>;

/** A role with no binds, no tag, no token settings and no HMAC key, at the current version. */
export function blankRole(roleId: string, authType: AuthType): AwsAuthRole {
  return {
    roleId,
    authType,
    boundAmiIds: [],
    boundAccountIds: [],
    boundEc2InstanceIds: [],
    boundIamPrincipalArns: [],
    boundIamPrincipalIds: [],
    boundIamRoleArns: [],
    boundIamInstanceProfileArns: [],
    boundRegions: [],
    boundSubnetIds: [],
    boundVpcIds: [],
    inferredEntityType: "",
    inferredAwsRegion: "",
    resolveAwsUniqueIds: false,
    roleTag: "",
    allowInstanceMigration: false,
    disallowReauthentication: false,
    hmacKey: "",
    version: ROLE_STORAGE_VERSION,
    token: emptyTokenParams(),
    legacy: emptyLegacyTokenParams(),
  };
}
