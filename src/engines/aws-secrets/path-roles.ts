// roles/ and roles/<name>: what each kind of credential issued by this mount may do.
import { definePath, field, genericNameWithAtRegex, KeyedLock, type FieldData } from "../../framework/index.js";
import { goQuote, multiErrorText, quoteInput } from "../../framework/index.js";
import { errorResponse, listResponse, secondsToNs, type Request, type Response } from "../../logical/index.js";
import { OPERATION_PREFIX } from "./constants.js";
import type { AwsSecretsContext } from "./context.js";
import type { RoleEntry } from "./model.js";
import { compactJson } from "./role-json.js";
import { emptyRole, upgradeLegacyPolicyEntry } from "./role-legacy.js";
import { canPersistLegacyUpgrade, deleteRole, getRole, listRoles, putRole } from "./role-storage.js";
import { roleDraftErrors, toRoleEntry, type RoleDraft } from "./role-validation.js";

const STS_TYPES_TEXT = "assumed_role, federation_token, and session_token";

const fields = {
  name: field.string({ description: "Name of the role.", displayAttrs: { name: "Role Name" } }),
  credential_type: field.string({
    description: "Kind of credential the role issues: iam_user, assumed_role, federation_token or session_token.",
  }),
  role_arns: field.commaStringSlice({
    description: "IAM roles that credentials may assume; assumed_role only.",
    displayAttrs: { name: "Role ARNs" },
  }),
  policy_arns: field.commaStringSlice({
    description: `Managed policies: attached to the IAM user for iam_user, passed as PolicyArns (a limit on
the session's permissions) for assumed_role and federation_token.`,
    displayAttrs: { name: "Policy ARNs" },
  }),
  policy_document: field.string({
    description: `An IAM policy document in JSON: the user's inline policy for iam_user, passed as Policy (a
limit on the session's permissions) for assumed_role and federation_token.`,
  }),
  iam_groups: field.commaStringSlice({
    description: `IAM groups: iam_user adds each user to them; assumed_role and federation_token add the
groups' inline and managed policies to policy_document and policy_arns.`,
    displayAttrs: { name: "IAM Groups", value: "group1,group2" },
  }),
  iam_tags: field.kvPairs({
    description: "Tags put on every IAM user the role creates, as a map or a list of key=value strings.",
    displayAttrs: { name: "IAM Tags", value: "[key1=value1, key2=value2]" },
  }),
  session_tags: field.kvPairs({
    description: "Session tags passed to AssumeRole, as a map or a list of key=value strings; assumed_role only.",
    displayAttrs: { name: "Session Tags", value: "[key1=value1, key2=value2]" },
  }),
  external_id: field.string({
    description: "External ID passed to AssumeRole; assumed_role only.",
    displayAttrs: { name: "External ID" },
  }),
  default_sts_ttl: field.durationSeconds({
    description: `Lifetime of ${STS_TYPES_TEXT} credentials when the request names none.`,
    displayAttrs: { name: "Default STS TTL" },
  }),
  max_sts_ttl: field.durationSeconds({
    description: `Longest lifetime a request may ask for with ${STS_TYPES_TEXT} credentials.`,
    displayAttrs: { name: "Max STS TTL" },
  }),
  ttl: field.durationSeconds({
    description: "Lease of IAM user credentials from this role; iam_user only. Unset: config/lease, then the mount default.",
    displayAttrs: { name: "IAM User TTL" },
  }),
  max_ttl: field.durationSeconds({
    description: "Longest lease of IAM user credentials from this role; iam_user only. Unset: config/lease's lease_max.",
    displayAttrs: { name: "IAM User Max TTL" },
  }),
  permissions_boundary_arn: field.string({
    description: "Managed policy set as the permissions boundary of each IAM user; iam_user only.",
    displayAttrs: { name: "Permissions Boundary ARN" },
  }),
  arn: field.string({ description: "Replaced by role_arns (role ARNs) and policy_arns (policy ARNs).", deprecated: true }),
  policy: field.string({ description: "Replaced by policy_document.", deprecated: true }),
  user_path: field.string({
    description: "IAM path of the users the role creates; iam_user only.",
    default: "/",
    displayAttrs: { name: "User Path", value: "/" },
  }),
  mfa_serial_number: field.string({
    description: `Serial number or ARN of the MFA device of the root config user, for session_token
credentials when that user requires MFA.`,
    displayAttrs: { name: "MFA Device Serial Number" },
  }),
};

type RoleFields = typeof fields;

/** The read shape: lists and maps as stored (null when never set), durations in seconds. */
function responseData(role: RoleEntry): Record<string, unknown> {
  const list = (items: readonly string[]): string[] | null => (items.length === 0 ? null : [...items]);
  const map = (entries: Readonly<Record<string, string>>): Record<string, string> | null =>
    Object.keys(entries).length === 0 ? null : { ...entries };
  return {
    credential_type: role.credentialTypes.join(","),
    policy_arns: list(role.policyArns),
    role_arns: list(role.roleArns),
    policy_document: role.policyDocument,
    iam_groups: list(role.iamGroups),
    iam_tags: map(role.iamTags),
    session_tags: map(role.sessionTags),
    external_id: role.externalId,
    default_sts_ttl: Number(role.defaultStsTtl / 1_000_000_000n),
    max_sts_ttl: Number(role.maxStsTtl / 1_000_000_000n),
    ttl: Number(role.ttl / 1_000_000_000n),
    max_ttl: Number(role.maxTtl / 1_000_000_000n),
    user_path: role.userPath,
    permissions_boundary_arn: role.permissionsBoundaryArn,
    mfa_serial_number: role.mfaSerialNumber,
    ...(role.invalidData !== "" && { invalid_data: role.invalidData }),
  };
}

/** The modern fields that may not be combined with `policy`/`arn`, in upstream's check order. */
const LEGACY_EXCLUSIVE = [
  "credential_type",
  "role_arns",
  "policy_arns",
  "policy_document",
  "default_sts_ttl",
  "max_sts_ttl",
  "user_path",
  "permissions_boundary_arn",
] as const;

/** The draft with this request's modern fields applied, or the user error. */
function applyFields(draft: RoleDraft, data: FieldData<RoleFields>, legacy: string): RoleDraft | string {
  const next: RoleDraft = { ...draft };
  for (const name of LEGACY_EXCLUSIVE) {
    if (!data.getOk(name).ok) continue;
    if (legacy !== "") {
      const what = name === "credential_type" ? "an explicit credential_type" : name;
      return `cannot supply deprecated role or policy parameters with ${what}`;
    }
    switch (name) {
      case "credential_type":
        // One type per write; legacy roles are the only ones with two.
        next.credentialTypes = [data.get(name)];
        break;
      case "role_arns":
        next.roleArns = data.get(name);
        break;
      case "policy_arns":
        next.policyArns = data.get(name);
        break;
      case "policy_document": {
        const document = data.get(name);
        const compacted = document === "" ? "" : compactJson(document);
        if (compacted === undefined) return `cannot parse policy document: ${quoteInput(document)} (policy_document must be a JSON policy)`;
        next.policyDocument = compacted;
        break;
      }
      case "default_sts_ttl":
        next.defaultStsTtl = secondsToNs(data.get(name));
        break;
      case "max_sts_ttl":
        next.maxStsTtl = secondsToNs(data.get(name));
        break;
      case "user_path":
        next.userPath = data.get(name);
        break;
      case "permissions_boundary_arn":
        next.permissionsBoundaryArn = data.get(name);
        break;
    }
  }
  // Upstream accepts these alongside the legacy parameters, whose upgrade then discards them.
  const groups = data.getOk("iam_groups");
  if (groups.ok) next.iamGroups = groups.value;
  const iamTags = data.getOk("iam_tags");
  if (iamTags.ok) next.iamTags = iamTags.value;
  const serial = data.getOk("mfa_serial_number");
  if (serial.ok) next.mfaSerialNumber = serial.value;
  const sessionTags = data.getOk("session_tags");
  if (sessionTags.ok) next.sessionTags = sessionTags.value;
  const externalId = data.getOk("external_id");
  if (externalId.ok) next.externalId = externalId.value;
  const ttl = data.getOk("ttl");
  if (ttl.ok) next.ttl = secondsToNs(ttl.value);
  const maxTtl = data.getOk("max_ttl");
  if (maxTtl.ok) next.maxTtl = secondsToNs(maxTtl.value);
  return next;
}

function writeRole(ctx: AwsSecretsContext, locks: KeyedLock) {
  return (request: Request, data: FieldData<RoleFields>): Promise<Response | undefined> => {
    const name = data.get("name");
    return locks.run(name, async () => {
      const warnings: string[] = [];
      const stored = await getRole(request.storage, name, { upgradeLegacy: () => canPersistLegacyUpgrade(ctx.system) });
      const draft: RoleDraft = stored ?? emptyRole();
      if (draft.invalidData !== "") {
        warnings.push(`Invalid data of ${quoteInput(draft.invalidData)} cleared out of role`);
        draft.invalidData = "";
      }

      const policy = data.get("policy");
      const arn = data.get("arn");
      if (policy !== "" && arn !== "") return errorResponse("only one of policy or arn should be provided");
      const legacy = policy !== "" ? policy : arn;

      let next = applyFields(draft, data, legacy);
      if (typeof next === "string") return errorResponse(next);
      if (legacy !== "") {
        next = upgradeLegacyPolicyEntry(legacy);
        if (next.invalidData !== "") {
          // Upstream's text, plus the parameter and what it takes.
          const hint = policy !== "" ? "policy must be a JSON policy document" : "arn must be the ARN of an IAM role or managed policy";
          return errorResponse(`unable to parse supplied data: ${quoteInput(next.invalidData)} (${hint})`);
        }
        warnings.push("Detected use of legacy role or policy parameter. Please upgrade to use the new parameters.");
      } else {
        next.prohibitFlexibleCredPath = false;
      }

      const errors = roleDraftErrors(next);
      if (errors.length > 0) return errorResponse(`error(s) validating supplied role data: ${goQuote(multiErrorText(errors))}`);
      await putRole(request.storage, name, toRoleEntry(next));
      return warnings.length === 0 ? undefined : { warnings };
    });
  };
}

function readRole(ctx: AwsSecretsContext) {
  return async (request: Request, data: FieldData<RoleFields>): Promise<Response | undefined> => {
    const role = await getRole(request.storage, data.get("name"), { upgradeLegacy: () => canPersistLegacyUpgrade(ctx.system) });
    return role === undefined ? undefined : { data: responseData(role) };
  };
}

function removeRole(locks: KeyedLock) {
  return async (request: Request, data: FieldData<RoleFields>): Promise<Response | undefined> => {
    const name = data.get("name");
    await locks.run(name, () => deleteRole(request.storage, name));
    return undefined;
  };
}

const LIST_HELP_SYNOPSIS = "List the roles of this mount.";
const LIST_HELP_DESCRIPTION = "Returns the names of all roles, including roles written with the pre-0.11 API.";

const HELP_SYNOPSIS = "Manage the roles that credentials are issued for.";

const HELP_DESCRIPTION = `A role says what kind of AWS credential its users get and what that credential may
do. With the mount at "aws", a role written to "aws/roles/deploy" is used by reading
"aws/creds/deploy" (or "aws/sts/deploy" for temporary credentials).

credential_type chooses the kind: "iam_user" creates an IAM user with an access key for each
lease; "assumed_role" calls sts:AssumeRole on one of role_arns; "federation_token" calls
sts:GetFederationToken; "session_token" calls sts:GetSessionToken as the root config user.
policy_document, policy_arns and iam_groups grant or limit permissions, depending on the kind.

The parameters "policy" (an inline policy) and "arn" (a role or managed policy ARN) of older
versions are still accepted on their own; the role is converted and a warning is returned.
Policy documents are only checked to be JSON; write a role, then read credentials to try it.`;

/** roles/ (LIST) for one mount. */
export function rolesListPath(_ctx: AwsSecretsContext) {
  return definePath({
    pattern: "roles/?$",
    fields: {},
    displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "roles" },
    operations: { list: async (request) => listResponse(await listRoles(request.storage)) },
    helpSynopsis: LIST_HELP_SYNOPSIS,
    helpDescription: LIST_HELP_DESCRIPTION,
  });
}

/**
 * roles/<name> for one mount. Like upstream there is no existence check: every write is an
 * update that merges into the stored role, or starts an empty one.
 */
export function rolePath(ctx: AwsSecretsContext) {
  const locks = new KeyedLock();
  return definePath({
    pattern: `roles/${genericNameWithAtRegex("name")}`,
    fields,
    displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "role" },
    operations: {
      read: readRole(ctx),
      update: writeRole(ctx, locks),
      delete: removeRole(locks),
    },
    helpSynopsis: HELP_SYNOPSIS,
    helpDescription: HELP_DESCRIPTION,
  });
}
