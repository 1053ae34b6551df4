// The ec2 binds of a role (bound_ec2_instance_id, bound_account_id, bound_ami_id, bound_subnet_id,
// bound_vpc_id, bound_iam_instance_profile_arn, bound_iam_role_arn), checked against an instance
// as DescribeInstances describes it. Shared by ec2 login and iam login with an inferred
// ec2_instance; bound_region is checked by the callers, which know where the region came from.
import type { Ec2Instance } from "./aws-api.js";
import type { AwsAuthContext } from "./context.js";
import type { AwsAuthRole } from "./role-model.js";

export interface Ec2BindsInput {
  role: AwsAuthRole;
  /** The role's name as the caller gave it, for the messages. */
  roleName: string;
  instance: Ec2Instance;
  /** The instance's account (identity document, or the caller's account for iam). */
  accountId: string;
  /** The region the instance was described in (IAM's partition follows from it). */
  region: string;
  signal?: AbortSignal;
}

const q = (s: string): string => JSON.stringify(s);

/**
 * A bound ARN matches exactly, or as a prefix when it ends with `*`. Only a trailing `*` is a
 * wildcard: `*` is a valid character inside an ARN's path, so a glob would over-match.
 */
export function arnMatchesBind(arn: string, bound: string): boolean {
  return bound.endsWith("*") ? arn.startsWith(bound.slice(0, -1)) : arn === bound;
}

/** The name of an instance profile from its ARN (`arn:<partition>:iam::<account>:instance-profile/<path/>name`). */
export function instanceProfileName(arn: string): string | undefined {
  const parts = arn.split(":");
  if (parts.length !== 6 || parts[0] !== "arn" || parts[2] !== "iam") return undefined;
  const resource = parts[5] ?? "";
  if (!resource.startsWith("instance-profile/")) return undefined;
  const name = resource.slice(resource.lastIndexOf("/") + 1);
  return name === "" ? undefined : name;
}

/**
 * Why the instance does not meet the role's ec2 binds, or undefined when it meets them all. AWS
 * failures (GetInstanceProfile) are thrown: they say nothing about the instance.
 */
export async function checkEc2Binds(ctx: AwsAuthContext, input: Ec2BindsInput): Promise<string | undefined> {
  const { role, roleName, instance, accountId } = input;
  if (role.boundEc2InstanceIds.length > 0 && !role.boundEc2InstanceIds.includes(instance.instanceId)) {
    return `instance ID ${q(instance.instanceId)} does not belong to the role ${q(roleName)}`;
  }
  if (role.boundAccountIds.length > 0 && !role.boundAccountIds.includes(accountId)) {
    return `account ID ${q(accountId)} does not belong to role ${q(roleName)}`;
  }
  // The AMI comes from DescribeInstances rather than the document, so ec2 and inferred iam
  // logins check the same value.
  if (role.boundAmiIds.length > 0 && !role.boundAmiIds.includes(instance.imageId)) {
    return `AMI ID ${q(instance.imageId)} does not belong to role ${q(roleName)}`;
  }
  if (role.boundSubnetIds.length > 0 && !role.boundSubnetIds.includes(instance.subnetId)) {
    return `subnet ID ${q(instance.subnetId)} does not satisfy the constraint on role ${q(roleName)}`;
  }
  if (role.boundVpcIds.length > 0 && !role.boundVpcIds.includes(instance.vpcId)) {
    return `VPC ID ${q(instance.vpcId)} does not satisfy the constraint on role ${q(roleName)}`;
  }
  const profileArn = instance.iamInstanceProfileArn;
  if (role.boundIamInstanceProfileArns.length > 0) {
    if (profileArn === "") return `the instance has no IAM instance profile, but role ${q(roleName)} is bound to instance profile ARNs`;
    if (!role.boundIamInstanceProfileArns.some((bound) => arnMatchesBind(profileArn, bound))) {
      return `IAM instance profile ARN ${q(profileArn)} does not satisfy the constraint role ${q(roleName)}`;
    }
  }
  if (role.boundIamRoleArns.length > 0) {
    if (profileArn === "") return `the instance has no IAM instance profile, but role ${q(roleName)} is bound to IAM role ARNs`;
    const name = instanceProfileName(profileArn);
    if (name === undefined) return `failed to parse IAM instance profile ARN ${q(profileArn)}`;
    const iam = await ctx.clients.iam(input.region, accountId, input.signal);
    const profile = await iam.getInstanceProfile(name);
    const [only, ...others] = profile.roles;
    if (only === undefined || others.length > 0 || only.arn === "") {
      return `IAM role ARN could not be fetched: instance profile ${q(name)} has ${profile.roles.length} roles, exactly one is required`;
    }
    if (!role.boundIamRoleArns.some((bound) => arnMatchesBind(only.arn, bound))) {
      return `IAM role ARN ${q(only.arn)} does not satisfy the constraint role ${q(roleName)}`;
    }
  }
  return undefined;
}
