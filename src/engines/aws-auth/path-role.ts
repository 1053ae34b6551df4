// role/<role> (create, update, read, delete) and the role/ and roles/ lists. A role says who may
// log in (its binds) and what token they get (token_*). Names are case-insensitive.
import { definePath, KeyedLock, tokenParamsResponseData, type FieldData } from "../../framework/index.js";
import { errorResponse, listResponse, type Request, type Response } from "../../logical/index.js";
import type { AwsAuthContext } from "./context.js";
import { ROLE_NAME_PATTERN, roleFields, type RoleFields } from "./role-fields.js";
import type { AwsAuthRole } from "./role-model.js";
import { deleteRole, listRoles, readRole, writeRole } from "./role-storage.js";
import { applyRoleWrite } from "./role-validation.js";

const OPERATION_PREFIX = "aws";

/** A role as `role/<role>` reads it: every setting but hmac_key, durations in seconds. */
export function roleResponseData(role: AwsAuthRole): Record<string, unknown> {
  return {
    auth_type: role.authType,
    bound_ami_id: [...role.boundAmiIds],
    bound_account_id: [...role.boundAccountIds],
    // Upstream leaves this one list out of its nil → [] pass: a role that never set it reads null.
    bound_ec2_instance_id: role.boundEc2InstanceIdsUnset === true && role.boundEc2InstanceIds.length === 0 ? null : [...role.boundEc2InstanceIds],
    bound_iam_principal_arn: [...role.boundIamPrincipalArns],
    bound_iam_principal_id: [...role.boundIamPrincipalIds],
    bound_iam_role_arn: [...role.boundIamRoleArns],
    bound_iam_instance_profile_arn: [...role.boundIamInstanceProfileArns],
    bound_region: [...role.boundRegions],
    bound_subnet_id: [...role.boundSubnetIds],
    bound_vpc_id: [...role.boundVpcIds],
    inferred_entity_type: role.inferredEntityType,
    inferred_aws_region: role.inferredAwsRegion,
    resolve_aws_unique_ids: role.resolveAwsUniqueIds,
    role_id: role.roleId,
    role_tag: role.roleTag,
    allow_instance_migration: role.allowInstanceMigration,
    disallow_reauthentication: role.disallowReauthentication,
    ...tokenParamsResponseData(role.token, role.legacy),
  };
}

/** The paths of roles, sharing one write lock per mount (writes re-read the role under it). */
/** `locks` serialise writes of one role (shared with the storage upgrade). */
export function rolePaths(ctx: AwsAuthContext, locks = new KeyedLock()) {
  const name = (data: FieldData<RoleFields>): string => data.get("role").toLowerCase();

  const write = (request: Request, data: FieldData<RoleFields>): Promise<Response | undefined> => {
    const roleName = name(data);
    if (roleName === "") return Promise.resolve(errorResponse("missing role"));
    return locks.run(roleName, async () => {
      const result = await applyRoleWrite(ctx, request, data, await readRole(request.storage, roleName));
      if (!result.ok) return errorResponse(result.error);
      await writeRole(request.storage, roleName, result.role);
      return result.warnings.length === 0 ? undefined : { warnings: result.warnings };
    });
  };

  const list = async (request: Request): Promise<Response> => listResponse(await listRoles(request.storage));
  const listHelp = {
    helpSynopsis: "Lists all the roles that are registered with Vault.",
    helpDescription: "The names of the roles defined under role/<role>.",
  };

  return [
    definePath({
      pattern: `role/${ROLE_NAME_PATTERN}`,
      fields: roleFields,
      displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "auth-role" },
      existenceCheck: async (request, data) => (await readRole(request.storage, name(data))) !== undefined,
      operations: {
        create: write,
        update: write,
        read: async (request, data) => {
          const role = await readRole(request.storage, name(data));
          return role === undefined ? undefined : { data: roleResponseData(role) };
        },
        delete: async (request, data) => {
          const roleName = name(data);
          if (roleName === "") return errorResponse("missing role");
          await locks.run(roleName, () => deleteRole(request.storage, roleName));
          return undefined;
        },
      },
      helpSynopsis: "Create a role and associate policies to it.",
      helpDescription: `Clients log in against a role: the role's binds decide which EC2 instances (auth_type ec2)
or IAM principals (auth_type iam) may use it, and its token_* settings decide the token they get.

With role_tag set on an ec2 role, role/<role>/tag makes a tag value that narrows the role for
the instance carrying it (fewer policies, a shorter max TTL, one instance).`,
    }),
    definePath({
      pattern: "role/?",
      fields: {},
      displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "auth-roles" },
      operations: { list },
      ...listHelp,
    }),
    definePath({
      pattern: "roles/?",
      fields: {},
      displayAttrs: { operationPrefix: OPERATION_PREFIX, operationSuffix: "auth-roles2" },
      operations: { list },
      ...listHelp,
    }),
  ];
}
