// The fields of `role/<role>`: the binds, the ec2-only settings, and Vault's token_* fields with
// the four pre-1.2 names (policies, ttl, max_ttl, period) still accepted as deprecated aliases.
import { field, genericNameRegex, legacyTokenFields, withTokenFields } from "../../framework/index.js";

const { period, ttl, max_ttl, policies } = legacyTokenFields();

export const ROLE_NAME_PATTERN = genericNameRegex("role");

const EC2_OR_INFERRED = "Only applies when auth_type is ec2 or inferred_entity_type is ec2_instance.";

export const roleFields = withTokenFields({
  role: field.string({ description: "Name of the role." }),
  auth_type: field.string({
    description: "How clients of this role log in: iam or ec2. Defaults to iam; fixed once the role exists.",
  }),
  bound_ami_id: field.commaStringSlice({ description: `AMI IDs the instance must have been launched from. ${EC2_OR_INFERRED}` }),
  bound_account_id: field.commaStringSlice({ description: `AWS account IDs the instance must belong to. ${EC2_OR_INFERRED}` }),
  bound_iam_principal_arn: field.commaStringSlice({
    description: `IAM user or role ARNs allowed to log in; a trailing "*" matches by prefix. Only applies when auth_type is iam.`,
  }),
  bound_region: field.commaStringSlice({ description: "Regions the instance must run in. Only applies when auth_type is ec2." }),
  bound_iam_role_arn: field.commaStringSlice({
    description: `IAM role ARNs the instance's profile must carry; a trailing "*" matches by prefix. Needs
iam:GetInstanceProfile. ${EC2_OR_INFERRED}`,
  }),
  bound_iam_instance_profile_arn: field.commaStringSlice({
    description: `Instance profile ARNs the instance must be associated with; a trailing "*" matches by prefix. ${EC2_OR_INFERRED}`,
  }),
  bound_ec2_instance_id: field.commaStringSlice({
    description: `EC2 instance IDs allowed to log in, as a list or comma-separated string. ${EC2_OR_INFERRED}`,
  }),
  resolve_aws_unique_ids: field.bool({
    default: true,
    description: `Bind IAM principals by AWS's unique IDs, resolved when the role is written, so a principal
deleted and re-created with the same name does not match. Cannot be turned off once on.`,
  }),
  inferred_entity_type: field.string({
    description: `With auth_type iam, the kind of entity to infer from the caller; only ec2_instance, which takes
the instance ID from the assumed role's session name and applies the ec2 binds to that instance.`,
  }),
  inferred_aws_region: field.string({ description: "With inferred_entity_type, the region the inferred instance runs in." }),
  bound_vpc_id: field.commaStringSlice({ description: `VPC IDs the instance must be in. ${EC2_OR_INFERRED}` }),
  bound_subnet_id: field.commaStringSlice({ description: `Subnet IDs the instance must be in. ${EC2_OR_INFERRED}` }),
  role_tag: field.string({
    default: "",
    description: `Key of the EC2 tag that carries a role tag (made at role/<role>/tag); empty disables role tags.
Only applies when auth_type is ec2.`,
  }),
  period,
  ttl,
  max_ttl,
  policies,
  allow_instance_migration: field.bool({
    default: false,
    description: `Accept a wrong nonce when the instance's pendingTime is newer than the one remembered (the
instance moved to a new host). Use with care. Only applies when auth_type is ec2.`,
  }),
  disallow_reauthentication: field.bool({
    default: false,
    description: `One token per instance ID: a new login needs the instance's identity-accesslist entry deleted
first. Only applies when auth_type is ec2.`,
  }),
});

export type RoleFields = typeof roleFields;
