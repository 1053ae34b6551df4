// Which of Azure's surfaces a request is for, from method and path alone — decided before any
// handler runs, so an injected fault never lets a request's side effects happen.
import type { Surface } from "./server.js";

export function surfaceOf(method: string, path: string): Surface {
  const parts = path.split("/").filter((p) => p !== "");
  if (path === "/metadata/identity/oauth2/token") return "imds";
  if (parts[0]?.toLowerCase() === "subscriptions") return "arm";
  if (parts[0] === "v1.0") return "graph";
  if (method === "GET" && (path === "/common/discovery/keys" || path === "/common/discovery/v2.0/keys" || (parts.length === 4 && parts[1] === "discovery" && parts[3] === "keys"))) return "jwks";
  if (method === "GET" && path.endsWith("/.well-known/openid-configuration") && (parts.length === 3 || (parts.length === 4 && parts[1] === "v2.0"))) return "discovery";
  if (method === "POST" && parts[1] === "oauth2" && (path.endsWith("/oauth2/token") || path.endsWith("/oauth2/v2.0/token"))) return "token";
  return "unknown";
}
