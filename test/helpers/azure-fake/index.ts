// The one allowed fake of a cloud (testing.md §5): Entra ID (OIDC discovery, JWKS with rotation,
// token endpoint, managed-identity endpoint), ARM and Microsoft Graph on one loopback port.
//
//   const az = await startAzureFake({ tenantId });
//   const vm = az.fixtures.addVm({ name: "vm1" });
//   const jwt = await az.issueToken({ source: vm });          // what IMDS on vm1 would hand out
//   …point the plugin at az.url (authority, ARM and Graph base)…
//   await az.stop();
//
// Modelled on Azure's documented behaviour and the calls of vault-plugin-auth-azure v0.24 (ARM
// api-versions there: compute 2022-11-01, msi 2024-11-30, providers 2021-04-01). Choices of the
// fake, not facts of Azure: any api-version is accepted; the token endpoint issues tokens for
// any resource; no RBAC (every valid ARM token may read everything); JWKS keys have no x5c;
// removePassword with an unknown keyId answers 400.
import { handleArm } from "./arm-routes.js";
import { Faults, type FaultSpec } from "./faults.js";
import { appClaims, federatedAssertionClaims, managedIdentityClaims, userAssignedIdentityClaims, v1Issuer, type AppTokenOptions, type Claims, type IdentityTokenOptions, type ManagedIdentityTokenOptions, type TimeOptions } from "./claims.js";
import { v1Discovery, v2Discovery } from "./discovery.js";
import { aadError } from "./errors.js";
import { ArmFixtures, type IdentitySource, type UserAssignedIdentity } from "./fixtures.js";
import { handleGraph } from "./graph-routes.js";
import { GraphStore, type AddApplicationOptions, type GraphApplication, type PasswordCredential } from "./graph-store.js";
import { guid } from "./ids.js";
import { handleImds } from "./imds.js";
import { KeyRing } from "./keys.js";
import { close, listen, type LoggedRequest, type RoutedRequest, type Router } from "./server.js";
import { surfaceOf } from "./surfaces.js";
import { HostileTokens, sign } from "./signer.js";
import { handleToken } from "./token-endpoint.js";

export type { Claims, ManagedIdentityTokenOptions, AppTokenOptions, IdentityTokenOptions } from "./claims.js";
export type { VirtualMachine, VirtualMachineScaleSet, GenericResource, UserAssignedIdentity, IdentitySource } from "./fixtures.js";
export type { GraphApplication, PasswordCredential, FederatedCredential } from "./graph-store.js";
export type { LoggedRequest, Surface } from "./server.js";
export type { FaultSpec } from "./faults.js";

export interface AzureFakeOptions {
  tenantId?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  location?: string;
  /** The fake's clock in ms (token times, expiry checks); default Date.now. */
  now?: () => number;
}

/** Which token to issue: a managed identity's, an app's, or a lone user-assigned identity's. */
export type TokenSpec = ManagedIdentityTokenOptions | AppTokenOptions | IdentityTokenOptions;

export interface AzureFake {
  /** `http://127.0.0.1:<port>`: authority host, ARM endpoint and Graph endpoint at once. */
  url: string;
  /** `<url>/`: the value for an authority-host setting (the tenant is appended). */
  authorityHost: string;
  tenantId: string;
  subscriptionId: string;
  resourceGroup: string;
  /** `https://sts.windows.net/<tenant>/`: what the v1 discovery document and tokens name. */
  issuer: string;
  fixtures: ArmFixtures;
  graph: {
    addApplication(opts?: AddApplicationOptions): { app: GraphApplication; secret: string | undefined };
    application(appId: string): GraphApplication | undefined;
    /** Password credentials of an app (by appId), secretText included for assertions. */
    passwords(appId: string): PasswordCredential[];
  };
  keys: {
    readonly kids: string[];
    readonly activeKid: string;
    /** Publish a new key and sign with it; old keys stay published. */
    rotate(): Promise<string>;
    /** Publish a key without signing with it. */
    add(): Promise<string>;
    activate(kid: string): void;
    remove(kid: string): void;
  };
  /** Shorthand for keys.rotate(). */
  rotateKeys(): Promise<string>;
  /** The claims a token would carry (for hostile variants or inspection). */
  claimsFor(spec: TokenSpec): Claims;
  issueToken(spec: TokenSpec & { kid?: string }): Promise<string>;
  /** Signs arbitrary claims with the active (or a named published) key. */
  signClaims(claims: Claims, kid?: string): Promise<string>;
  /** A token from a federation issuer (AKS service account, …) for a client_assertion. */
  issueFederatedToken(opts: TimeOptions & { issuer: string; subject: string; audience?: string; claims?: Claims }): Promise<string>;
  hostile: HostileTokens;
  /** The VM/scale set/resource the managed-identity endpoint answers for; undefined: none. */
  setImdsHost(source: IdentitySource | undefined): void;
  /** Answer the next matching request(s) with an error instead (throttling, outages). */
  injectFault(spec: FaultSpec): void;
  clearFaults(): void;
  /** Every request so far, oldest first. */
  requests: LoggedRequest[];
  clearRequests(): void;
  stop(): Promise<void>;
}

export async function startAzureFake(opts: AzureFakeOptions = {}): Promise<AzureFake> {
  const tenantId = opts.tenantId ?? guid();
  const now = opts.now ?? (() => Date.now());
  const nowSeconds = (): number => Math.floor(now() / 1000);
  const ring = await KeyRing.create();
  const fixtures = new ArmFixtures(
    { subscriptionId: opts.subscriptionId ?? guid(), resourceGroup: opts.resourceGroup ?? "vault-rg", location: opts.location ?? "westeurope" },
    tenantId,
  );
  const store = new GraphStore(now);
  const requests: LoggedRequest[] = [];
  let imdsHost: IdentitySource | undefined;
  let baseUrl = "";

  const claimsFor = (spec: TokenSpec): Claims => {
    if ("source" in spec) return managedIdentityClaims(tenantId, nowSeconds(), spec);
    if ("app" in spec) return appClaims(tenantId, nowSeconds(), spec);
    return userAssignedIdentityClaims(tenantId, nowSeconds(), spec);
  };

  const faults = new Faults();
  const router: Router = async (req: RoutedRequest) => {
    const { method, path, query, headers, body } = req;
    const surface = surfaceOf(method, path);
    const injected = faults.take(surface, path);
    if (injected !== undefined) return { surface, reply: injected };
    const parts = path.split("/").filter((p) => p !== "");
    const auth = headers.authorization;
    const tenant = parts[0] ?? "";
    switch (surface) {
      case "imds": {
        const reply = await handleImds(
          {
            host: () => imdsHost,
            now,
            issue: async (source: IdentitySource, identity: UserAssignedIdentity | undefined, resource: string) => {
              const claims = managedIdentityClaims(tenantId, nowSeconds(), { source, identity, audience: resource });
              return { token: await sign(ring, claims), clientId: String(claims["appid"]), expiresIn: 86_399 };
            },
          },
          query,
          typeof headers["metadata"] === "string" ? headers["metadata"] : undefined,
        );
        return { surface, reply };
      }
      case "arm":
        return { surface, ...(await handleArm({ fixtures, ring, tenantId, baseUrl, now }, path, query, auth)) };
      case "graph":
        return { surface, ...(await handleGraph({ store, ring, tenantId, now }, method, path, query, auth, body)) };
      case "jwks":
        return { surface, reply: { status: 200, body: ring.jwks() } };
      case "discovery":
        if (tenant.toLowerCase() !== tenantId.toLowerCase()) {
          return { surface, reply: aadError(400, "invalid_tenant", 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`) };
        }
        return { surface, reply: { status: 200, body: parts.length === 3 ? v1Discovery(baseUrl, tenantId) : v2Discovery(baseUrl, tenantId) } };
      case "token": {
        const reply = await handleToken(
          {
            tenantId,
            store,
            fixtures,
            ring,
            now,
            issueClientToken: (client, audience, appidacr) =>
              sign(ring, client.kind === "app" ? appClaims(tenantId, nowSeconds(), { app: client.app, audience, appidacr }) : userAssignedIdentityClaims(tenantId, nowSeconds(), { uai: client.uai, audience })),
          },
          tenant,
          parts[2] === "v2.0" ? "v2" : "v1",
          new URLSearchParams(body),
        );
        return { surface, reply };
      }
      case "unknown":
        return { surface, reply: { status: 404, body: { error: { code: "NotFound", message: `azure-fake has no ${method} ${path}` } } } };
    }
  };

  const { server, url } = await listen(router, requests);
  baseUrl = url;

  const keyApi = {
    get kids(): string[] {
      return ring.kids;
    },
    get activeKid(): string {
      return ring.active.kid;
    },
    rotate: async (): Promise<string> => (await ring.rotate()).kid,
    add: async (): Promise<string> => (await ring.addKey()).kid,
    activate: (kid: string): void => ring.activate(kid),
    remove: (kid: string): void => ring.removeKey(kid),
  };

  return {
    url,
    authorityHost: `${url}/`,
    tenantId,
    subscriptionId: fixtures.defaults.subscriptionId,
    resourceGroup: fixtures.defaults.resourceGroup,
    issuer: v1Issuer(tenantId),
    fixtures,
    graph: {
      addApplication: (o) => store.addApplication(o),
      application: (appId) => store.byAppId(appId)[0],
      passwords: (appId) => (store.byAppId(appId)[0]?.passwords ?? []).map((p) => ({ ...p })),
    },
    keys: keyApi,
    rotateKeys: keyApi.rotate,
    claimsFor,
    issueToken: (spec) => sign(ring, claimsFor(spec), spec.kid),
    signClaims: (claims, kid) => sign(ring, claims, kid),
    issueFederatedToken: (o) => sign(ring, federatedAssertionClaims(nowSeconds(), o)),
    hostile: new HostileTokens(ring),
    setImdsHost: (source) => {
      imdsHost = source;
    },
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    stop: () => close(server),
  };
}

