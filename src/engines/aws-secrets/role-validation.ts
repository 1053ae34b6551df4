// The rules a role must satisfy before it is stored, with upstream's messages (path_roles.go
// awsRoleEntry.validate): every broken rule is reported, in upstream's order, in one error.
import { boundInput, goQuote } from "../../framework/index.js";
import { CREDENTIAL_TYPES, type CredentialType, type RoleEntry } from "./model.js";

/** A role as the write handler assembles it: credential types not yet checked. */
export interface RoleDraft extends Omit<RoleEntry, "credentialTypes"> {
  credentialTypes: string[];
}

/** Where IAM users may live (IAM's own limits: 512 characters, printable ASCII, slashes at both ends). */
export const USER_PATH_PATTERN = /^\/([\x21-\x7F]{0,510}\/)?$/;

/** Upstream's Go spelling of USER_PATH_PATTERN, which its error message shows. */
const USER_PATH_PATTERN_TEXT = String.raw`^\/([\x21-\x7F]{0,510}\/)?$`;

const STS_TYPES: readonly CredentialType[] = ["assumed_role", "federation_token", "session_token"];

export function isCredentialType(value: string): value is CredentialType {
  return (CREDENTIAL_TYPES as readonly string[]).includes(value);
}

/** The parts of an ARN, split as the AWS SDK's arn.Parse does (the resource keeps any colons). */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** arn.Parse: the ARN, or the SDK's error text. */
export function parseArn(text: string): Arn | string {
  if (!text.startsWith("arn:")) return "arn: invalid prefix";
  const sections = text.split(":");
  if (sections.length < 6) return "arn: not enough sections";
  const [, partition = "", service = "", region = "", accountId = ""] = sections;
  return { partition, service, region, accountId, resource: sections.slice(5).join(":") };
}

/** Why `arn` does not name an IAM managed policy, or undefined when it does. */
export function managedPolicyArnError(arn: string): string | undefined {
  const parsed = parseArn(arn);
  if (typeof parsed === "string") return parsed;
  if (parsed.service !== "iam") return `expected a service of iam but got ${parsed.service}`;
  if (!parsed.resource.startsWith("policy/")) return `expected a resource type of policy but got ${parsed.resource}`;
  return undefined;
}

/** Every rule the draft breaks, in upstream's order; empty when it is valid. */
export function roleDraftErrors(role: RoleDraft): string[] {
  const errors: string[] = [];
  const has = (type: CredentialType): boolean => role.credentialTypes.includes(type);
  const hasSts = STS_TYPES.some(has);

  if (role.credentialTypes.length === 0) errors.push("did not supply credential_type");
  for (const type of role.credentialTypes) {
    // Upstream's text, plus the field and what it allows.
    if (!isCredentialType(type)) errors.push(`unrecognized credential type: ${boundInput(type)} (credential_type must be one of ${CREDENTIAL_TYPES.join(", ")})`);
  }
  if (role.defaultStsTtl !== 0n && !hasSts) {
    errors.push("default_sts_ttl parameter only valid for assumed_role, federation_token, and session_token credential types");
  }
  if (role.maxStsTtl !== 0n && !hasSts) {
    errors.push("max_sts_ttl parameter only valid for assumed_role, federation_token, and session_token credential types");
  }
  if (role.maxStsTtl > 0n && role.defaultStsTtl > 0n && role.defaultStsTtl > role.maxStsTtl) {
    errors.push(`"default_sts_ttl" value must be less than or equal to "max_sts_ttl" value`);
  }
  // ttl/max_ttl are ours (vault#15176): leases of IAM users only.
  if ((role.ttl !== 0n || role.maxTtl !== 0n) && !has("iam_user")) {
    errors.push("ttl and max_ttl parameters only valid for iam_user credential type");
  }
  if (role.ttl > 0n && role.maxTtl > 0n && role.ttl > role.maxTtl) {
    errors.push(`"ttl" value must be less than or equal to "max_ttl" value`);
  }
  if (role.userPath !== "") {
    if (!has("iam_user")) errors.push("user_path parameter only valid for iam_user credential type");
    if (!USER_PATH_PATTERN.test(role.userPath)) {
      errors.push(`the specified value for user_path is invalid. It must match ${goQuote(USER_PATH_PATTERN_TEXT)} regexp`);
    }
  }
  if (role.permissionsBoundaryArn !== "") {
    if (!has("iam_user")) errors.push("cannot supply permissions_boundary_arn when credential_type isn't iam_user");
    // Upstream restarts its error list here (a multierror.Append slip), dropping earlier errors;
    // we keep them all, so a caller sees every problem at once.
    const arnError = managedPolicyArnError(role.permissionsBoundaryArn);
    if (arnError !== undefined) errors.push(`invalid permissions_boundary_arn parameter: ${arnError}`);
  }
  if ((role.policyDocument !== "" || role.policyArns.length > 0) && has("session_token")) {
    errors.push("cannot supply a policy or role when using credential_type session_token");
  }
  if (role.roleArns.length > 0 && !has("assumed_role")) errors.push("cannot supply role_arns when credential_type isn't assumed_role");
  if (Object.keys(role.sessionTags).length > 0 && !has("assumed_role")) {
    errors.push("cannot supply session_tags when credential_type isn't assumed_role");
  }
  if (role.externalId !== "" && !has("assumed_role")) errors.push("cannot supply external_id when credential_type isn't assumed_role");
  return errors;
}

/** Narrows a draft that passed `roleDraftErrors` to a stored role. */
export function toRoleEntry(role: RoleDraft): RoleEntry {
  return { ...role, credentialTypes: role.credentialTypes.filter(isCredentialType) };
}
