// The narrow view of AWS this auth method needs. Handlers reach AWS only through these
// interfaces, built per mount (and per target account and region) from config/client and
// config/sts, so login and role code never touches the SDK directly.

/** The parts of ec2:DescribeInstances' answer that login, renew and the binds use. */
export interface Ec2Instance {
  instanceId: string;
  /** "pending", "running", "stopped", … */
  state: string;
  imageId: string;
  subnetId: string;
  vpcId: string;
  /** ARN of the attached instance profile, "" when none. */
  iamInstanceProfileArn: string;
  launchTime: Date | undefined;
  /** The instance's EC2 tags (role tags are read from here). */
  tags: Record<string, string>;
  /** The private DNS name (iam login's inferred_hostname metadata); "" or absent when unknown. */
  privateDnsName?: string;
}

export interface Ec2Api {
  /** The instance, or undefined when EC2 does not know it. */
  describeInstance(instanceId: string): Promise<Ec2Instance | undefined>;
}

/** An IAM user or role as GetUser/GetRole return it. */
export interface IamPrincipal {
  arn: string;
  /** UserId or RoleId (AIDA…/AROA…). */
  uniqueId: string;
  /** The principal's IAM tags. */
  tags: Record<string, string>;
}

export interface IamInstanceProfile {
  arn: string;
  instanceProfileId: string;
  roles: { arn: string; roleId: string }[];
}

export interface IamApi {
  getUser(userName: string): Promise<IamPrincipal>;
  getRole(roleName: string): Promise<IamPrincipal>;
  getInstanceProfile(profileName: string): Promise<IamInstanceProfile>;
}

/** The IAM calls of config/rotate-root, made with config/client's own static keys. */
export interface RootKeyIamApi {
  /** The user the configured keys belong to. */
  currentUserName(): Promise<string>;
  createAccessKey(userName: string): Promise<{ accessKeyId: string; secretAccessKey: string }>;
  deleteAccessKey(userName: string, accessKeyId: string): Promise<void>;
}

/**
 * Clients for one mount. Every cache key includes the account ID, region and STS role: keying
 * without the account let one account's credentials answer for another's (CVE-2025-11621).
 */
export interface AwsAuthClients {
  /** EC2 in `region` of `accountId` (through config/sts/<accountId> when that is not Vault's own account). */
  ec2(region: string, accountId: string, signal?: AbortSignal): Promise<Ec2Api>;
  /** IAM of `accountId` (IAM is global per partition; `region` picks the partition's endpoint). */
  iam(region: string, accountId: string, signal?: AbortSignal): Promise<IamApi>;
  /** The account of Vault's own credentials (sts:GetCallerIdentity once, then cached). */
  defaultAccountId(signal?: AbortSignal): Promise<string>;
  /** An uncached IAM client on config/client's static keys, for config/rotate-root. */
  rootKeyIam(signal?: AbortSignal): Promise<RootKeyIamApi>;
  /** Forget every cached client and the default account; config/client or config/sts changed. */
  reset(): void;
}
