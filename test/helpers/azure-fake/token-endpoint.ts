// Entra's token endpoint for the client-credentials grant (v2.0 `scope=<resource>/.default`, v1
// `resource=`), authenticated by client_secret (checked against the application's password
// credentials) or by a federated client assertion (checked against its federated credentials).
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import { aadError, type HttpReply } from "./errors.js";
import type { ArmFixtures, UserAssignedIdentity } from "./fixtures.js";
import type { FederatedCredential, GraphApplication, GraphStore, PasswordCredential } from "./graph-store.js";
import type { KeyRing } from "./keys.js";

export interface TokenContext {
  tenantId: string;
  store: GraphStore;
  fixtures: ArmFixtures;
  ring: KeyRing;
  now: () => number;
  issueClientToken(client: TokenClient, audience: string, appidacr: "1" | "2"): Promise<string>;
}

/** Who a client_id names: an app registration, or a user-assigned identity (workload identity). */
export type TokenClient = { kind: "app"; app: GraphApplication } | { kind: "identity"; uai: UserAssignedIdentity };

interface ClientTrust {
  clientId: string;
  passwords: PasswordCredential[];
  federatedCredentials: FederatedCredential[];
}

function trustOf(c: TokenClient): ClientTrust {
  return c.kind === "app"
    ? { clientId: c.app.appId, passwords: c.app.passwords, federatedCredentials: c.app.federatedCredentials }
    : { clientId: c.uai.clientId, passwords: [], federatedCredentials: c.uai.federatedCredentials };
}

const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export async function handleToken(ctx: TokenContext, tenant: string, version: "v1" | "v2", form: URLSearchParams): Promise<HttpReply> {
  if (tenant.toLowerCase() !== ctx.tenantId.toLowerCase()) {
    return aadError(400, "invalid_request", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  const grant = form.get("grant_type");
  if (grant !== "client_credentials") return aadError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant ?? ""}'.`);

  let audience: string;
  if (version === "v2") {
    const scope = form.get("scope") ?? "";
    if (!scope.endsWith("/.default")) {
      return aadError(400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    audience = scope.slice(0, -"/.default".length);
  } else {
    audience = form.get("resource") ?? "";
    if (audience === "") return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'resource'.");
  }

  const clientId = form.get("client_id") ?? "";
  if (clientId === "") return aadError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
  const app = ctx.store.byAppId(clientId)[0];
  const uai = app === undefined ? ctx.fixtures.identityByClientId(clientId) : undefined;
  const client: TokenClient | undefined = app !== undefined ? { kind: "app", app } : uai !== undefined ? { kind: "identity", uai } : undefined;
  if (client === undefined) {
    return aadError(400, "unauthorized_client", 700016, `Application with identifier '${clientId}' was not found in the directory '${ctx.tenantId}'.`);
  }

  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  let appidacr: "1" | "2";
  if (secret !== null && secret !== "") {
    const refused = checkSecret(ctx, trustOf(client), secret);
    if (refused !== undefined) return refused;
    appidacr = "1";
  } else if (assertion !== null && assertion !== "") {
    if (form.get("client_assertion_type") !== assertionType) {
      return aadError(400, "invalid_request", 50027, "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.");
    }
    const refused = await checkAssertion(ctx, trustOf(client), assertion);
    if (refused !== undefined) return refused;
    appidacr = "2";
  } else {
    return aadError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }

  const accessToken = await ctx.issueClientToken(client, audience, appidacr);
  const lifetime = 3599;
  if (version === "v2") return { status: 200, body: { token_type: "Bearer", expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken } };
  const now = Math.floor(ctx.now() / 1000);
  return {
    status: 200,
    body: {
      token_type: "Bearer",
      expires_in: String(lifetime),
      ext_expires_in: String(lifetime),
      expires_on: String(now + lifetime),
      not_before: String(now),
      resource: audience,
      access_token: accessToken,
    },
  };
}

function checkSecret(ctx: TokenContext, app: ClientTrust, secret: string): HttpReply | undefined {
  const cred = app.passwords.find((p) => p.secretText === secret);
  if (cred === undefined) {
    return aadError(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`);
  }
  const now = ctx.now();
  if (Date.parse(cred.endDateTime) <= now) {
    return aadError(401, "invalid_client", 7000222, `The provided client secret keys for app '${app.clientId}' are expired. Visit the Azure portal to create new keys for your app.`);
  }
  return undefined;
}

async function checkAssertion(ctx: TokenContext, app: ClientTrust, assertion: string): Promise<HttpReply | undefined> {
  let unverified: JWTPayload;
  try {
    const part = assertion.split(".")[1] ?? "";
    unverified = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as JWTPayload;
  } catch {
    return aadError(400, "invalid_request", 50027, "JWT token is invalid or malformed.");
  }
  const byIssuer = app.federatedCredentials.filter((f) => f.issuer === unverified.iss);
  if (byIssuer.length === 0) {
    return aadError(400, "invalid_client", 700211, `No matching federated identity record found for presented assertion issuer '${String(unverified.iss)}'.`);
  }
  const fic = byIssuer.find((f) => f.subject === unverified.sub);
  if (fic === undefined) {
    return aadError(400, "invalid_client", 700213, `No matching federated identity record found for presented assertion subject '${String(unverified.sub)}'.`);
  }
  const keys = fic.jwksUri !== undefined ? createRemoteJWKSet(new URL(fic.jwksUri)) : createLocalJWKSet(ctx.ring.jwks());
  try {
    await jwtVerify(assertion, keys, { algorithms: ["RS256", "ES256"], currentDate: new Date(ctx.now()), issuer: fic.issuer, subject: fic.subject });
  } catch (e) {
    if (e instanceof errors.JWTExpired || (e instanceof errors.JWTClaimValidationFailed && e.claim === "nbf")) {
      return aadError(400, "invalid_client", 700024, "Client assertion is not within its valid time range.");
    }
    return aadError(401, "invalid_client", 700027, "Client assertion failed signature validation.");
  }
  const aud = Array.isArray(unverified.aud) ? unverified.aud : [unverified.aud];
  if (!aud.some((a) => a !== undefined && fic.audiences.includes(a))) {
    return aadError(400, "invalid_client", 700212, `No matching federated identity record found for presented assertion audience '${aud.join(",")}'.`);
  }
  return undefined;
}
