// A role as the login and renew code sees it (upstream's awsRoleEntry after the storage upgrade:
// list-valued binds, role_id set). role-storage.ts maps it to and from Vault's JSON.
import type { LegacyTokenParams, TokenParams } from "../../framework/index.js";

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
