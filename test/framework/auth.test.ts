import { describe, expect, it, vi } from "vitest";
import {
  aliasLookaheadResponse,
  authRenewResponse,
  dispatchAuthRenew,
  equivalentPolicies,
  loginResponse,
  newAuth,
  parseAddrs,
  parsePolicies,
  populateAuth,
  resolveRoleResponse,
  sanitizePolicies,
} from "../../src/framework/auth.js";
import { emptyTokenParams, type TokenParams } from "../../src/framework/token-fields.js";
import { InmemStorage, TOKEN_TYPES, newRequest, type Request } from "../../src/logical/index.js";

const S = 1_000_000_000n;
const H = 3600n * S;
const storage = new InmemStorage();

const params: TokenParams = {
  ...emptyTokenParams(),
  tokenBoundCidrs: ["10.0.0.0/8"],
  tokenExplicitMaxTtl: 10n * H,
  tokenMaxTtl: 4n * H,
  tokenNoDefaultPolicy: true,
  tokenNumUses: 3,
  tokenPeriod: 0n,
  tokenPolicies: ["dev", "ops"],
  tokenType: "service",
  tokenTtl: H,
};

describe("populateAuth", () => {
  it("applies every token setting and makes the token renewable, leaving the input alone", () => {
    const base = newAuth();
    const auth = populateAuth(base, params);
    expect(auth).toMatchObject({
      lease: { ttl: H, maxTtl: 4n * H, renewable: true, increment: 0n },
      boundCidrs: ["10.0.0.0/8"],
      explicitMaxTtl: 10n * H,
      noDefaultPolicy: true,
      period: 0n,
      policies: ["dev", "ops"],
      tokenType: TOKEN_TYPES.service,
      numUses: 3,
    });
    expect(base).toEqual(newAuth());
  });

  it.each([
    ["default", 0],
    ["service", 1],
    ["batch", 2],
    ["default-service", 3],
    ["default-batch", 4],
  ] as const)("maps token type %s to %d", (tokenType, number) => {
    expect(populateAuth(newAuth(), { ...emptyTokenParams(), tokenType }).tokenType).toBe(number);
  });
});

describe("loginResponse", () => {
  it("builds an auth with alias, group aliases, metadata and internal data", () => {
    const response = loginResponse({
      displayName: "alice",
      params,
      metadata: { role: "dev" },
      alias: { name: "alice-id", metadata: { tenant: "t" } },
      groupAliases: ["admins", { name: "ops" }],
      internalData: { role: "dev" },
    });
    expect(response.data).toBeUndefined();
    expect(response.auth).toMatchObject({
      displayName: "alice",
      policies: ["dev", "ops"],
      metadata: { role: "dev" },
      alias: { name: "alice-id", metadata: { tenant: "t" } },
      groupAliases: [{ name: "admins" }, { name: "ops" }],
      internalData: { role: "dev" },
      lease: { ttl: H, maxTtl: 4n * H, renewable: true },
    });
  });

  it("is renewable by default without params, and takes policy and lease overrides", () => {
    expect(loginResponse({ alias: "bob" }).auth?.lease).toEqual({ ttl: 0n, maxTtl: 0n, renewable: true, increment: 0n });
    const response = loginResponse({ alias: "bob", params, policies: ["only"], lease: { ttl: 60n * S, renewable: false } });
    expect(response.auth?.policies).toEqual(["only"]);
    expect(response.auth?.lease).toEqual({ ttl: 60n * S, maxTtl: 4n * H, renewable: false, increment: 0n });
  });

  it("passes data and warnings through", () => {
    const response = loginResponse({ alias: "bob", data: { note: "x" }, warnings: ["careful"] });
    expect(response.data).toEqual({ note: "x" });
    expect(response.warnings).toEqual(["careful"]);
  });

  it("refuses an alias without a name, as Vault would", () => {
    expect(() => loginResponse({ alias: "" })).toThrow("missing name in alias");
    expect(() => loginResponse({ alias: "a", groupAliases: [{ name: "" }] })).toThrow("missing name in alias");
  });
});

describe("auxiliary replies", () => {
  it("alias-lookahead carries only the alias name and null data", () => {
    const response = aliasLookaheadResponse("alice");
    expect(response.data).toBeNull();
    expect(response.auth?.alias).toEqual({ name: "alice" });
    expect(Object.hasOwn(response, "data")).toBe(true);
  });

  it("resolve-role carries the role as a string", () => {
    expect(resolveRoleResponse("dev")).toEqual({ data: { role: "dev" } });
  });
});

describe("token renew", () => {
  const auth = { ...populateAuth(newAuth(), params), internalData: { role: "dev" }, metadata: { role: "dev" } };
  const renewRequest = newRequest({ operation: "renew", path: "login", storage, auth });

  it("echoes the stored auth with the role's current terms", () => {
    const response = authRenewResponse(renewRequest, { ttl: 2n * H, maxTtl: 8n * H, period: 30n * S });
    expect(response.auth).toEqual({ ...auth, lease: { ...auth.lease, ttl: 2n * H, maxTtl: 8n * H }, period: 30n * S });
    expect(authRenewResponse(renewRequest, { ttl: H, maxTtl: H }).auth?.period).toBe(0n);
  });

  it("needs an auth on the request", () => {
    expect(() => authRenewResponse(newRequest({ operation: "renew", path: "login", storage }), { ttl: H, maxTtl: H })).toThrow(
      "no lease options for request",
    );
  });

  it("dispatches to the handler, or answers upstream's error response without one", async () => {
    await expect(dispatchAuthRenew(undefined, renewRequest)).resolves.toEqual({ data: { error: "this auth type doesn't support renew" } });
    const handler = vi.fn((request: Request) => Promise.resolve(authRenewResponse(request, { ttl: H, maxTtl: H })));
    await dispatchAuthRenew(handler, renewRequest);
    expect(handler).toHaveBeenCalledWith(renewRequest);
  });
});

describe("policy lists (policyutil)", () => {
  it.each([
    [[" Dev", "ops", "dev", ""], false, ["dev", "ops"]],
    [["b", "a"], true, ["a", "b", "default"]],
    [["default", "x"], true, ["default", "x"]],
    [[], true, ["default"]],
    [[""], true, ["default"]],
    [["x", "ROOT", "y"], true, ["root"]],
  ] as const)("sanitizePolicies(%j, %s) → %j", (input, addDefault, expected) => {
    expect(sanitizePolicies(input, addDefault)).toEqual(expected);
  });

  it("parses comma strings and lists without adding default", () => {
    expect(parsePolicies("")).toEqual([]);
    expect(parsePolicies("b, A ,a")).toEqual(["a", "b"]);
    expect(parsePolicies(["x"])).toEqual(["x"]);
  });

  it.each([
    [undefined, undefined, true],
    [undefined, ["default"], true],
    [["default"], undefined, true],
    [undefined, [], false],
    [["a", "b"], ["b", "a", "default"], true],
    [["a", "a"], ["a"], true],
    [["a"], ["a", "c"], false],
    [[], ["default"], true],
  ] as const)("equivalentPolicies(%j, %j) → %s", (a, b, expected) => {
    expect(equivalentPolicies(a, b)).toBe(expected);
  });
});

describe("parseAddrs", () => {
  it.each([
    ["10.0.0.1", "10.0.0.1"],
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["10.0.0.5/8", "10.0.0.5/8"],
    ["192.0.2.7/32", "192.0.2.7"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:db8::/32", "2001:db8::/32"],
    ["::1/128", "::1"],
    ["::ffff:192.0.2.1", "192.0.2.1"],
    ["::ffff:192.0.2.0/120", "192.0.2.0/24"],
  ])("%s → %s", (input, canonical) => {
    expect(parseAddrs([input])).toEqual([canonical]);
  });

  it.each(["10.0.0.256", "10.0.0.1/33", "01.2.3.4", "host.example", "2001:db8::/129", "fe80::1%eth0", "1.2.3.4:80", "/var/run/sock", "10.0.0.0/"])(
    "rejects %s with upstream's message",
    (input) => {
      const q = JSON.stringify(input);
      expect(() => parseAddrs([input])).toThrow(`error parsing address ${q}: Unable to convert ${q} to an IPv4 or IPv6 address, or a UNIX Socket`);
    },
  );
});
