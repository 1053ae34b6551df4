// The fake's Entra side proven with jose's own verifier against its discovery and JWKS.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureFake, type AzureFake } from "../azure-fake/index.js";

let az: AzureFake;
beforeAll(async () => {
  az = await startAzureFake({ subscriptionId: "11111111-2222-3333-4444-555555555555" });
});
afterAll(async () => {
  await az.stop();
});

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function verify(token: string, audience = "https://management.azure.com/") {
  const doc = await getJson(`${az.url}/${az.tenantId}/.well-known/openid-configuration`);
  const keys = createRemoteJWKSet(new URL(String(doc["jwks_uri"])));
  return jwtVerify(token, keys, { issuer: String(doc["issuer"]), audience, algorithms: ["RS256"] });
}

describe("discovery", () => {
  it("serves v1 (issuer sts.windows.net) and v2.0 documents with a jwks_uri on the fake", async () => {
    const v1 = await getJson(`${az.url}/${az.tenantId}/.well-known/openid-configuration`);
    expect(v1["issuer"]).toBe(`https://sts.windows.net/${az.tenantId}/`);
    expect(v1["jwks_uri"]).toBe(`${az.url}/common/discovery/keys`);
    const v2 = await getJson(`${az.url}/${az.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(v2["issuer"]).toBe(`https://login.microsoftonline.com/${az.tenantId}/v2.0`);
    const jwks = await getJson(String(v2["jwks_uri"]));
    expect(jwks["keys"]).toEqual((await getJson(String(v1["jwks_uri"])))["keys"]);
  });

  it("refuses an unknown tenant with AADSTS90002", async () => {
    const res = await fetch(`${az.url}/not-my-tenant/.well-known/openid-configuration`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
  });
});

describe("managed-identity tokens", () => {
  it("VM with a system-assigned identity: xms_mirid names the VM, no xms_az_rid", async () => {
    const vm = az.fixtures.addVm({ name: "vm-sys" });
    const { payload, protectedHeader } = await verify(await az.issueToken({ source: vm }));
    expect(protectedHeader).toMatchObject({ alg: "RS256", typ: "JWT", kid: az.keys.activeKid });
    expect(payload).toMatchObject({
      oid: vm.systemAssigned?.principalId,
      sub: vm.systemAssigned?.principalId,
      appid: vm.systemAssigned?.clientId,
      appidacr: "2",
      idtyp: "app",
      tid: az.tenantId,
      ver: "1.0",
      xms_mirid: `/subscriptions/${az.subscriptionId}/resourcegroups/vault-rg/providers/Microsoft.Compute/virtualMachines/vm-sys`,
    });
    for (const c of ["iat", "nbf", "exp", "aio", "rh", "uti", "idp"]) expect(payload[c]).toBeDefined();
    expect(payload["xms_az_rid"]).toBeUndefined();
  });

  it("VM with a user-assigned identity: xms_mirid names the identity, xms_az_rid the VM", async () => {
    const uai = az.fixtures.addUserAssignedIdentity({ name: "id-1" });
    const vm = az.fixtures.addVm({ name: "vm-uai", userAssigned: [uai] });
    const { payload } = await verify(await az.issueToken({ source: vm }));
    expect(payload["oid"]).toBe(uai.principalId);
    expect(payload["appid"]).toBe(uai.clientId);
    expect(payload["xms_mirid"]).toMatch(/\/resourcegroups\/vault-rg\/providers\/Microsoft.ManagedIdentity\/userAssignedIdentities\/id-1$/);
    expect(payload["xms_az_rid"]).toMatch(/\/providers\/Microsoft.Compute\/virtualMachines\/vm-uai$/);
  });

  it("uniform and flexible scale sets, any resource, custom audience without xms_mirid, groups", async () => {
    const uniform = az.fixtures.addVmss({ name: "ss-u" });
    expect((await verify(await az.issueToken({ source: uniform }))).payload["xms_mirid"]).toMatch(/\/virtualMachineScaleSets\/ss-u$/);
    const uai = az.fixtures.addUserAssignedIdentity({ name: "id-flex" });
    const flex = az.fixtures.addVmss({ name: "ss-f", orchestrationMode: "Flexible", userAssigned: [uai] });
    const fvm = az.fixtures.addFlexibleVm(flex, "a1b2c3d4");
    expect((await verify(await az.issueToken({ source: fvm }))).payload["xms_az_rid"]).toMatch(/\/virtualMachines\/ss-f_a1b2c3d4$/);
    const site = az.fixtures.addResource({ type: "Microsoft.Web/sites", name: "func1", kind: "functionapp" });
    expect((await verify(await az.issueToken({ source: site }))).payload["xms_mirid"]).toMatch(/\/providers\/Microsoft.Web\/sites\/func1$/);
    const custom = await verify(await az.issueToken({ source: site, audience: "api://vault", groups: ["g1"] }), "api://vault");
    expect(custom.payload["xms_mirid"]).toBeUndefined();
    expect(custom.payload["groups"]).toEqual(["g1"]);
  });

  it("v2.0 tokens carry the v2 issuer and azp instead of appid", async () => {
    const vm = az.fixtures.addVm({ name: "vm-v2" });
    const claims = az.claimsFor({ source: vm, version: "2.0" });
    expect(claims["iss"]).toBe(`https://login.microsoftonline.com/${az.tenantId}/v2.0`);
    expect(claims["azp"]).toBe(vm.systemAssigned?.clientId);
    expect(claims["appid"]).toBeUndefined();
  });
});

describe("key rotation", () => {
  it("publishes the new key, signs with it, and a removed key stops verifying", async () => {
    const vm = az.fixtures.addVm({ name: "vm-rot" });
    const oldKid = az.keys.activeKid;
    const before = await az.issueToken({ source: vm });
    const newKid = await az.rotateKeys();
    expect(az.keys.kids).toEqual(expect.arrayContaining([oldKid, newKid]));
    const after = await az.issueToken({ source: vm });
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    await verify(before);
    await verify(after);
    az.keys.remove(oldKid);
    await expect(verify(before)).rejects.toThrow();
    await verify(after);
  });
});

describe("hostile tokens", () => {
  it("each fails jose's verification", async () => {
    const vm = az.fixtures.addVm({ name: "vm-bad" });
    const good = az.claimsFor({ source: vm });
    const now = Math.floor(Date.now() / 1000);
    const bad = [
      az.hostile.algNone(good),
      await az.hostile.hs256WithPublicKey(good),
      await az.hostile.unknownKid(good),
      await az.hostile.forgedWithKnownKid(good),
      await az.hostile.tampered(good, { oid: "someone-else" }),
      await az.issueToken({ source: vm, audience: "https://vault.azure.net" }),
      await az.issueToken({ source: vm, tenantId: "other-tenant" }),
      await az.issueToken({ source: vm, version: "2.0" }),
      await az.issueToken({ source: vm, issuedAt: now - 7200, expiresAt: now - 3600 }),
      await az.issueToken({ source: vm, notBefore: now + 3600 }),
    ];
    for (const t of bad) await expect(verify(t)).rejects.toThrow();
  });
});

describe("the fake's clock", () => {
  it("drives token times and the ARM expiry check", async () => {
    let nowMs = Date.UTC(2030, 0, 1);
    const clocked = await startAzureFake({ now: () => nowMs });
    try {
      const { app, secret } = clocked.graph.addApplication({ secret: true });
      const res = await fetch(`${clocked.url}/${clocked.tenantId}/oauth2/v2.0/token`, {
        method: "POST",
        body: new URLSearchParams({ grant_type: "client_credentials", client_id: app.appId, client_secret: secret ?? "", scope: "https://management.azure.com/.default" }),
      });
      const token = String(((await res.json()) as Record<string, unknown>)["access_token"]);
      expect(clocked.claimsFor({ app })["iat"]).toBe(nowMs / 1000);
      const vm = clocked.fixtures.addVm({ name: "vm" });
      const get = () => fetch(`${clocked.url}${vm.id}?api-version=2022-11-01`, { headers: { authorization: `Bearer ${token}` } });
      expect((await get()).status).toBe(200);
      nowMs += 3600_000;
      const late = await get();
      expect(late.status).toBe(401);
      expect(((await late.json()) as { error: { code: string } }).error.code).toBe("ExpiredAuthenticationToken");
    } finally {
      await clocked.stop();
    }
  });
});
