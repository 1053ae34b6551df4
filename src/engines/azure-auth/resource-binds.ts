// The resource half of a login (features.md C.3 step 7): where the token's identity runs, checked
// through ARM against bound_subscription_ids, bound_resource_groups, bound_locations and
// bound_scale_sets, with vm_name/vmss_name/resource_group_name bound to the token's claims
// (CVE-2025-3879). OWNER: resources helper.
import type { LoginClaims } from "./azure-api.js";
import type { AzureAuthContext } from "./context.js";
import type { AzureAuthRole } from "./role-model.js";

/** The login's resource fields, already format-validated ("" = not given). */
export interface LoginResource {
  subscriptionId: string;
  resourceGroupName: string;
  vmName: string;
  vmssName: string;
  resourceId: string;
}

/**
 * Checks the role's resource binds (call only when hasResourceBinds(role)). Resolves to undefined
 * when every bind holds, or to the refusal text naming the bind that failed (a 4xx for the caller).
 */
export function checkResourceBinds(
  _ctx: AzureAuthContext,
  _role: AzureAuthRole,
  _claims: LoginClaims,
  _resource: LoginResource,
  _signal: AbortSignal,
): Promise<string | undefined> {
  return Promise.reject(new Error("not implemented: resource binds"));
}
