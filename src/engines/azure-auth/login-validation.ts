// Format checks of the login's resource fields (upstream v0.19's input validation, util.go),
// before any Azure call. OWNER: roles helper.
import type { LoginResource } from "./resource-binds.js";

/** Upstream's error text for the first malformed field, or undefined when all are well-formed. */
export function validateLoginResource(_resource: LoginResource): string | undefined {
  throw new Error("not implemented: validateLoginResource");
}
