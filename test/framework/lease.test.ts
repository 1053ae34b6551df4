import { describe, expect, it } from "vitest";
import { calculateTtl, calculateTtlFromSystem, humanDuration, isZeroTime, leaseExtend, type TtlInput } from "../../src/framework/lease.js";
import { InmemStorage, StaticSystemView, newRequest, type Auth, type Secret } from "../../src/logical/index.js";

const S = 1_000_000_000n;
const M = 60n * S;
const H = 60n * M;

// Half a second past the minute, so the truncation to whole seconds matters.
const NOW = new Date("2024-05-01T12:00:00.500Z");
const ago = (ns: bigint): Date => new Date(NOW.getTime() - Number(ns / 1_000_000n));
const mount = { mountDefaultTtl: 24n * H, mountMaxTtl: 48n * H, now: NOW };

describe("calculateTtl", () => {
  const cases: { name: string; input: Partial<TtlInput>; ttl: bigint; warnings?: string[] }[] = [
    { name: "nothing set: the mount default", input: {}, ttl: 24n * H },
    { name: "backend TTL beats the mount default", input: { backendTtl: H }, ttl: H },
    { name: "requested increment beats the backend TTL", input: { increment: 2n * H, backendTtl: H }, ttl: 2n * H },
    { name: "increment below the backend TTL still wins", input: { increment: 10n * M, backendTtl: H }, ttl: 10n * M },
    {
      name: "increment above the mount max is capped",
      input: { increment: 72n * H },
      ttl: 48n * H,
      warnings: ['TTL of "72h" exceeded the effective max_ttl of "48h"; TTL value is capped accordingly'],
    },
    {
      name: "a smaller backend max narrows the cap",
      input: { backendTtl: 3n * H, backendMaxTtl: 2n * H },
      ttl: 2n * H,
      warnings: ['TTL of "3h" exceeded the effective max_ttl of "2h"; TTL value is capped accordingly'],
    },
    {
      name: "a larger backend max does not widen the mount max",
      input: { increment: 60n * H, backendMaxTtl: 100n * H },
      ttl: 48n * H,
      warnings: ['TTL of "60h" exceeded the effective max_ttl of "48h"; TTL value is capped accordingly'],
    },
    {
      name: "an explicit max narrows a normal lease too",
      input: { backendTtl: 2n * H, backendMaxTtl: 10n * H, explicitMaxTtl: H },
      ttl: H,
      warnings: ['TTL of "2h" exceeded the effective max_ttl of "1h"; TTL value is capped accordingly'],
    },
    {
      name: "max TTL counts from the issue time",
      input: { backendTtl: 2n * H, startTime: ago(47n * H) },
      ttl: H,
      warnings: ['TTL of "2h" exceeded the effective max_ttl of "1h"; TTL value is capped accordingly'],
    },
    {
      name: "renew well inside the max is not capped",
      input: { increment: H, startTime: ago(10n * H) },
      ttl: H,
    },
    {
      name: "the issue time is truncated to the second",
      // Issued 47h59m59.9s before NOW (which itself is at .5s): both ends truncate, leaving 1s.
      input: { backendTtl: M, startTime: new Date(NOW.getTime() - (48 * 3600 - 1) * 1000 - 400) },
      ttl: S,
      warnings: ['TTL of "1m" exceeded the effective max_ttl of "1s"; TTL value is capped accordingly'],
    },
    { name: "Go's zero time means a fresh lease", input: { startTime: new Date(-62_135_596_800_000) }, ttl: 24n * H },
    { name: "a period is the TTL, whatever the increment", input: { period: H, increment: 5n * H }, ttl: H },
    { name: "a periodic token outlives the max TTL", input: { period: H, startTime: ago(500n * H) }, ttl: H },
    {
      name: "a period above the max is capped",
      input: { period: 72n * H },
      ttl: 48n * H,
      warnings: ['period of "72h" exceeded the effective max_ttl of "48h"; period value is capped accordingly'],
    },
    {
      name: "a period is capped by the backend max",
      input: { period: 90n * M, backendMaxTtl: H },
      ttl: H,
      warnings: ['period of "1h30m" exceeded the effective max_ttl of "1h"; period value is capped accordingly'],
    },
    {
      name: "an explicit max bounds a periodic token from its issue time",
      input: { period: H, explicitMaxTtl: 2n * H, startTime: ago(90n * M) },
      ttl: 30n * M,
      warnings: ['TTL of "1h" exceeded the effective max_ttl of "30m"; TTL value is capped accordingly'],
    },
    {
      name: "both warnings when a period is capped and then runs into the explicit max",
      input: { period: 3n * H, explicitMaxTtl: 2n * H, startTime: ago(90n * M) },
      ttl: 30n * M,
      warnings: [
        'period of "3h" exceeded the effective max_ttl of "2h"; period value is capped accordingly',
        'TTL of "2h" exceeded the effective max_ttl of "30m"; TTL value is capped accordingly',
      ],
    },
  ];

  it.each(cases)("$name", ({ input, ttl, warnings }) => {
    expect(calculateTtl({ ...mount, ...input })).toEqual({ ttl, warnings: warnings ?? [] });
  });

  it("refuses a lease at or past its max TTL", () => {
    expect(() => calculateTtl({ ...mount, startTime: ago(48n * H) })).toThrow("past the max TTL, cannot renew");
    expect(() => calculateTtl({ ...mount, startTime: ago(60n * H) })).toThrow("past the max TTL, cannot renew");
    expect(() => calculateTtl({ ...mount, period: H, explicitMaxTtl: H, startTime: ago(2n * H) })).toThrow(
      "past the max TTL, cannot renew",
    );
  });

  it("refuses a non-positive max TTL", () => {
    expect(() => calculateTtl({ ...mount, mountMaxTtl: 0n })).toThrow("max TTL must be greater than zero");
  });
});

describe("humanDuration", () => {
  it.each([
    [0n, "0s"],
    [H, "1h"],
    [90n * M, "1h30m"],
    [2n * H + 5n * S, "2h5s"],
    [90n * S, "1m30s"],
    [10n * M, "10m"],
    [25n * H, "25h"],
    [1_500_000_000n, "1.5s"],
    [500_000_000n, "500ms"],
  ])("%s ns → %s", (ns, text) => {
    expect(humanDuration(ns)).toBe(text);
  });
});

describe("isZeroTime", () => {
  it("treats absent and Go's zero time as unset, the Unix epoch as a real time", () => {
    expect(isZeroTime(undefined)).toBe(true);
    expect(isZeroTime(new Date("0001-01-01T00:00:00Z"))).toBe(true);
    expect(isZeroTime(new Date(0))).toBe(false);
  });
});

describe("leaseExtend", () => {
  const storage = new InmemStorage();
  const secret: Secret = {
    lease: { ttl: H, maxTtl: 0n, renewable: true, increment: 30n * M, issueTime: ago(H) },
    internalData: { secret_type: "creds", username: "u-1" },
    leaseId: "",
  };

  it("echoes the secret and its internal data with the new terms, never the request data", () => {
    const request = newRequest({ operation: "renew", path: "creds/r", storage, secret, data: { access_key: "AK", secret_key: "SK" } });
    const response = leaseExtend(request, { ttl: 2n * H, maxTtl: 10n * H });
    expect(response).not.toHaveProperty("data");
    expect(response.secret).toEqual({ ...secret, lease: { ...secret.lease, ttl: 2n * H, maxTtl: 10n * H } });
    expect(response.secret?.internalData).not.toBe(secret.internalData);
    expect(secret.lease.ttl).toBe(H);
  });

  it("extends a token when the request carries auth", () => {
    const auth = { lease: { ttl: H, maxTtl: 0n, renewable: true, increment: 0n }, internalData: { role: "r" }, policies: ["p"] } as unknown as Auth;
    const response = leaseExtend(newRequest({ operation: "renew", path: "login", storage, auth }), { ttl: 5n * M, maxTtl: H });
    expect(response.auth?.lease).toEqual({ ttl: 5n * M, maxTtl: H, renewable: true, increment: 0n });
    expect(response.auth?.internalData).toEqual({ role: "r" });
    expect(response.secret).toBeUndefined();
  });

  it("fails with upstream's text when there is nothing to extend", () => {
    expect(() => leaseExtend(newRequest({ operation: "renew", path: "p", storage }), { ttl: 0n, maxTtl: 0n })).toThrow(
      "no lease options for request",
    );
  });
});

describe("calculateTtlFromSystem", () => {
  it("reads the mount default and max from the system view", async () => {
    const system = new StaticSystemView({ defaultLeaseTtl: H, maxLeaseTtl: 2n * H });
    await expect(calculateTtlFromSystem(system, { now: NOW })).resolves.toEqual({ ttl: H, warnings: [] });
    await expect(calculateTtlFromSystem(system, { increment: 3n * H, now: NOW })).resolves.toMatchObject({ ttl: 2n * H });
  });
});
