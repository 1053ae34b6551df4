// The managed-identity endpoint (IMDS, 169.254.169.254/metadata/identity/oauth2/token) of one
// "host": the VM, scale set or resource the test says Vault (or a client) runs on. IMDS picks the
// system-assigned identity unless the request names a user-assigned one by client_id, object_id
// or msi_res_id.
import { imdsError, type HttpReply } from "./errors.js";
import type { IdentitySource, UserAssignedIdentity } from "./fixtures.js";
import { resourceKey } from "./ids.js";

export interface ImdsContext {
  host: () => IdentitySource | undefined;
  now: () => number;
  issue(source: IdentitySource, identity: UserAssignedIdentity | undefined, resource: string): Promise<{ token: string; clientId: string; expiresIn: number }>;
}

export async function handleImds(ctx: ImdsContext, query: URLSearchParams, metadataHeader: string | undefined): Promise<HttpReply> {
  if (metadataHeader?.toLowerCase() !== "true") return imdsError("Required metadata header not specified");
  if ((query.get("api-version") ?? "") === "") return imdsError("Required query variable 'api-version' is missing");
  const resource = query.get("resource") ?? "";
  if (resource === "") return imdsError("Required query variable 'resource' is missing");
  const host = ctx.host();
  if (host === undefined) return imdsError("Identity not found");

  const clientId = query.get("client_id");
  const objectId = query.get("object_id") ?? query.get("principal_id");
  const resId = query.get("msi_res_id") ?? query.get("mi_res_id");
  let identity: UserAssignedIdentity | undefined;
  if (clientId !== null || objectId !== null || resId !== null) {
    identity = host.userAssigned.find(
      (u) =>
        (clientId !== null && u.clientId.toLowerCase() === clientId.toLowerCase()) ||
        (objectId !== null && u.principalId.toLowerCase() === objectId.toLowerCase()) ||
        (resId !== null && resourceKey(u.id) === resourceKey(resId)),
    );
    if (identity === undefined) return imdsError("Identity not found");
  } else if (host.systemAssigned === undefined) {
    if (host.userAssigned.length === 0) return imdsError("Identity not found");
    if (host.userAssigned.length > 1) return imdsError("Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request");
  }

  const { token, clientId: cid, expiresIn } = await ctx.issue(host, identity, resource);
  const now = Math.floor(ctx.now() / 1000);
  return {
    status: 200,
    body: {
      access_token: token,
      client_id: cid,
      expires_in: String(expiresIn),
      expires_on: String(now + expiresIn),
      ext_expires_in: String(expiresIn),
      not_before: String(now),
      resource,
      token_type: "Bearer",
    },
  };
}
