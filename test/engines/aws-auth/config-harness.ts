// An in-process AWS auth backend (every path of backend.ts) over InmemStorage, for the config/*
// path tests. Clients are a counting stand-in unless a test passes real ones.
import { defineBackend, type FrameworkBackend } from "../../../src/framework/index.js";
import { InmemStorage, newRequest, StaticSystemView, type Logger, type Operation, type Response } from "../../../src/logical/index.js";
import type { AwsAuthClients } from "../../../src/engines/aws-auth/aws-api.js";
import { awsAuthBackendSpec } from "../../../src/engines/aws-auth/backend.js";
import type { AwsAuthContext } from "../../../src/engines/aws-auth/context.js";

export const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, named: () => silent };

export interface Harness {
  backend: FrameworkBackend;
  storage: InmemStorage;
  ctx: AwsAuthContext;
  resets: () => number;
  request: (operation: Operation, path: string, data?: Record<string, unknown>, signal?: AbortSignal) => Promise<Response | undefined>;
  /** A write as Vault sends it: the existence check picks create or update. */
  write: (path: string, data: Record<string, unknown>) => Promise<Response | undefined>;
  read: (path: string) => Promise<Response | undefined>;
  exists: (path: string) => Promise<boolean>;
}

export function harness(options: { clients?: AwsAuthClients; storage?: InmemStorage } = {}): Harness {
  const storage = options.storage ?? new InmemStorage();
  const system = new StaticSystemView();
  let resets = 0;
  const noAws = (): Promise<never> => Promise.reject(new Error("no AWS in this test"));
  const fake: AwsAuthClients = { ec2: noAws, iam: noAws, defaultAccountId: noAws, rootKeyIam: noAws, reset: () => undefined };
  const inner = options.clients ?? fake;
  const clients: AwsAuthClients = {
    ec2: (...a) => inner.ec2(...a),
    iam: (...a) => inner.iam(...a),
    defaultAccountId: (...a) => inner.defaultAccountId(...a),
    rootKeyIam: (...a) => inner.rootKeyIam(...a),
    reset: () => {
      resets += 1;
      inner.reset();
    },
  };
  const ctx: AwsAuthContext = { system, logger: silent, clients, storage, now: () => new Date(0) };
  const backend = defineBackend(awsAuthBackendSpec(ctx), { storage, system, logger: silent, backendUuid: "u", config: {} });
  const request: Harness["request"] = (operation, path, data, signal) =>
    backend.handleRequest(newRequest({ operation, path, storage, ...(data === undefined ? {} : { data }), ...(signal === undefined ? {} : { signal }) }));
  const exists = async (path: string) => (await backend.handleExistenceCheck(newRequest({ operation: "update", path, storage }))).exists;
  return {
    backend,
    storage,
    ctx,
    resets: () => resets,
    request,
    write: async (path, data) => request((await exists(path)) ? "update" : "create", path, data),
    read: (path) => request("read", path),
    exists,
  };
}
