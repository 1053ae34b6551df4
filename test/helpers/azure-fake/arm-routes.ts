// ARM (management.azure.com) endpoints the Azure auth method calls (features.md C.6): VM and
// scale-set GET, user-assigned identity GET and list, provider GET, generic GET by id. Checks
// in ARM's order: Bearer token, api-version, subscription, resource group, resource.
import { armJson } from "./arm-json.js";
import { armAudiences, checkBearer, type BearerResult } from "./bearer.js";
import { armError, type HttpReply } from "./errors.js";
import type { ArmFixtures } from "./fixtures.js";
import { parseResourceId } from "./ids.js";
import type { KeyRing } from "./keys.js";

export interface ArmContext {
  fixtures: ArmFixtures;
  ring: KeyRing;
  tenantId: string;
  baseUrl: string;
  now: () => number;
}

const wwwAuthenticate = (error: string): Record<string, string> => ({
  "WWW-Authenticate": `Bearer authorization_uri="https://login.microsoftonline.com/", error="invalid_token", error_description="${error}"`,
});

export function armAuthError(r: Exclude<BearerResult, { ok: true }>, tenantId: string): HttpReply {
  switch (r.reason) {
    case "missing":
      return armError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.", wwwAuthenticate("The authentication failed because of missing 'Authorization' header."));
    case "malformed":
      return armError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.", wwwAuthenticate("The authentication failed because of invalid 'Authorization' header."));
    case "expired":
    case "not_yet_valid":
      return armError(401, "ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time, or the token is not yet valid.", wwwAuthenticate("The access token has expired."));
    case "audience":
      return armError(401, "InvalidAuthenticationTokenAudience", `The access token has been obtained for wrong audience or resource '${r.detail}'. It should exactly match with one of the allowed audiences ${armAudiences.map((a) => `'${a}'`).join(",")}.`, wwwAuthenticate("The access token has been obtained from wrong audience or resource."));
    case "issuer":
      return armError(401, "InvalidAuthenticationTokenTenant", `The access token is from the wrong issuer '${r.detail}'. It must match the tenant 'https://sts.windows.net/${tenantId}/' associated with this subscription.`, wwwAuthenticate("The access token is from the wrong issuer."));
    case "invalid":
      return armError(401, "InvalidAuthenticationToken", "The access token is invalid.", wwwAuthenticate("The access token is invalid."));
  }
}

export async function handleArm(ctx: ArmContext, path: string, query: URLSearchParams, auth: string | undefined): Promise<{ reply: HttpReply; caller?: Record<string, unknown> }> {
  const bearer = await checkBearer(auth, ctx.ring, ctx.tenantId, armAudiences, ctx.now());
  if (!bearer.ok) return { reply: armAuthError(bearer, ctx.tenantId) };
  const caller = { oid: bearer.claims["oid"], appid: bearer.claims["appid"] ?? bearer.claims["azp"] };
  const apiVersion = query.get("api-version");
  if (apiVersion === null || apiVersion === "") {
    return { caller, reply: armError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.") };
  }
  return { caller, reply: route(ctx, path, query) };
}

function route(ctx: ArmContext, path: string, query: URLSearchParams): HttpReply {
  const parts = path.split("/").filter((p) => p !== "");
  if (parts[0]?.toLowerCase() !== "subscriptions" || parts[1] === undefined) return armError(404, "InvalidResourceType", `The resource type could not be found for path '${path}'.`);
  const sub = parts[1];
  if (!ctx.fixtures.hasSubscription(sub)) return armError(404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`);

  // GET /subscriptions/{s}/providers/{namespace}
  if (parts.length === 4 && parts[2]?.toLowerCase() === "providers") return providerGet(ctx, sub, parts[3] ?? "");

  if (parts[2]?.toLowerCase() !== "resourcegroups" || parts[3] === undefined) return armError(404, "InvalidResourceType", `The resource type could not be found for path '${path}'.`);
  const rg = parts[3];
  if (!ctx.fixtures.hasResourceGroup(sub, rg)) return armError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`);

  // GET …/providers/Microsoft.ManagedIdentity/userAssignedIdentities (list)
  if (parts.length === 7 && parts[5]?.toLowerCase() === "microsoft.managedidentity" && parts[6]?.toLowerCase() === "userassignedidentities") {
    return listIdentities(ctx, sub, rg, path, query);
  }

  const parsed = parseResourceId(path);
  if (parsed === undefined) return armError(404, "InvalidResourceType", `The resource type could not be found for path '${path}'.`);
  const resource = ctx.fixtures.get(path);
  if (resource === undefined) {
    return armError(404, "ResourceNotFound", `The Resource '${parsed.namespace}/${parsed.type}/${parsed.name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  }
  const instanceView = (query.get("$expand") ?? "").toLowerCase() === "instanceview";
  return { status: 200, body: armJson(resource, ctx.tenantId, { instanceView }) };
}

function providerGet(ctx: ArmContext, sub: string, namespace: string): HttpReply {
  const p = ctx.fixtures.provider(namespace);
  if (p === undefined) return armError(404, "InvalidResourceNamespace", `The resource namespace '${namespace}' is invalid.`);
  return {
    status: 200,
    body: {
      id: `/subscriptions/${sub}/providers/${p.namespace}`,
      namespace: p.namespace,
      registrationState: "Registered",
      registrationPolicy: "RegistrationRequired",
      resourceTypes: p.types.map((t) => ({ resourceType: t.resourceType, locations: t.locations, apiVersions: t.apiVersions, capabilities: "None" })),
    },
  };
}

function listIdentities(ctx: ArmContext, sub: string, rg: string, path: string, query: URLSearchParams): HttpReply {
  const all = ctx.fixtures.identitiesIn(sub, rg);
  const skip = Number.parseInt(query.get("$skiptoken") ?? "0", 10) || 0;
  const size = Math.max(1, ctx.fixtures.listPageSize);
  const page = all.slice(skip, skip + size);
  const body: Record<string, unknown> = { value: page.map((u) => armJson(u, ctx.tenantId)) };
  if (skip + size < all.length) {
    const next = new URLSearchParams({ "api-version": query.get("api-version") ?? "", $skiptoken: String(skip + size) });
    body["nextLink"] = `${ctx.baseUrl}${path}?${next.toString()}`;
  }
  return { status: 200, body };
}
