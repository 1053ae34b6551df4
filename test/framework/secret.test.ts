import { describe, expect, it, vi } from "vitest";
import {
  SECRET_TYPE_KEY,
  defineSecret,
  dispatchSecretOperation,
  secretResponse,
  secretTypeOf,
  validateSecrets,
} from "../../src/framework/secret.js";
import type { SecretSpec } from "../../src/framework/types.js";
import {
  InmemStorage,
  LogicalError,
  UnsupportedOperationError,
  newRequest,
  type Operation,
  type Request,
  type Response,
  type Secret,
} from "../../src/logical/index.js";

const H = 3_600_000_000_000n;
const storage = new InmemStorage();

const requestWith = (operation: Operation, internalData: Record<string, unknown> | undefined): Request =>
  newRequest({
    operation,
    path: "creds/role",
    storage,
    ...(internalData === undefined
      ? {}
      : { secret: { lease: { ttl: H, maxTtl: 0n, renewable: true, increment: 0n }, internalData, leaseId: "" } satisfies Secret }),
  });

describe("defineSecret", () => {
  it("returns a valid spec unchanged", () => {
    const spec: SecretSpec = { type: "access_keys", defaultTtl: H };
    expect(defineSecret(spec)).toBe(spec);
  });

  it.each(["", "access-keys", "a b", "ключ"])("rejects the type %j", (type) => {
    expect(() => defineSecret({ type })).toThrow(/must be letters, digits or underscores/);
  });

  it("rejects a negative default TTL", () => {
    expect(() => defineSecret({ type: "t", defaultTtl: -1n })).toThrow("default TTL must not be negative");
  });

  it("rejects a type declared twice in one backend", () => {
    expect(() => validateSecrets([{ type: "a" }, { type: "b" }, { type: "a" }])).toThrow('secret type "a" is declared twice');
    expect(() => validateSecrets([{ type: "a" }, { type: "b" }])).not.toThrow();
  });
});

describe("secretResponse", () => {
  const renewable: SecretSpec = { type: "creds", defaultTtl: H, renew: () => Promise.resolve(undefined) };

  it("stamps the type into internal data and takes the spec's lease terms", () => {
    const internal = { username: "u-1" };
    const response = secretResponse(renewable, { password: "p" }, internal);
    expect(response).toEqual({
      data: { password: "p" },
      secret: {
        internalData: { username: "u-1", secret_type: "creds" },
        lease: { ttl: H, maxTtl: 0n, renewable: true, increment: 0n },
        leaseId: "",
      },
    });
    expect(response.secret?.lease.issueTime).toBeUndefined();
    expect(internal).toEqual({ username: "u-1" });
  });

  it("is not renewable without a renew handler and has TTL 0 without a default", () => {
    const response = secretResponse({ type: "once" }, {}, {});
    expect(response.secret?.lease).toEqual({ ttl: 0n, maxTtl: 0n, renewable: false, increment: 0n });
  });

  it("never lets internal data pick another type", () => {
    const response = secretResponse(renewable, {}, { [SECRET_TYPE_KEY]: "other" });
    expect(response.secret?.internalData[SECRET_TYPE_KEY]).toBe("creds");
  });

  it("takes TTL and max TTL overrides", () => {
    const response = secretResponse(renewable, {}, {}, { ttl: 2n * H, maxTtl: 5n * H });
    expect(response.secret?.lease).toMatchObject({ ttl: 2n * H, maxTtl: 5n * H });
  });
});

describe("dispatchSecretOperation", () => {
  const renew = vi.fn((_request: Request): Promise<Response> => Promise.resolve({ data: { renewed: true }, warnings: ["w"] }));
  const revoke = vi.fn((_request: Request) => Promise.resolve(undefined));
  const specs: SecretSpec[] = [{ type: "creds", renew, revoke }, { type: "bare" }];

  it("routes renew and revoke by the stored secret type", async () => {
    const issued = secretResponse(specs[0] as SecretSpec, {}, { username: "u" });
    const renewRequest = newRequest({ operation: "renew", path: "creds/role", storage, ...(issued.secret ? { secret: issued.secret } : {}) });
    expect(secretTypeOf(renewRequest)).toBe("creds");
    // A renew reply never carries data: Vault gives it to whoever renewed (see the next test).
    await expect(dispatchSecretOperation(specs, renewRequest)).resolves.toEqual({ warnings: ["w"] });
    expect(renew).toHaveBeenCalledWith(renewRequest);
    await expect(dispatchSecretOperation(specs, { ...renewRequest, operation: "revoke" })).resolves.toBeUndefined();
    expect(revoke).toHaveBeenCalledTimes(1);
  });

  it("drops data from every renew reply but keeps an error response's message", async () => {
    const leaky: SecretSpec = { type: "leaky", renew: () => Promise.resolve({ data: { secret_key: "S" }, secret: { lease: { ttl: H, maxTtl: 0n, renewable: true, increment: 0n }, internalData: {}, leaseId: "" } }) };
    const failing: SecretSpec = { type: "failing", renew: () => Promise.resolve({ data: { error: "role gone" } }) };
    const reply = await dispatchSecretOperation([leaky], requestWith("renew", { secret_type: "leaky" }));
    expect(reply).not.toHaveProperty("data");
    expect(reply?.secret?.lease.ttl).toBe(H);
    await expect(dispatchSecretOperation([failing], requestWith("renew", { secret_type: "failing" }))).resolves.toEqual({ data: { error: "role gone" } });
  });

  it.each([
    ["an unknown type", { secret_type: "nope" }],
    ["no type", { username: "u" }],
    ["a non-string type", { secret_type: 7 }],
  ])("answers %s with upstream's internal error", async (_name, internalData) => {
    const error = await dispatchSecretOperation(specs, requestWith("revoke", internalData)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogicalError);
    expect(error).toMatchObject({ kind: "internal", message: "secret is unsupported by this backend" });
  });

  it("fails without a secret", async () => {
    await expect(dispatchSecretOperation(specs, requestWith("renew", undefined))).rejects.toThrow("request has no secret");
  });

  it("answers a missing handler with unsupported operation (405, irrevocable at once)", async () => {
    await expect(dispatchSecretOperation(specs, requestWith("renew", { secret_type: "bare" }))).rejects.toBeInstanceOf(
      UnsupportedOperationError,
    );
    await expect(dispatchSecretOperation(specs, requestWith("revoke", { secret_type: "bare" }))).rejects.toBeInstanceOf(
      UnsupportedOperationError,
    );
  });

  it("refuses other operations with upstream's text", async () => {
    await expect(dispatchSecretOperation(specs, requestWith("read", { secret_type: "creds" }))).rejects.toThrow(
      'invalid operation for revoke/renew: "read"',
    );
  });
});
