// Test doubles for the static-role suites: an in-memory IAM (users with UserIds, at most two
// access keys each with creation dates, SDK-shaped errors), an injectable clock and a backend
// built from staticRolesFeature alone.
import { LimitExceededException, NoSuchEntityException, type AccessKeyMetadata } from "@aws-sdk/client-iam";
import type { AwsClients, IamApi } from "../../../src/engines/aws-secrets/aws-api.js";
import type { AwsSecretsContext } from "../../../src/engines/aws-secrets/context.js";
import { staticRolesFeature } from "../../../src/engines/aws-secrets/path-static-roles.js";
import { defineBackend, type FrameworkBackend } from "../../../src/framework/index.js";
import { InmemStorage, StaticSystemView, newRequest, type Logger, type Operation, type Response } from "../../../src/logical/index.js";

export const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

export const T0 = Date.parse("2025-03-01T12:00:00Z");

/** A settable clock. */
export class Clock {
  constructor(public ms = T0) {}
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

interface FakeKey {
  id: string;
  secret: string;
  created: Date;
}

interface FakeUser {
  id: string;
  keys: FakeKey[];
}

type Method = "getUser" | "listAccessKeys" | "createAccessKey" | "deleteAccessKey";

const metadata = { $metadata: {} };

/**
 * What the v3 SDK throws for an IAM (query protocol) error answer: the modeled class (name
 * "NoSuchEntityException"), with AWS's code in `Code` and `Error.Code`, `$fault` and the status.
 */
function sdkError<E extends Error>(error: E, code: string, status: number): E {
  return Object.assign(error, { Code: code, Type: "Sender", Error: { Type: "Sender", Code: code, Message: error.message }, $metadata: { httpStatusCode: status } });
}

export const noSuchEntity = (message: string): NoSuchEntityException =>
  sdkError(new NoSuchEntityException({ message, $metadata: {} }), "NoSuchEntity", 404);

const noSuchUser = (name: string): NoSuchEntityException => noSuchEntity(`The user with name ${name} cannot be found.`);

/** An AWS server-side failure (HTTP 500), as the SDK reports it. */
export function serviceFailure(message = "We encountered an internal error. Please try again."): Error {
  return Object.assign(new Error(message), { name: "ServiceFailureException", $fault: "server", Code: "ServiceFailure", $metadata: { httpStatusCode: 500 } });
}

/** IAM as far as static roles use it; everything else throws if called. */
export class FakeIam {
  readonly users = new Map<string, FakeUser>();
  /** Every call, as `method:UserName[:AccessKeyId]`. */
  readonly calls: string[] = [];
  /** Errors to throw from the next call of a method (then cleared). */
  readonly failNext = new Map<Method, Error>();
  /** Held calls: a method listed here waits until `release()` is called. */
  readonly #gates = new Map<Method, Promise<void>>();
  #seq = 0;

  constructor(readonly clock: Clock) {}

  addUser(name: string, existingKeys = 0): FakeUser {
    const user: FakeUser = { id: `AIDA${String(++this.#seq).padStart(4, "0")}`, keys: [] };
    this.users.set(name, user);
    for (let i = 0; i < existingKeys; i += 1) this.#newKey(user);
    return user;
  }

  /** Deletes and re-creates a user under the same name: a new UserId, no keys. */
  recreateUser(name: string): void {
    this.users.delete(name);
    this.addUser(name);
  }

  keyIds(name: string): string[] {
    return (this.users.get(name)?.keys ?? []).map((key) => key.id);
  }

  /** Makes calls of `method` wait; returns the function that lets them go on. */
  hold(method: Method): () => void {
    let release!: () => void;
    this.#gates.set(method, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.#gates.delete(method);
      release();
    };
  }

  #newKey(user: FakeUser): FakeKey {
    const n = ++this.#seq;
    // Each key is a second younger than the previous one, so "oldest" is well defined.
    const key = { id: `AKIA${String(n).padStart(6, "0")}`, secret: `secret-${n}`, created: new Date(this.clock.ms + n * 1000) };
    user.keys.push(key);
    return key;
  }

  async #enter(method: Method, detail: string): Promise<void> {
    this.calls.push(`${method}:${detail}`);
    await this.#gates.get(method);
    const failure = this.failNext.get(method);
    if (failure !== undefined) {
      this.failNext.delete(method);
      throw failure;
    }
  }

  #user(name: string | undefined): FakeUser {
    const user = name === undefined ? undefined : this.users.get(name);
    if (user === undefined) throw noSuchUser(name ?? "");
    return user;
  }

  readonly api: Pick<IamApi, Method> = {
    getUser: async (input) => {
      await this.#enter("getUser", input.UserName ?? "");
      const user = this.#user(input.UserName);
      return { ...metadata, User: { UserName: input.UserName, UserId: user.id, Arn: `arn:aws:iam::123456789012:user/${input.UserName}`, Path: "/", CreateDate: new Date(T0) } };
    },
    listAccessKeys: async (input) => {
      await this.#enter("listAccessKeys", input.UserName ?? "");
      const keys: AccessKeyMetadata[] = this.#user(input.UserName).keys.map((key) => ({
        UserName: input.UserName,
        AccessKeyId: key.id,
        Status: "Active",
        CreateDate: key.created,
      }));
      return { ...metadata, AccessKeyMetadata: keys, IsTruncated: false };
    },
    createAccessKey: async (input) => {
      await this.#enter("createAccessKey", input.UserName ?? "");
      const user = this.#user(input.UserName);
      if (user.keys.length >= 2) {
        throw sdkError(new LimitExceededException({ message: "Cannot exceed quota for AccessKeysPerUser: 2", $metadata: {} }), "LimitExceeded", 409);
      }
      const key = this.#newKey(user);
      return { ...metadata, AccessKey: { UserName: input.UserName, AccessKeyId: key.id, SecretAccessKey: key.secret, Status: "Active", CreateDate: key.created } };
    },
    deleteAccessKey: async (input) => {
      await this.#enter("deleteAccessKey", `${input.UserName ?? ""}:${input.AccessKeyId ?? ""}`);
      const user = this.#user(input.UserName);
      const index = user.keys.findIndex((key) => key.id === input.AccessKeyId);
      if (index === -1) {
        throw noSuchEntity(`The Access Key with id ${input.AccessKeyId ?? ""} cannot be found.`);
      }
      user.keys.splice(index, 1);
      return metadata;
    },
  };
}

/** An IamApi whose unused methods fail loudly. */
function asIamApi(partial: Pick<IamApi, Method>): IamApi {
  return new Proxy(partial, {
    get: (target, property, receiver) => {
      if (Reflect.has(target, property)) return Reflect.get(target, property, receiver) as unknown;
      // Not a thenable: the client is handed out through Promise.resolve.
      if (property === "then" || typeof property === "symbol") return undefined;
      return () => Promise.reject(new Error(`unexpected IAM call ${property}`));
    },
  }) as IamApi;
}

export interface Harness {
  ctx: AwsSecretsContext;
  clock: Clock;
  iam: FakeIam;
  storage: InmemStorage;
  system: StaticSystemView;
  feature: ReturnType<typeof staticRolesFeature>;
  backend: FrameworkBackend;
  /** Number of fresh IAM clients handed out. */
  freshClients(): number;
  call(operation: Operation, path: string, data?: Record<string, unknown>): Promise<Response | undefined>;
  /** Vault's periodic `rollback` request. */
  rollback(): Promise<Response | undefined>;
}

export function harness(options: { replicationState?: number; localMount?: boolean } = {}): Harness {
  const clock = new Clock();
  const iam = new FakeIam(clock);
  const storage = new InmemStorage();
  const system = new StaticSystemView(options);
  let fresh = 0;
  const api = asIamApi(iam.api);
  const clients: AwsClients = {
    iam: () => Promise.reject(new Error("static roles must use a fresh client")),
    sts: () => Promise.reject(new Error("static roles never use STS")),
    freshIam: () => {
      fresh += 1;
      return Promise.resolve(api);
    },
    reset: () => {},
  };
  const ctx: AwsSecretsContext = { system, logger: silent, clients, storage, now: clock.now };
  const feature = staticRolesFeature(ctx);
  const backend = defineBackend(
    { type: "logical", help: "", paths: [...feature.paths], periodic: feature.periodic, initialize: feature.initialize },
    { storage, system, logger: silent, backendUuid: "u", config: {} },
  );
  return {
    ctx,
    clock,
    iam,
    storage,
    system,
    feature,
    backend,
    freshClients: () => fresh,
    call: (operation, path, data) => backend.handleRequest(newRequest({ operation, path, storage, ...(data === undefined ? {} : { data }) })),
    rollback: () => backend.handleRequest(newRequest({ operation: "rollback", path: "", storage })),
  };
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
