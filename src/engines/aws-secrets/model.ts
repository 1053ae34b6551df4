// The engine's stored entities as the rest of the engine sees them (camelCase, durations as
// bigint nanoseconds). Their JSON storage layout is upstream's, owned by the *-storage.ts modules:
//   config-root-storage.ts  readRootConfig(storage) / writeRootConfig(storage, config)
//   role-storage.ts         getRole(storage, name) (upgrading legacy `policy/<name>` entries),
//                           putRole, deleteRole, listRoles
//   storage.ts              readLeaseConfig / writeLeaseConfig (config/lease)
import type { Nanoseconds } from "../../logical/index.js";

export const CREDENTIAL_TYPES = ["iam_user", "assumed_role", "federation_token", "session_token"] as const;
export type CredentialType = (typeof CREDENTIAL_TYPES)[number];

/** config/root (≈ upstream rootConfig). */
export interface RootConfig {
  accessKey: string;
  secretKey: string;
  region: string;
  iamEndpoint: string;
  stsEndpoint: string;
  stsRegion: string;
  stsFallbackEndpoints: string[];
  stsFallbackRegions: string[];
  /** -1 keeps the SDK's default. */
  maxRetries: number;
  usernameTemplate: string;
  roleArn: string;
  identityTokenAudience: string;
  identityTokenTtl: Nanoseconds;
}

/** roles/<name> (≈ upstream awsRoleEntry). */
export interface RoleEntry {
  credentialTypes: CredentialType[];
  policyArns: string[];
  roleArns: string[];
  policyDocument: string;
  iamGroups: string[];
  iamTags: Record<string, string>;
  sessionTags: Record<string, string>;
  externalId: string;
  defaultStsTtl: Nanoseconds;
  maxStsTtl: Nanoseconds;
  /**
   * Lease of iam_user credentials from this role (0: config/lease, then the mount's defaults).
   * Beyond upstream, which offers only the mount-wide config/lease (vault#15176).
   */
  ttl: Nanoseconds;
  /** Longest lease of iam_user credentials from this role (0: config/lease's lease_max). */
  maxTtl: Nanoseconds;
  userPath: string;
  permissionsBoundaryArn: string;
  mfaSerialNumber: string;
  /** Legacy data that could not be converted. */
  invalidData: string;
  /** Legacy roles may not cross between creds/ and sts/. */
  prohibitFlexibleCredPath: boolean;
  version: number;
}
