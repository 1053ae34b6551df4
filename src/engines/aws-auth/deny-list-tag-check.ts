// The deny list's view of role-tag verification (path-roletag-denylist.ts RoleTagVerifier):
// role-tag.ts parses the tag and checks its HMAC with its role's key.
import type { RoleTagVerifier } from "./path-roletag-denylist.js";
import { parseRoleTagValue } from "./role-tag.js";

export const verifyRoleTagForDenyList: RoleTagVerifier = async (storage, tag) => {
  const parsed = await parseRoleTagValue(storage, tag);
  if (!parsed.ok) return { error: parsed.error };
  return { role: parsed.tag.role, maxTtl: parsed.tag.maxTtl };
};
