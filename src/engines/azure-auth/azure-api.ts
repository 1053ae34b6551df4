// The contracts between the method's paths and Azure. Paths see only these interfaces; clients.ts
// builds them from the mount's config (settings.ts), the plugin's own credential (credential.ts),
// one HTTP client with the configured retry policy (http.ts), the login-token verifier
// (verifier.ts), ARM (arm.ts) and Microsoft Graph (graph.ts).

/** Where one Azure cloud answers; named clouds fill it in, operators may give explicit endpoints. */
export interface AzureEndpoints {
  /** The cloud's name as config shows it (`AzurePublicCloud`, …), or "" for explicit endpoints. */
  cloudName: string;
  /** Entra ID authority host with a trailing slash, e.g. `https://login.microsoftonline.com/`. */
  authorityHost: string;
  /** ARM base without a trailing slash, e.g. `https://management.azure.com`. */
  resourceManager: string;
  /** Microsoft Graph base without a trailing slash, e.g. `https://graph.microsoft.com`. */
  graph: string;
}

/** How the plugin authenticates itself to ARM and Graph (upstream's auth_type values). */
export type AzureAuthType = "root_creds" | "plugin_wif" | "msi" | "aks_wif";

/** The effective settings of a mount: stored config merged with the environment fallbacks. */
export interface AzureSettings {
  tenantId: string;
  /** The audience login tokens must carry. */
  resource: string;
  endpoints: AzureEndpoints;
  clientId: string;
  clientSecret: string;
  /** "" = auto-detect (client secret → AKS federated token file → managed identity). */
  authType: AzureAuthType | "";
  maxRetries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

/** Bounded, cancellable HTTP with the mount's retry policy; never follows redirects. */
export interface AzureHttp {
  request(request: AzureHttpRequest): Promise<AzureHttpResponse>;
}

export interface AzureHttpRequest {
  method: "GET" | "POST" | "DELETE" | "PATCH";
  url: string;
  headers?: Record<string, string>;
  /** A string body is sent as is (set content-type in headers); an object is sent as JSON. */
  body?: string | Readonly<Record<string, unknown>>;
  signal: AbortSignal;
}

export interface AzureHttpResponse {
  status: number;
  headers: Readonly<Record<string, string>>;
  text: string;
  /** The body parsed as JSON; throws when it is not JSON. */
  json(): unknown;
}

/** An OAuth access token for one scope (ARM or Graph), obtained by the plugin's own credential. */
export interface AccessTokenSource {
  /** A bearer token for `scope` (e.g. `https://management.azure.com/.default`), cached until near expiry. */
  token(scope: string, signal: AbortSignal): Promise<string>;
}

/** Claims of a verified login token that the method reads. */
export interface LoginClaims {
  oid: string;
  appid: string;
  groups: string[];
  /** Seconds since the epoch; 0 when absent. */
  nbf: number;
  xmsMirid: string;
  xmsAzRid: string;
  /** The issuer the token carried (v1 `sts.windows.net` or v2 `login.microsoftonline.com/…/v2.0`). */
  issuer: string;
}

/** Verifies a login JWT: signature against the tenant's JWKS, RS256, issuer, audience, exp/nbf. */
export interface TokenVerifier {
  verify(jwt: string, signal: AbortSignal): Promise<LoginClaims>;
}

/** The identity part of an ARM resource: system-assigned principal and user-assigned identities. */
export interface ArmIdentity {
  principalId: string;
  /** ARM resource ID of each user-assigned identity → its principalId ("" when ARM leaves it out). */
  userAssigned: Record<string, { principalId: string; clientId: string }>;
}

export interface ArmComputeResource {
  location: string;
  identity: ArmIdentity | undefined;
}

export interface ArmUserAssignedIdentity {
  id: string;
  name: string;
  principalId: string;
  clientId: string;
}

/** The ARM calls of features.md C.6. A 404 is reported as ArmNotFoundError. */
export interface ArmApi {
  getVirtualMachine(subscriptionId: string, resourceGroup: string, name: string, signal: AbortSignal): Promise<ArmComputeResource>;
  getVirtualMachineScaleSet(subscriptionId: string, resourceGroup: string, name: string, signal: AbortSignal): Promise<ArmComputeResource>;
  getUserAssignedIdentity(resourceId: string, signal: AbortSignal): Promise<ArmUserAssignedIdentity>;
  listUserAssignedIdentities(subscriptionId: string, resourceGroup: string, signal: AbortSignal): Promise<ArmUserAssignedIdentity[]>;
  /** Any MSI-capable resource by its ID; the provider's API version is looked up and cached. */
  getResourceById(resourceId: string, signal: AbortSignal): Promise<ArmComputeResource>;
}

export interface GraphPasswordCredential {
  keyId: string;
  displayName: string;
  /** Present only in the reply to addPassword. */
  secretText?: string;
  startDateTime: string;
  endDateTime: string;
}

export interface GraphApplication {
  /** The directory object ID (what addPassword and removePassword address). */
  id: string;
  appId: string;
  passwordCredentials: GraphPasswordCredential[];
}

/** The Microsoft Graph calls of rotate-root. */
export interface GraphApi {
  /** The one application whose appId is `clientId`; throws when there is none or several. */
  applicationByClientId(clientId: string, signal: AbortSignal): Promise<GraphApplication>;
  addPassword(objectId: string, displayName: string, endDateTime: Date, signal: AbortSignal): Promise<GraphPasswordCredential>;
  removePassword(objectId: string, keyId: string, signal: AbortSignal): Promise<void>;
}

/** Everything built from the mount's config, rebuilt after a config change. */
export interface AzureAuthClients {
  /** The effective settings, or undefined when neither config nor environment give tenant and resource. */
  settings(signal: AbortSignal): Promise<AzureSettings | undefined>;
  verifier(signal: AbortSignal): Promise<TokenVerifier>;
  arm(signal: AbortSignal): Promise<ArmApi>;
  graph(signal: AbortSignal): Promise<GraphApi>;
  /** Forget everything built (config written, deleted or invalidated). */
  reset(): void;
}
