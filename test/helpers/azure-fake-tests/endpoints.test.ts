// Token endpoint, managed-identity endpoint, ARM and Graph of the fake, and the checks each makes.
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAzureFake, type AzureFake, type GraphApplication } from "../azure-fake/index.js";

let az: AzureFake;
let app: GraphApplication;
let secret: string;

beforeAll(async () => {
  az = await startAzureFake();
  const created = az.graph.addApplication({ displayName: "vault", secret: true });
  app = created.app;
  secret = created.secret ?? "";
});
afterAll(async () => {
  await az.stop();
});
beforeEach(() => {
  az.clearRequests();
});

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(path: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(`${az.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

function form(fields: Record<string, string>): RequestInit {
  return { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() };
}

async function clientToken(scope: string, cred: Record<string, string> = { client_secret: secret }): Promise<Reply> {
  return call(`/${az.tenantId}/oauth2/v2.0/token`, form({ grant_type: "client_credentials", client_id: app.appId, scope, ...cred }));
}

async function armToken(): Promise<string> {
  return String((await clientToken("https://management.azure.com/.default")).body["access_token"]);
}

const bearer = (t: string): RequestInit => ({ headers: { authorization: `Bearer ${t}` } });
const errorCode = (r: Reply): unknown => (r.body["error"] as { code?: unknown } | undefined)?.code;

describe("token endpoint", () => {
  it("client credentials: v2 answer with a token for the scope's resource, verifiable against the JWKS", async () => {
    const r = await clientToken("https://management.azure.com/.default");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
    const keys = createRemoteJWKSet(new URL(`${az.url}/common/discovery/keys`));
    const { payload } = await jwtVerify(String(r.body["access_token"]), keys, { issuer: az.issuer, audience: "https://management.azure.com" });
    expect(payload).toMatchObject({ appid: app.appId, oid: app.servicePrincipalId, appidacr: "1" });
  });

  it("v1 endpoint takes resource= and answers string times", async () => {
    const r = await call(`/${az.tenantId}/oauth2/token`, form({ grant_type: "client_credentials", client_id: app.appId, client_secret: secret, resource: "https://graph.microsoft.com" }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: "Bearer", expires_in: "3599", resource: "https://graph.microsoft.com" });
  });

  it("refuses a wrong secret, no credential, an unknown app, a bad scope, a wrong grant and an expired secret", async () => {
    const codes = async (r: Promise<Reply>) => {
      const x = await r;
      return [x.status, (x.body["error_codes"] as number[])[0]];
    };
    expect(await codes(clientToken("https://management.azure.com/.default", { client_secret: "nope" }))).toEqual([401, 7000215]);
    expect(await codes(clientToken("https://management.azure.com/.default", {}))).toEqual([401, 7000218]);
    expect(await codes(clientToken("https://management.azure.com"))).toEqual([400, 1002012]);
    expect(await codes(call(`/${az.tenantId}/oauth2/v2.0/token`, form({ grant_type: "client_credentials", client_id: "00000000-0000-0000-0000-000000000000", client_secret: secret, scope: "x/.default" })))).toEqual([400, 700016]);
    expect(await codes(call(`/${az.tenantId}/oauth2/v2.0/token`, form({ grant_type: "password", client_id: app.appId })))).toEqual([400, 70003]);
    const old = az.graph.addApplication({ secret: "old-secret", secretEndDateTime: new Date(Date.now() - 1000) });
    expect(await codes(call(`/${az.tenantId}/oauth2/v2.0/token`, form({ grant_type: "client_credentials", client_id: old.app.appId, client_secret: "old-secret", scope: "x/.default" })))).toEqual([401, 7000222]);
  });

  it("federated client assertion: accepted when issuer, subject and audience match a federated credential", async () => {
    const issuer = "https://oidc.aks.example/tenant/cluster/";
    const subject = "system:serviceaccount:vault:vault";
    const wif = az.graph.addApplication({ federatedCredentials: [{ issuer, subject, audiences: ["api://AzureADTokenExchange"] }] }).app;
    const ask = async (assertion: string) =>
      call(`/${az.tenantId}/oauth2/v2.0/token`, form({ grant_type: "client_credentials", client_id: wif.appId, scope: "https://management.azure.com/.default", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion }));
    const ok = await ask(await az.issueFederatedToken({ issuer, subject }));
    expect(ok.status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    const refusals = [
      [await az.issueFederatedToken({ issuer: "https://elsewhere/", subject }), 700211],
      [await az.issueFederatedToken({ issuer, subject: "system:serviceaccount:x:y" }), 700213],
      [await az.issueFederatedToken({ issuer, subject, audience: "api://other" }), 700212],
      [await az.issueFederatedToken({ issuer, subject, issuedAt: now - 7200, expiresAt: now - 3600 }), 700024],
      [await az.hostile.unknownKid({ iss: issuer, sub: subject, aud: ["api://AzureADTokenExchange"], exp: now + 600 }), 700027],
    ] as const;
    for (const [assertion, code] of refusals) expect(((await ask(assertion)).body["error_codes"] as number[])[0]).toBe(code);
  });
});

describe("workload identity into a user-assigned identity", () => {
  it("client_id of the identity + a federated assertion: a token with the identity's oid, appid and xms_mirid", async () => {
    const issuer = "https://oidc.aks.example/cluster-2/";
    const subject = "system:serviceaccount:vault:vault";
    const uai = az.fixtures.addUserAssignedIdentity({ name: "aks-wi", federatedCredentials: [{ issuer, subject, audiences: ["api://AzureADTokenExchange"] }] });
    const r = await call(
      `/${az.tenantId}/oauth2/v2.0/token`,
      form({ grant_type: "client_credentials", client_id: uai.clientId, scope: "https://management.azure.com//.default", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: await az.issueFederatedToken({ issuer, subject }) }),
    );
    expect(r.status).toBe(200);
    const keys = createRemoteJWKSet(new URL(`${az.url}/common/discovery/keys`));
    const { payload } = await jwtVerify(String(r.body["access_token"]), keys, { issuer: az.issuer, audience: "https://management.azure.com/" });
    expect(payload).toMatchObject({ oid: uai.principalId, appid: uai.clientId, xms_mirid: expect.stringMatching(/userAssignedIdentities\/aks-wi$/) });
    // A managed identity has no secrets.
    const withSecret = await call(`/${az.tenantId}/oauth2/v2.0/token`, form({ grant_type: "client_credentials", client_id: uai.clientId, client_secret: "x", scope: "https://management.azure.com/.default" }));
    expect(withSecret.status).toBe(401);
  });
});

describe("managed-identity endpoint", () => {
  const path = (q: Record<string, string>) => `/metadata/identity/oauth2/token?${new URLSearchParams(q).toString()}`;
  const md = { headers: { Metadata: "true" } };

  it("issues the host's identity token; checks the Metadata header, api-version and resource; selects user-assigned identities", async () => {
    const a = az.fixtures.addUserAssignedIdentity({ name: "imds-a" });
    const b = az.fixtures.addUserAssignedIdentity({ name: "imds-b" });
    const vm = az.fixtures.addVm({ name: "imds-vm", userAssigned: [a, b] });
    expect((await call(path({ "api-version": "2018-02-01", resource: "https://management.azure.com/" }), md)).body["error_description"]).toBe("Identity not found");
    az.setImdsHost(vm);
    const q = { "api-version": "2018-02-01", resource: "https://management.azure.com/" };
    expect((await call(path(q))).body["error_description"]).toMatch(/metadata header/);
    expect((await call(path({ resource: q.resource }), md)).body["error_description"]).toMatch(/api-version/);
    expect((await call(path({ "api-version": "2018-02-01" }), md)).body["error_description"]).toMatch(/resource/);
    expect((await call(path(q), md)).body["error_description"]).toMatch(/Multiple user assigned identities/);
    const r = await call(path({ ...q, client_id: b.clientId }), md);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: "Bearer", client_id: b.clientId, resource: q.resource, expires_in: "86399" });
    const byRes = await call(path({ ...q, msi_res_id: a.id }), md);
    expect(byRes.body["client_id"]).toBe(a.clientId);
    // The token works at the fake's ARM.
    expect((await call(`${vm.id}?api-version=2022-11-01`, bearer(String(r.body["access_token"])))).status).toBe(200);
    az.setImdsHost(undefined);
  });
});

describe("ARM", () => {
  it("VM get with instanceView: location, system and user-assigned principal ids; the request log records it", async () => {
    const uai = az.fixtures.addUserAssignedIdentity({ name: "arm-id" });
    const vm = az.fixtures.addVm({ name: "arm-vm", location: "eastus", systemAssigned: true, userAssigned: [uai] });
    const r = await call(`${vm.id}?$expand=instanceView&api-version=2022-11-01`, bearer(await armToken()));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      location: "eastus",
      identity: { type: "SystemAssigned, UserAssigned", principalId: vm.systemAssigned?.principalId, userAssignedIdentities: { [uai.id]: { principalId: uai.principalId, clientId: uai.clientId } } },
    });
    expect((r.body["properties"] as Record<string, unknown>)["instanceView"]).toBeDefined();
    const logged = az.requests.filter((q) => q.surface === "arm");
    expect(logged).toEqual([expect.objectContaining({ method: "GET", path: vm.id, status: 200, query: expect.objectContaining({ "api-version": "2022-11-01" }), caller: { oid: app.servicePrincipalId, appid: app.appId } })]);
  });

  it("uniform scale set has principal ids; a flexible one gives none and the identity GET has them", async () => {
    const token = await armToken();
    const uai = az.fixtures.addUserAssignedIdentity({ name: "flex-id" });
    const uniform = az.fixtures.addVmss({ name: "ss-uni", userAssigned: [uai] });
    const flex = az.fixtures.addVmss({ name: "ss-flex", orchestrationMode: "Flexible", userAssigned: [uai] });
    const u = await call(`${uniform.id}?api-version=2022-11-01`, bearer(token));
    expect((u.body["identity"] as Record<string, Record<string, unknown>>)["userAssignedIdentities"]?.[uai.id]).toEqual({ principalId: uai.principalId, clientId: uai.clientId });
    const f = await call(`${flex.id}?api-version=2022-11-01`, bearer(token));
    expect((f.body["identity"] as Record<string, Record<string, unknown>>)["userAssignedIdentities"]?.[uai.id]).toEqual({});
    expect((f.body["properties"] as Record<string, unknown>)["orchestrationMode"]).toBe("Flexible");
    const id = await call(`${uai.id}?api-version=2024-11-30`, bearer(token));
    expect(id.body).toMatchObject({ name: "flex-id", properties: { principalId: uai.principalId, clientId: uai.clientId, tenantId: az.tenantId } });
    const vm = az.fixtures.addFlexibleVm(flex, "0001");
    const v = await call(`${vm.id}?api-version=2022-11-01`, bearer(token));
    expect(v.body).toMatchObject({ name: "ss-flex_0001", properties: { virtualMachineScaleSet: { id: flex.id } } });
  });

  it("lists user-assigned identities in pages with nextLink", async () => {
    const token = await armToken();
    az.fixtures.addResourceGroup("paged-rg");
    for (const n of ["p1", "p2", "p3"]) az.fixtures.addUserAssignedIdentity({ name: n, resourceGroup: "paged-rg" });
    az.fixtures.listPageSize = 2;
    const first = await call(`/subscriptions/${az.subscriptionId}/resourceGroups/paged-rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=2024-11-30`, bearer(token));
    expect((first.body["value"] as unknown[]).length).toBe(2);
    const next = String(first.body["nextLink"]).slice(az.url.length);
    const second = await call(next, bearer(token));
    expect((second.body["value"] as Array<{ name: string }>).map((x) => x.name)).toEqual(["p3"]);
    expect(second.body["nextLink"]).toBeUndefined();
    az.fixtures.listPageSize = 100;
  });

  it("providers lookup and generic resource GET by id", async () => {
    const token = await armToken();
    const site = az.fixtures.addResource({ type: "Microsoft.Web/sites", name: "fn-app", kind: "functionapp" });
    const p = await call(`/subscriptions/${az.subscriptionId}/providers/Microsoft.Web?api-version=2021-04-01`, bearer(token));
    expect(p.body).toMatchObject({ namespace: "Microsoft.Web", resourceTypes: [{ resourceType: "sites", apiVersions: ["2024-11-01-preview", "2024-04-01", "2023-12-01"] }] });
    const r = await call(`${site.id}?api-version=2024-04-01`, bearer(token));
    expect(r.body).toMatchObject({ type: "Microsoft.Web/sites", kind: "functionapp", identity: { type: "SystemAssigned", principalId: site.systemAssigned?.principalId } });
    expect(errorCode(await call(`/subscriptions/${az.subscriptionId}/providers/Microsoft.Nope?api-version=2021-04-01`, bearer(token)))).toBe("InvalidResourceNamespace");
  });

  it("401 without or with a bad token, 400 without api-version, 404 for unknown things", async () => {
    const vm = az.fixtures.addVm({ name: "guarded" });
    const missing = await call(`${vm.id}?api-version=2022-11-01`);
    expect([missing.status, errorCode(missing)]).toEqual([401, "AuthenticationFailed"]);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer /);
    const graphTok = String((await clientToken("https://graph.microsoft.com/.default")).body["access_token"]);
    expect(errorCode(await call(`${vm.id}?api-version=2022-11-01`, bearer(graphTok)))).toBe("InvalidAuthenticationTokenAudience");
    const now = Math.floor(Date.now() / 1000);
    const expired = await az.issueToken({ app, audience: "https://management.azure.com/", issuedAt: now - 7200, expiresAt: now - 60 });
    expect(errorCode(await call(`${vm.id}?api-version=2022-11-01`, bearer(expired)))).toBe("ExpiredAuthenticationToken");
    const foreign = await az.issueToken({ app, tenantId: "other" });
    expect(errorCode(await call(`${vm.id}?api-version=2022-11-01`, bearer(foreign)))).toBe("InvalidAuthenticationTokenTenant");
    const forged = await az.hostile.unknownKid(az.claimsFor({ app }));
    expect(errorCode(await call(`${vm.id}?api-version=2022-11-01`, bearer(forged)))).toBe("InvalidAuthenticationToken");
    expect(errorCode(await call(`${vm.id}?api-version=2022-11-01`, bearer(az.hostile.algNone(az.claimsFor({ app })))))).toBe("InvalidAuthenticationToken");

    const token = await armToken();
    const noVersion = await call(vm.id, bearer(token));
    expect([noVersion.status, errorCode(noVersion)]).toEqual([400, "MissingApiVersionParameter"]);
    const gone = await call(`${vm.id}x?api-version=2022-11-01`, bearer(token));
    expect([gone.status, errorCode(gone)]).toEqual([404, "ResourceNotFound"]);
    expect(errorCode(await call(`/subscriptions/${az.subscriptionId}/resourceGroups/nope/providers/Microsoft.Compute/virtualMachines/x?api-version=1`, bearer(token)))).toBe("ResourceGroupNotFound");
    expect(errorCode(await call(`/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/x/providers/Microsoft.Compute/virtualMachines/x?api-version=1`, bearer(token)))).toBe("SubscriptionNotFound");
  });
});

describe("Graph", () => {
  it("finds the application by appId, adds and removes passwords; state visible to the test", async () => {
    const token = String((await clientToken("https://graph.microsoft.com/.default")).body["access_token"]);
    const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const list = await call(`/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${app.appId}'`)}`, { headers: auth });
    const [found] = list.body["value"] as Array<Record<string, unknown>>;
    expect(found).toMatchObject({ id: app.id, appId: app.appId });
    expect((found?.["passwordCredentials"] as Array<Record<string, unknown>>)[0]?.["secretText"]).toBeNull();

    const end = new Date(Date.now() + 86_400_000).toISOString();
    const added = await call(`/v1.0/applications/${app.id}/addPassword`, { method: "POST", headers: auth, body: JSON.stringify({ passwordCredential: { displayName: "vault-x", endDateTime: end } }) });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ displayName: "vault-x", endDateTime: end });
    expect(String(added.body["secretText"])).toHaveLength(40);
    expect(az.graph.passwords(app.appId).map((p) => p.keyId)).toContain(added.body["keyId"]);
    // The new secret works at the token endpoint.
    expect((await clientToken("https://management.azure.com/.default", { client_secret: String(added.body["secretText"]) })).status).toBe(200);

    const removed = await call(`/v1.0/applications/${app.id}/removePassword`, { method: "POST", headers: auth, body: JSON.stringify({ keyId: added.body["keyId"] }) });
    expect(removed.status).toBe(204);
    expect(az.graph.passwords(app.appId).map((p) => p.keyId)).not.toContain(added.body["keyId"]);
    expect((await call(`/v1.0/applications/${app.id}/removePassword`, { method: "POST", headers: auth, body: JSON.stringify({ keyId: added.body["keyId"] }) })).status).toBe(400);
    expect(errorCode(await call(`/v1.0/applications/00000000-0000-0000-0000-000000000000/addPassword`, { method: "POST", headers: auth, body: "{}" }))).toBe("Request_ResourceNotFound");
  });

  it("401 InvalidAuthenticationToken without a token or with an ARM token", async () => {
    const none = await call(`/v1.0/applications`);
    expect([none.status, errorCode(none)]).toEqual([401, "InvalidAuthenticationToken"]);
    expect((await call(`/v1.0/applications`, bearer(await armToken()))).status).toBe(401);
  });
});

describe("fault injection", () => {
  it("answers matching requests with the injected error (ARM shape, Retry-After) without running the handler", async () => {
    const token = String((await clientToken("https://graph.microsoft.com/.default")).body["access_token"]);
    const before = az.graph.passwords(app.appId).length;
    az.injectFault({ surface: "graph", path: "/addPassword", status: 503, times: 1 });
    const failed = await call(`/v1.0/applications/${app.id}/addPassword`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: "{}" });
    expect([failed.status, errorCode(failed)]).toEqual([503, "ServiceUnavailable"]);
    expect(az.graph.passwords(app.appId)).toHaveLength(before);

    const vm = az.fixtures.addVm({ name: "throttled" });
    az.injectFault({ surface: "arm", path: vm.name, status: 429, retryAfterSeconds: 1, times: 2 });
    const arm = await armToken();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(`${vm.id}?api-version=2022-11-01`, bearer(arm))).status);
    expect(statuses).toEqual([429, 429, 200]);
    expect(az.requests.filter((r) => r.surface === "arm").map((r) => r.status)).toEqual([429, 429, 200]);
  });
});
