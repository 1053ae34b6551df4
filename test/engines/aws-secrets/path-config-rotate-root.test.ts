import { IAMServiceException, NoSuchEntityException } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { defineBackend } from "../../../src/framework/index.js";
import {
  InmemStorage,
  LogicalError,
  type Response,
  StaticSystemView,
  UnsupportedOperationError,
  getJson,
  newRequest,
  type Logger,
  type Operation,
  type Storage,
} from "../../../src/logical/index.js";
import type { AwsClients, IamApi } from "../../../src/engines/aws-secrets/aws-api.js";
import type { AwsSecretsContext } from "../../../src/engines/aws-secrets/context.js";
import { readRootConfig, writeRootConfig } from "../../../src/engines/aws-secrets/config-root-storage.js";
import { configRootPath } from "../../../src/engines/aws-secrets/path-config-root.js";
import { configRotateRootPath } from "../../../src/engines/aws-secrets/path-config-rotate-root.js";

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

type Method = "getUser" | "createAccessKey" | "deleteAccessKey";

/** An IAM error as the SDK's query protocol throws it. */
function iamError(code: string, message: string, status: number): Error {
  const error =
    code === "NoSuchEntity"
      ? new NoSuchEntityException({ message, $metadata: { httpStatusCode: status } })
      : new IAMServiceException({ name: code, $fault: status < 500 ? "client" : "server", message, $metadata: { httpStatusCode: status } });
  return Object.assign(error, { Code: code, Error: { Code: code, Message: message } });
}

/**
 * One IAM user's access keys. A client is bound to the key it signs with and is refused once
 * that key is gone; `propagationDelay` makes a new key unusable for that many calls, as IAM's
 * eventual consistency can.
 */
class FakeAccount {
  readonly keys = new Map<string, string>([["AKIAOLD", "old-secret"]]);
  readonly calls: string[] = [];
  readonly failures = new Map<Method, Error>();
  nextId = 1;
  propagationDelay = 0;
  userName: string | undefined = "vault-root";
  readonly #young = new Map<string, number>();

  clientFor(accessKey: string): IamApi {
    const guard = (method: Method): void => {
      this.calls.push(`${method}@${accessKey}`);
      const failure = this.failures.get(method);
      if (failure !== undefined) throw failure;
      if (!this.keys.has(accessKey)) throw iamError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
      const wait = this.#young.get(accessKey) ?? 0;
      if (wait > 0) {
        this.#young.set(accessKey, wait - 1);
        throw iamError("InvalidClientTokenId", "The security token included in the request is invalid.", 403);
      }
    };
    const client: Partial<IamApi> = {
      getUser: async () => {
        guard("getUser");
        const user = this.userName === undefined ? undefined : { UserName: this.userName, Path: "/", UserId: "AIDA1", Arn: "arn:aws:iam::1:user/vault-root", CreateDate: new Date(0) };
        return { User: user, $metadata: {} };
      },
      createAccessKey: async (input) => {
        guard("createAccessKey");
        const id = `AKIANEW${this.nextId++}`;
        this.keys.set(id, `secret-${id}`);
        this.#young.set(id, this.propagationDelay);
        return { AccessKey: { UserName: input.UserName ?? "", AccessKeyId: id, SecretAccessKey: `secret-${id}`, Status: "Active" }, $metadata: {} };
      },
      deleteAccessKey: async (input) => {
        guard("deleteAccessKey");
        const id = input.AccessKeyId ?? "";
        if (!this.keys.delete(id)) throw iamError("NoSuchEntity", `The Access Key with id ${id} cannot be found.`, 404);
        return {};
      },
    };
    return client as IamApi;
  }
}

function harness(account = new FakeAccount()) {
  const storage = new InmemStorage();
  const system = new StaticSystemView();
  let resets = 0;
  let cached: IamApi | undefined;
  const noAws = (): Promise<never> => Promise.reject(new Error("unexpected client"));
  // Like the real client cache: built from the stored keys on first use, dropped on reset.
  const clients: AwsClients = {
    iam: async () => (cached ??= account.clientFor((await readRootConfig(storage))?.accessKey ?? "")),
    sts: noAws,
    freshIam: noAws,
    reset: () => {
      resets += 1;
      cached = undefined;
    },
  };
  const ctx: AwsSecretsContext = { system, logger: silent, clients, storage, now: () => new Date(0) };
  const backend = defineBackend(
    { type: "logical", help: "", paths: [configRootPath(ctx), configRotateRootPath(ctx)] },
    { storage, system, logger: silent, backendUuid: "u", config: {} },
  );
  const request = (operation: Operation, path: string, data?: Record<string, unknown>) =>
    backend.handleRequest(newRequest({ operation, path, storage, ...(data === undefined ? {} : { data }) }));
  return { account, storage, request, rotate: () => request("update", "config/rotate-root"), resets: () => resets };
}

async function configure(storage: Storage, keys: { accessKey: string; secretKey: string }): Promise<void> {
  await writeRootConfig(storage, {
    accessKey: keys.accessKey,
    secretKey: keys.secretKey,
    region: "us-east-1",
    iamEndpoint: "",
    stsEndpoint: "",
    stsRegion: "",
    stsFallbackEndpoints: [],
    stsFallbackRegions: [],
    maxRetries: 7,
    usernameTemplate: "t",
    roleArn: "",
    identityTokenAudience: "",
    identityTokenTtl: 0n,
  });
}

describe("config/rotate-root", () => {
  it("creates a key, stores it, and deletes the old key with the old credentials, as upstream", async () => {
    const h = harness();
    await configure(h.storage, { accessKey: "AKIAOLD", secretKey: "old-secret" });
    expect(await h.rotate()).toEqual({ data: { access_key: "AKIANEW1" } });
    expect([...h.account.keys.keys()]).toEqual(["AKIANEW1"]);
    expect(h.account.calls).toEqual(["getUser@AKIAOLD", "createAccessKey@AKIAOLD", "deleteAccessKey@AKIAOLD"]);
    // Every other setting is kept; only the key pair changed.
    expect(await getJson(h.storage, "config/root")).toMatchObject({ access_key: "AKIANEW1", secret_key: "secret-AKIANEW1", region: "us-east-1", max_retries: 7, username_template: "t" });
    expect((await h.storage.get("config/root"))?.sealWrap).toBe(true);
    expect(h.resets()).toBe(1);
  });

  it("never returns the new secret, and a read of config/root shows only the new key id", async () => {
    const h = harness();
    await configure(h.storage, { accessKey: "AKIAOLD", secretKey: "old-secret" });
    expect(JSON.stringify(await h.rotate())).not.toContain("secret-");
    const read = await h.request("read", "config/root");
    expect(read?.data?.["access_key"]).toBe("AKIANEW1");
    expect(JSON.stringify(read)).not.toContain("secret-");
  });

  it("rotates again with the key it stored the first time", async () => {
    const h = harness();
    await configure(h.storage, { accessKey: "AKIAOLD", secretKey: "old-secret" });
    await h.rotate();
    expect(await h.rotate()).toEqual({ data: { access_key: "AKIANEW2" } });
    expect([...h.account.keys.keys()]).toEqual(["AKIANEW2"]);
  });

  it("never signs with the new key, which IAM may not accept yet", async () => {
    const account = new FakeAccount();
    account.propagationDelay = 5;
    const h = harness(account);
    await configure(h.storage, { accessKey: "AKIAOLD", secretKey: "old-secret" });
    expect(await h.rotate()).toEqual({ data: { access_key: "AKIANEW1" } });
    expect(account.calls).toEqual(["getUser@AKIAOLD", "createAccessKey@AKIAOLD", "deleteAccessKey@AKIAOLD"]);
    expect([...account.keys.keys()]).toEqual(["AKIANEW1"]);
  });

  it.each([
    ["nothing configured", undefined],
    ["no secret key", { accessKey: "AKIAOLD", secretKey: "" }],
    ["no access key (default credential chain)", { accessKey: "", secretKey: "x" }],
  ])("refuses with %s (400) and calls no AWS API", async (_name, keys) => {
    const h = harness();
    if (keys !== undefined) await configure(h.storage, keys);
    expect(await h.rotate()).toEqual({ data: { error: "Cannot call config/rotate-root when either access_key or secret_key is empty" } });
    expect(h.account.calls).toEqual([]);
  });

  it.each([
    ["GetUser is denied", "getUser", iamError("AccessDenied", "not allowed to GetUser", 403), "user", /^error calling GetUser: IAM GetUser: AccessDenied: not allowed to GetUser$/],
    ["CreateAccessKey hits the two-key limit", "createAccessKey", iamError("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409), "user", /^error calling CreateAccessKey: .*LimitExceeded: Cannot exceed quota/],
    ["IAM fails on its side", "createAccessKey", iamError("ServiceFailure", "boom", 500), "internal", /^error calling CreateAccessKey: .*HTTP 500/],
    // Upstream returns the error itself here (500), without awsutil.CheckAWSError's 502.
    ["IAM throttles", "getUser", iamError("Throttling", "Rate exceeded", 400), "internal", /^error calling GetUser: IAM GetUser: Throttling: Rate exceeded$/],
  ] as const)("reports that %s, classified, and keeps the stored keys", async (_name, method, error, kind, message) => {
    const h = harness();
    h.account.failures.set(method, error);
    await configure(h.storage, { accessKey: "AKIAOLD", secretKey: "old-secret" });
    const failure = await h.rotate().then(
      (response) => response,
      (err: unknown) => err,
    );
    if (kind === "user") {
      // A refusal on the caller's side is an error response (400), not a raised error (500).
      expect(String((failure as Response | undefined)?.data?.["error"])).toMatch(message);
    } else {
      expect(failure).toBeInstanceOf(LogicalError);
      expect((failure as LogicalError).kind).toBe(kind);
      expect((failure as LogicalError).message).toMatch(message);
    }
    expect((await readRootConfig(h.storage))?.accessKey).toBe("AKIAOLD");
    expect(h.resets()).toBe(0);
  });

  it("reports a failed delete of the old key after the new one is stored", async () => {
    const h = harness();
    await configure(h.storage, { accessKey: "AKIAOLD", secretKey: "old-secret" });
    h.account.failures.set("deleteAccessKey", iamError("AccessDenied", "no DeleteAccessKey", 403));
    expect((await h.rotate())?.data?.["error"]).toMatch(/^error deleting old access key: IAM DeleteAccessKey: AccessDenied: no DeleteAccessKey$/);
    // Stored before the delete, as upstream: the new key works, the old one is left in IAM.
    expect((await readRootConfig(h.storage))?.accessKey).toBe("AKIANEW1");
    expect(h.account.calls.slice(-1)).toEqual(["deleteAccessKey@AKIAOLD"]);
    expect([...h.account.keys.keys()]).toEqual(["AKIAOLD", "AKIANEW1"]);
    expect(h.resets()).toBe(1);
  });

  it("fails (500) when GetUser names no user", async () => {
    const account = new FakeAccount();
    account.userName = undefined;
    const h = harness(account);
    await configure(h.storage, { accessKey: "AKIAOLD", secretKey: "old-secret" });
    await expect(h.rotate()).rejects.toThrow("nil user returned from GetUser");
    expect(account.calls).toEqual(["getUser@AKIAOLD"]);
  });

  it("deletes the new key again when it cannot be stored", async () => {
    const h = harness();
    await configure(h.storage, { accessKey: "AKIAOLD", secretKey: "old-secret" });
    const put = h.storage.put.bind(h.storage);
    h.storage.put = (entry) => (entry.key === "config/root" ? Promise.reject(new Error("disk full")) : put(entry));
    await expect(h.rotate()).rejects.toThrow("error saving new config/root: disk full");
    expect([...h.account.keys.keys()]).toEqual(["AKIAOLD"]);
    expect((await readRootConfig(h.storage))?.accessKey).toBe("AKIAOLD");
  });

  it("serialises with config/root writes, so a concurrent write cannot restore the old key", async () => {
    const h = harness();
    await configure(h.storage, { accessKey: "AKIAOLD", secretKey: "old-secret" });
    const [rotated, written] = await Promise.all([h.rotate(), h.request("update", "config/root", { region: "eu-west-1" })]);
    expect(rotated).toEqual({ data: { access_key: "AKIANEW1" } });
    expect(written).toBeUndefined();
    expect(await getJson(h.storage, "config/root")).toMatchObject({ access_key: "AKIANEW1", region: "eu-west-1" });
  });

  it("accepts only update (405 for read)", async () => {
    const h = harness();
    await expect(h.request("read", "config/rotate-root")).rejects.toThrow(UnsupportedOperationError);
  });
});
