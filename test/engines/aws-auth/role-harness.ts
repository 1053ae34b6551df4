// An in-process AWS auth backend over InmemStorage for the role tests, with IAM answered by a
// table of known principals (or by real clients a test passes in).
import { defineBackend } from "../../../src/framework/index.js";
import { InmemStorage, StaticSystemView, newRequest, type Logger, type Operation, type Response, type Storage } from "../../../src/logical/index.js";
import type { AwsAuthClients, IamApi, IamPrincipal } from "../../../src/engines/aws-auth/aws-api.js";
import { awsAuthBackendSpec } from "../../../src/engines/aws-auth/backend.js";
import type { AwsAuthContext } from "../../../src/engines/aws-auth/context.js";

export const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

/** An error shaped like the SDK's NoSuchEntity answer. */
export function noSuchEntity(what: string): Error {
  return Object.assign(new Error(`The ${what} cannot be found.`), { name: "NoSuchEntityException", Code: "NoSuchEntity", $fault: "client", $metadata: { httpStatusCode: 404 } });
}

export interface FakeIam {
  /** "<account>/<type>/<name>" → unique ID. */
  known: Map<string, string>;
  calls: string[];
  clients: AwsAuthClients;
}

export function fakeIam(entries: Record<string, string> = {}): FakeIam {
  const known = new Map(Object.entries(entries));
  const calls: string[] = [];
  const principal = (account: string, type: string, name: string): Promise<IamPrincipal> => {
    calls.push(`${account}/${type}/${name}`);
    const id = known.get(`${account}/${type}/${name}`);
    if (id === undefined) return Promise.reject(noSuchEntity(`${type} with name ${name}`));
    return Promise.resolve({ arn: `arn:aws:iam::${account}:${type}/${name}`, uniqueId: id, tags: {} });
  };
  const iamFor = (account: string): IamApi => ({
    getUser: (name) => principal(account, "user", name),
    getRole: (name) => principal(account, "role", name),
    getInstanceProfile: async (name) => {
      const p = await principal(account, "instance-profile", name);
      return { arn: p.arn, instanceProfileId: p.uniqueId, roles: [] };
    },
  });
  const refused = (): Promise<never> => Promise.reject(new Error("not used by role tests"));
  const clients: AwsAuthClients = {
    ec2: refused,
    iam: (_region, accountId) => Promise.resolve(iamFor(accountId)),
    defaultAccountId: refused,
    rootKeyIam: refused,
    reset: () => undefined,
  };
  return { known, calls, clients };
}

export interface HarnessOptions {
  /** Clients for the mount, or a builder over its storage (real clients read config/client there). */
  clients?: AwsAuthClients | ((storage: Storage) => AwsAuthClients);
  system?: StaticSystemView;
  mountType?: string;
}

export function harness(options: HarnessOptions = {}) {
  const storage = new InmemStorage();
  const system = options.system ?? new StaticSystemView();
  const iam = fakeIam();
  const clients = typeof options.clients === "function" ? options.clients(storage) : (options.clients ?? iam.clients);
  const ctx: AwsAuthContext = { system, logger: silent, clients, storage, now: () => new Date(0) };
  const backend = defineBackend(awsAuthBackendSpec(ctx), { storage, system, logger: silent, backendUuid: "u", config: {} });
  const request = (operation: Operation, path: string, data?: Record<string, unknown>, signal?: AbortSignal): Promise<Response | undefined> =>
    backend.handleRequest(
      newRequest({ operation, path, storage, mountType: options.mountType ?? "aws", ...(data === undefined ? {} : { data }), ...(signal === undefined ? {} : { signal }) }),
    );
  return {
    ctx,
    backend,
    storage,
    iam,
    request,
    /** create when absent, update otherwise (as Vault decides with the existence check). */
    write: async (name: string, data: Record<string, unknown>, signal?: AbortSignal) => {
      const exists = await backend.handleExistenceCheck(newRequest({ operation: "create", path: `role/${name}`, storage }));
      return request(exists.exists ? "update" : "create", `role/${name}`, data, signal);
    },
    read: async (name: string) => (await request("read", `role/${name}`))?.data,
  };
}
