// The deny list's view of role-tag verification (path-roletag-denylist.ts RoleTagVerifier),
// adapted from the role-tag module. Until that module is part of this build, every tag is
// refused with a reason, so nothing unverified ever reaches the deny list.
import type { RoleTagVerifier } from "./path-roletag-denylist.js";

export const verifyRoleTagForDenyList: RoleTagVerifier = () =>
  Promise.resolve({ error: "role tags cannot be verified in this build" });
