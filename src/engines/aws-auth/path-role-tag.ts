// role/<role>/tag: makes a role tag (role-tag.ts) for a role with role_tag set. The reply names
// the EC2 tag key (the role's role_tag) and the signed value to put under it.
import { definePath, field, parsePolicies } from "../../framework/index.js";
import { errorResponse, type Response } from "../../logical/index.js";
import type { AwsAuthContext } from "./context.js";
import { ROLE_NAME_PATTERN } from "./role-fields.js";
import { readRole } from "./role-storage.js";
import { createRoleTagNonce, createRoleTagValue, ROLE_TAG_VERSION } from "./role-tag.js";

const fields = {
  role: field.string({ description: "Name of the role." }),
  instance_id: field.string({ description: "If set, only the instance with this ID may log in with the tag." }),
  policies: field.commaStringSlice({
    description: `Policies the tag grants instead of the role's; must be among the role's policies. Sent empty,
tokens get only the "default" policy; not sent, the role's policies apply.`,
  }),
  max_ttl: field.durationSeconds({ default: 0, description: "If set, caps the lifetime of tokens issued with the tag." }),
  allow_instance_migration: field.bool({
    default: false,
    description: `Accept a wrong nonce when the instance's pendingTime is newer than the one remembered. Login
honours it only when the role allows instance migration.`,
  }),
  disallow_reauthentication: field.bool({
    default: false,
    description: "One token per instance ID: a new login needs the instance's identity-accesslist entry deleted first.",
  }),
};

const NS_PER_SECOND = 1_000_000_000n;

export function roleTagPath(ctx: AwsAuthContext) {
  return definePath({
    pattern: `role/${ROLE_NAME_PATTERN}/tag$`,
    fields,
    displayAttrs: { operationPrefix: "aws", operationSuffix: "role-tag" },
    operations: {
      update: async (request, data): Promise<Response | undefined> => {
        const roleName = data.get("role").toLowerCase();
        if (roleName === "") return errorResponse("missing role");
        const role = await readRole(request.storage, roleName);
        if (role === undefined) return errorResponse(`entry not found for role ${roleName}`);
        if (role.roleTag === "") return errorResponse("tag creation is not enabled for this role");
        // Every written role has a key; a role without one is damaged storage, not bad input.
        if (role.hmacKey === "") throw new Error("failed to find the HMAC key");

        const warnings: string[] = [];
        const instanceId = data.get("instance_id").toLowerCase();
        const sentPolicies = data.getOk("policies");
        const policies = sentPolicies.ok ? parsePolicies(sentPolicies.value) : [];
        if (!policies.every((p) => role.token.tokenPolicies.includes(p))) {
          warnings.push("Policies on the tag are not a subset of the policies set on the role. Login will not be allowed with this tag unless the role policies are updated.");
        }
        const disallowReauthentication = data.get("disallow_reauthentication");
        const allowInstanceMigration = data.get("allow_instance_migration");
        if (allowInstanceMigration && !role.allowInstanceMigration) {
          warnings.push("Role does not allow instance migration. Login will not be allowed with this tag unless the role value is updated.");
        }
        if (disallowReauthentication && allowInstanceMigration) return errorResponse("cannot set both disallow_reauthentication and allow_instance_migration");

        const maxTtl = BigInt(data.get("max_ttl")) * NS_PER_SECOND;
        const mountMax = await ctx.system.maxLeaseTtl();
        const seconds = (ns: bigint): string => (ns / NS_PER_SECOND).toString();
        if (maxTtl > mountMax) {
          warnings.push(`Given max TTL of ${seconds(maxTtl)} is greater than the mount maximum of ${seconds(mountMax)} seconds, and will be capped at login time.`);
        }
        if (role.token.tokenMaxTtl !== 0n && maxTtl > role.token.tokenMaxTtl) {
          warnings.push(`Given max TTL of ${seconds(maxTtl)} is greater than the role maximum of ${seconds(role.token.tokenMaxTtl)} seconds, and will be capped at login time.`);
        }
        if (maxTtl < 0n) return errorResponse("max_ttl cannot be negative");

        const value = createRoleTagValue(
          {
            version: ROLE_TAG_VERSION,
            nonce: createRoleTagNonce(),
            role: roleName,
            policies,
            maxTtl,
            instanceId,
            disallowReauthentication,
            allowInstanceMigration,
          },
          role.hmacKey,
        );
        return { data: { tag_key: role.roleTag, tag_value: value }, ...(warnings.length === 0 ? {} : { warnings }) };
      },
    },
    helpSynopsis: "Create a tag on a role in order to be able to further restrict the capabilities of a role.",
    helpDescription: `Makes the value of an EC2 tag that narrows the role for the instance carrying it: a subset of
the role's policies, a shorter max TTL, one instance ID, or no reauthentication. The role must
have role_tag set; the reply gives the tag key (tag_key) and the signed value (tag_value) to
put on the instance before it logs in.`,
  });
}
