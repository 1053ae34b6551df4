// Role tags at ec2 login: a role with `role_tag` set requires the instance to carry an EC2 tag of
// that key whose value is a role tag this mount issued (role/<role>/tag) for this role — and, if
// the tag names one, this instance — not on the deny list, with policies within the role's.
import { upgradeStoredTokenParams } from "../../framework/index.js";
import { getJson, type Nanoseconds, type Storage } from "../../logical/index.js";
import type { Ec2Instance } from "./aws-api.js";
import type { AwsAuthRole } from "./role-model.js";
import { parseRoleTagValue } from "./role-tag.js";
import { STORAGE } from "./storage-keys.js";

/** What a verified tag grants: narrower policies, a max TTL cap, and possibly no reauthentication. */
export interface RoleTagGrant {
  policies: string[];
  maxTtl: Nanoseconds;
  disallowReauthentication: boolean;
}

/**
 * Whether the tag is on the deny list, stored under its base64 form. Read by key directly: the
 * base64 of a tag may contain "/", which a collection accessor refuses as a name.
 */
async function denyListed(storage: Storage, value: string): Promise<boolean> {
  return (await getJson(storage, STORAGE.denyListPrefix + Buffer.from(value, "utf8").toString("base64"))) !== undefined;
}

/** The grant of the instance's role tag, or why there is none (the login then fails). */
export async function roleTagLogin(storage: Storage, roleName: string, role: AwsAuthRole, instance: Ec2Instance): Promise<RoleTagGrant | { refused: string }> {
  const value = instance.tags[role.roleTag] ?? "";
  if (value === "") return { refused: `missing tag with key ${JSON.stringify(role.roleTag)} on the instance` };
  const parsed = await parseRoleTagValue(storage, value);
  if (!parsed.ok) return { refused: parsed.error };
  const { tag } = parsed;
  if (tag.role !== roleName) return { refused: "role on the tag is not matching the role supplied" };
  if (tag.instanceId !== "" && tag.instanceId !== instance.instanceId) return { refused: "role tag is being used by an unauthorized instance" };
  if (await denyListed(storage, value)) return { refused: "role tag is deny listed" };
  const allowed = upgradeStoredTokenParams(role.token, role.legacy).tokenPolicies;
  if (!tag.policies.every((p) => allowed.includes(p))) return { refused: "policies on the role tag must be subset of policies on the role" };
  return { policies: tag.policies, maxTtl: tag.maxTtl, disallowReauthentication: tag.disallowReauthentication };
}
