// Microsoft Graph v1.0 endpoints of root-credential rotation (features.md C.5): list applications
// filtered by appId, addPassword, removePassword — behind Graph's Bearer check.
import { checkBearer, graphAudiences, type BearerResult } from "./bearer.js";
import { graphError, type HttpReply } from "./errors.js";
import type { GraphApplication, GraphStore, PasswordCredential } from "./graph-store.js";
import type { KeyRing } from "./keys.js";

export interface GraphContext {
  store: GraphStore;
  ring: KeyRing;
  tenantId: string;
  now: () => number;
}

const metadata = "https://graph.microsoft.com/v1.0/$metadata";

function graphAuthError(r: Exclude<BearerResult, { ok: true }>): HttpReply {
  switch (r.reason) {
    case "missing":
      return graphError(401, "InvalidAuthenticationToken", "Access token is empty.");
    case "expired":
    case "not_yet_valid":
      return graphError(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.");
    case "audience":
      return graphError(401, "InvalidAuthenticationToken", "Invalid audience.");
    case "invalid":
    case "issuer":
    case "malformed":
      return graphError(401, "InvalidAuthenticationToken", "Access token validation failure.");
  }
}

function passwordJson(p: PasswordCredential, withSecret: boolean): Record<string, unknown> {
  return {
    customKeyIdentifier: null,
    displayName: p.displayName,
    endDateTime: p.endDateTime,
    hint: p.hint,
    keyId: p.keyId,
    secretText: withSecret ? p.secretText : null,
    startDateTime: p.startDateTime,
  };
}

function appJson(a: GraphApplication): Record<string, unknown> {
  return {
    id: a.id,
    appId: a.appId,
    displayName: a.displayName,
    signInAudience: "AzureADMyOrg",
    keyCredentials: [],
    passwordCredentials: a.passwords.map((p) => passwordJson(p, false)),
  };
}

async function readJson(body: string): Promise<Record<string, unknown> | undefined> {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function handleGraph(ctx: GraphContext, method: string, path: string, query: URLSearchParams, auth: string | undefined, body: string): Promise<{ reply: HttpReply; caller?: Record<string, unknown> }> {
  const bearer = await checkBearer(auth, ctx.ring, ctx.tenantId, graphAudiences, ctx.now());
  if (!bearer.ok) return { reply: graphAuthError(bearer) };
  const caller = { oid: bearer.claims["oid"], appid: bearer.claims["appid"] ?? bearer.claims["azp"] };
  return { caller, reply: await route(ctx, method, path, query, body) };
}

async function route(ctx: GraphContext, method: string, path: string, query: URLSearchParams, body: string): Promise<HttpReply> {
  const parts = path.split("/").filter((p) => p !== "");
  // parts[0] is "v1.0"
  if (parts[1] !== "applications") return graphError(400, "BadRequest", `Resource not found for the segment '${parts[1] ?? ""}'.`);
  if (parts.length === 2 && method === "GET") {
    const filter = query.get("$filter");
    if (filter === null) return { status: 200, body: { "@odata.context": `${metadata}#applications`, value: ctx.store.all().map(appJson) } };
    const m = /^appId eq '([^']*)'$/.exec(filter.trim());
    if (m === null || m[1] === undefined) return graphError(400, "Request_UnsupportedQuery", "Unsupported or invalid query filter clause specified for property 'appId' of resource 'Application'.");
    return { status: 200, body: { "@odata.context": `${metadata}#applications`, value: ctx.store.byAppId(m[1]).map(appJson) } };
  }
  const app = ctx.store.byObjectId(parts[2] ?? "");
  if (app === undefined) return graphError(404, "Request_ResourceNotFound", `Resource '${parts[2] ?? ""}' does not exist or one of its queried reference-property objects are not present.`);
  if (parts.length === 3 && method === "GET") return { status: 200, body: { "@odata.context": `${metadata}#applications/$entity`, ...appJson(app) } };
  if (parts.length === 4 && method === "POST" && parts[3] === "addPassword") {
    const req = await readJson(body);
    const pc = req?.["passwordCredential"];
    const given = typeof pc === "object" && pc !== null ? (pc as Record<string, unknown>) : {};
    const end = typeof given["endDateTime"] === "string" ? new Date(given["endDateTime"]) : undefined;
    if (end !== undefined && Number.isNaN(end.getTime())) return graphError(400, "Request_BadRequest", "Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.");
    const displayName = typeof given["displayName"] === "string" ? given["displayName"] : null;
    const cred = ctx.store.addPassword(app, { displayName, endDateTime: end });
    return { status: 200, body: { "@odata.context": `${metadata}#microsoft.graph.passwordCredential`, ...passwordJson(cred, true) } };
  }
  if (parts.length === 4 && method === "POST" && parts[3] === "removePassword") {
    const req = await readJson(body);
    const keyId = req?.["keyId"];
    if (typeof keyId !== "string") return graphError(400, "Request_BadRequest", "Invalid value specified for property 'keyId'.");
    // Assumption of the fake: an unknown keyId is refused, so a test notices a wrong id.
    if (!ctx.store.removePassword(app, keyId)) return graphError(400, "Request_BadRequest", `No password credential found with keyId '${keyId}'.`);
    return { status: 204 };
  }
  return graphError(405, "Request_BadRequest", `Method '${method}' is not allowed on '${path}'.`);
}
