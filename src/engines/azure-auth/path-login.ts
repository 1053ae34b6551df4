// `login`: a managed identity's (or service principal's) Azure AD token plus, for resource
// binds, where it runs. The checks live in login.ts. OWNER of the checks: login helper.
import { definePath, field, type FieldData } from "../../framework/index.js";
import type { Request, Response } from "../../logical/index.js";
import type { AzureAuthContext } from "./context.js";
import { login, resolveLoginRole } from "./login.js";

export const loginFields = {
  role: field.string({ description: "Name of the role against which the login is being attempted. Required." }),
  jwt: field.string({ description: "The Azure AD access token (for a managed identity: from the instance metadata service) for the configured resource. Required." }),
  subscription_id: field.string({ description: "The subscription ID of the machine or resource." }),
  resource_group_name: field.string({ description: "The resource group of the machine or resource." }),
  vm_name: field.string({ description: "The name of the virtual machine. Ignored when vmss_name is given." }),
  vmss_name: field.string({ description: "The name of the virtual machine scale set the instance belongs to." }),
  resource_id: field.string({ description: "The full ARM ID of the resource whose managed identity logs in. Ignored when vm_name or vmss_name is given." }),
};

export type LoginData = FieldData<typeof loginFields>;

/** What the caller asked for: a token, or only the alias (MFA lookahead). */
export type LoginPurpose = "login" | "alias-lookahead";

export function loginPath(ctx: AzureAuthContext) {
  const handle = (purpose: LoginPurpose) => (request: Request, data: LoginData): Promise<Response | undefined> => login(ctx, request, data, purpose);
  return definePath({
    pattern: "login$",
    displayAttrs: { operationPrefix: "azure", operationVerb: "login" },
    fields: loginFields,
    operations: {
      update: handle("login"),
      "alias-lookahead": handle("alias-lookahead"),
      "resolve-role": (request, data) => resolveLoginRole(ctx, request, data),
    },
    helpSynopsis: "Authenticates Azure Managed Service Identities.",
    helpDescription: `Authenticate an Azure managed identity (or service principal) with its Azure AD
access token for the configured resource, checked against the role's binds.`,
  });
}
