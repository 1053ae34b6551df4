// The claim sets Entra puts into access tokens: a managed identity's (VM, scale set, any resource,
// system- or user-assigned) and an app's (client credentials). Rules for xms_mirid/xms_az_rid
// follow Azure's documented behaviour and the comments in vault-plugin-auth-azure's path_login.go.
import type { GraphApplication } from "./graph-store.js";
import type { IdentitySource, UserAssignedIdentity } from "./fixtures.js";
import { claimResourceId, guid, opaque, parseResourceId } from "./ids.js";

export type Claims = Record<string, unknown>;

/** Audiences of Microsoft's own resources: only tokens for these carry xms_mirid (azure#237). */
export const firstPartyAudiences = [
  "https://management.azure.com/",
  "https://management.azure.com",
  "https://management.core.windows.net/",
  "https://management.core.windows.net",
  "https://graph.microsoft.com",
  "https://graph.microsoft.com/",
  "https://vault.azure.net",
  "https://storage.azure.com/",
  "https://database.windows.net/",
];

export function v1Issuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

export function v2Issuer(tenantId: string, authority = "https://login.microsoftonline.com/"): string {
  return `${authority}${tenantId}/v2.0`;
}

export interface TimeOptions {
  /** Seconds since the epoch; default: the fake's clock. */
  issuedAt?: number;
  notBefore?: number;
  expiresAt?: number;
  /** exp − iat when expiresAt is not given. */
  lifetimeSeconds?: number;
}

export interface CommonTokenOptions extends TimeOptions {
  /** Default `https://management.azure.com/`. */
  audience?: string;
  /** `2.0`: v2 issuer, `azp`/`azpacr` instead of `appid`/`appidacr`. Default `1.0`. */
  version?: "1.0" | "2.0";
  groups?: string[];
  /** Another tenant's tid/iss (e.g. a token from a foreign tenant, signed by the fake's key). */
  tenantId?: string;
  /** Extra or replaced claims; a value of `undefined` removes the claim. */
  claims?: Claims;
}

export interface ManagedIdentityTokenOptions extends CommonTokenOptions {
  /** The resource whose identity asks for the token (IMDS on a VM, a scale set instance, an App Service…). */
  source: IdentitySource;
  /** Which of the source's user-assigned identities; default: system-assigned if present, else the only user-assigned one. */
  identity?: UserAssignedIdentity;
  /** Force xms_mirid in or out; default: only for first-party audiences. */
  includeMirid?: boolean;
}

export interface AppTokenOptions extends CommonTokenOptions {
  app: GraphApplication;
  /** How the client authenticated: `1` secret, `2` certificate or assertion. */
  appidacr?: "1" | "2";
}

/** A user-assigned identity logging in on its own (e.g. AKS workload identity through federation). */
export interface IdentityTokenOptions extends CommonTokenOptions {
  uai: UserAssignedIdentity;
}

interface Principal {
  oid: string;
  appid: string;
  appidacr: string;
  mirid?: string;
  azRid?: string;
}

/** Picks the identity a source signs in with, the way IMDS does when none is named. */
export function selectIdentity(source: IdentitySource, identity?: UserAssignedIdentity): UserAssignedIdentity | "system" {
  if (identity !== undefined) {
    if (!source.userAssigned.some((u) => u.id === identity.id)) throw new Error(`azure-fake: ${identity.name} is not assigned to ${source.name}`);
    return identity;
  }
  if (source.systemAssigned !== undefined) return "system";
  const [only, ...more] = source.userAssigned;
  if (only === undefined) throw new Error(`azure-fake: ${source.name} has no managed identity`);
  if (more.length > 0) throw new Error(`azure-fake: ${source.name} has several user-assigned identities; name one`);
  return only;
}

function claimIdOf(id: string): string {
  const p = parseResourceId(id);
  if (p === undefined) return id;
  return claimResourceId(p.subscriptionId, p.resourceGroup, `${p.namespace}/${p.type}`, p.name);
}

function managedPrincipal(opts: ManagedIdentityTokenOptions): Principal {
  const { source } = opts;
  const chosen = selectIdentity(source, opts.identity);
  const sourceRid = claimIdOf(source.id);
  if (chosen === "system") {
    const sys = source.systemAssigned;
    if (sys === undefined) throw new Error("unreachable");
    return { oid: sys.principalId, appid: sys.clientId, appidacr: "2", mirid: sourceRid };
  }
  // With a user-assigned identity Azure names the identity in xms_mirid and, for compute
  // resources, the VM or scale set in xms_az_rid.
  const azRid = source.kind === "resource" ? undefined : sourceRid;
  return { oid: chosen.principalId, appid: chosen.clientId, appidacr: "2", mirid: claimIdOf(chosen.id), azRid };
}

export function managedIdentityClaims(homeTenant: string, nowSeconds: number, opts: ManagedIdentityTokenOptions): Claims {
  const audience = opts.audience ?? "https://management.azure.com/";
  const principal = managedPrincipal(opts);
  const mirid = opts.includeMirid ?? firstPartyAudiences.includes(audience);
  if (!mirid) {
    delete principal.mirid;
    delete principal.azRid;
  }
  // Managed-identity tokens live about a day.
  return buildClaims(homeTenant, nowSeconds, { lifetimeSeconds: 86_399, ...opts, audience }, principal);
}

export function appClaims(homeTenant: string, nowSeconds: number, opts: AppTokenOptions): Claims {
  const principal = { oid: opts.app.servicePrincipalId, appid: opts.app.appId, appidacr: opts.appidacr ?? "1" };
  return buildClaims(homeTenant, nowSeconds, { lifetimeSeconds: 3_599, ...opts }, principal);
}

export function userAssignedIdentityClaims(homeTenant: string, nowSeconds: number, opts: IdentityTokenOptions): Claims {
  const principal = { oid: opts.uai.principalId, appid: opts.uai.clientId, appidacr: "2", mirid: claimIdOf(opts.uai.id) };
  const audience = opts.audience ?? "https://management.azure.com/";
  if (!firstPartyAudiences.includes(audience)) delete (principal as Principal).mirid;
  return buildClaims(homeTenant, nowSeconds, { lifetimeSeconds: 3_599, ...opts, audience }, principal);
}

function buildClaims(homeTenant: string, nowSeconds: number, opts: CommonTokenOptions, p: Principal): Claims {
  const tid = opts.tenantId ?? homeTenant;
  const iat = opts.issuedAt ?? nowSeconds;
  const nbf = opts.notBefore ?? iat;
  const exp = opts.expiresAt ?? iat + (opts.lifetimeSeconds ?? 3_599);
  const v2 = opts.version === "2.0";
  const claims: Claims = {
    aud: opts.audience ?? "https://management.azure.com/",
    iss: v2 ? v2Issuer(tid) : v1Issuer(tid),
    iat,
    nbf,
    exp,
    aio: opaque(42),
    ...(v2 ? { azp: p.appid, azpacr: p.appidacr } : { appid: p.appid, appidacr: p.appidacr }),
    ...(opts.groups !== undefined ? { groups: opts.groups } : {}),
    idp: v1Issuer(tid),
    idtyp: "app",
    oid: p.oid,
    rh: `1.${opaque(48)}.`,
    sub: p.oid,
    tid,
    uti: opaque(16),
    ver: v2 ? "2.0" : "1.0",
    ...(p.mirid !== undefined ? { xms_mirid: p.mirid } : {}),
    ...(p.azRid !== undefined ? { xms_az_rid: p.azRid } : {}),
    xms_tcdt: 1_600_000_000,
  };
  for (const [k, v] of Object.entries(opts.claims ?? {})) {
    if (v === undefined) delete claims[k];
    else claims[k] = v;
  }
  return claims;
}

/** A token a federation issuer (e.g. an AKS cluster's service-account issuer) hands a workload. */
export function federatedAssertionClaims(nowSeconds: number, opts: TimeOptions & { issuer: string; subject: string; audience?: string; claims?: Claims }): Claims {
  const iat = opts.issuedAt ?? nowSeconds;
  const claims: Claims = {
    aud: [opts.audience ?? "api://AzureADTokenExchange"],
    iss: opts.issuer,
    sub: opts.subject,
    iat,
    nbf: opts.notBefore ?? iat,
    exp: opts.expiresAt ?? iat + (opts.lifetimeSeconds ?? 3_600),
    jti: guid(),
  };
  for (const [k, v] of Object.entries(opts.claims ?? {})) {
    if (v === undefined) delete claims[k];
    else claims[k] = v;
  }
  return claims;
}
