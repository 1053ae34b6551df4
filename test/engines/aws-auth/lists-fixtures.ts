// A mount with only the access-list/deny-list/tidy paths, over InmemStorage, a settable clock and
// a role-tag verifier that knows a fixed set of tags.
import { defineBackend, type FrameworkBackend } from "../../../src/framework/index.js";
import type { AwsAuthContext } from "../../../src/engines/aws-auth/context.js";
import { createAwsAuthClients } from "../../../src/engines/aws-auth/clients.js";
import { listsFeature, type ListsFeature } from "../../../src/engines/aws-auth/lists-feature.js";
import type { RoleTagVerifier, VerifiedRoleTag } from "../../../src/engines/aws-auth/path-roletag-denylist.js";
import {
  InmemStorage,
  StaticSystemView,
  newRequest,
  putJson,
  type Logger,
  type Operation,
  type Response,
} from "../../../src/logical/index.js";

export interface LogLine {
  level: string;
  name: string;
  message: string;
  fields?: Record<string, unknown>;
}

export function recordingLogger(lines: LogLine[], name = ""): Logger {
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, name, message, ...(fields !== undefined && { fields }) });
    };
  return { trace: at("trace"), debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), named: (n) => recordingLogger(lines, n) };
}

export const HOUR_MS = 3_600_000;
export const SECOND_NS = 1_000_000_000n;

export class Clock {
  constructor(public ms: number) {}
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Mount {
  backend: FrameworkBackend;
  storage: InmemStorage;
  clock: Clock;
  lists: ListsFeature;
  logs: LogLine[];
  tags: Map<string, VerifiedRoleTag | { error: string }>;
  call(operation: Operation, path: string, data?: Record<string, unknown>): Promise<Response | undefined>;
}

export interface MountOptions {
  start?: number;
  system?: StaticSystemView;
}

export function mount(options: MountOptions = {}): Mount {
  const storage = new InmemStorage();
  const logs: LogLine[] = [];
  const logger = recordingLogger(logs);
  const clock = new Clock(options.start ?? Date.UTC(2025, 0, 1));
  const system = options.system ?? new StaticSystemView();
  const tags = new Map<string, VerifiedRoleTag | { error: string }>();
  const verify: RoleTagVerifier = (_storage, tag) => Promise.resolve(tags.get(tag) ?? { error: "invalid tag" });
  const ctx: AwsAuthContext = { system, logger, clients: createAwsAuthClients({ storage, logger }), storage, now: clock.now };
  const lists = listsFeature(ctx, verify);
  const backend = defineBackend({ type: "credential", help: "lists", paths: lists.paths, periodic: lists.periodic, clean: lists.clean }, { storage, system, logger, backendUuid: "u", config: {} });
  const call = (operation: Operation, path: string, data?: Record<string, unknown>) =>
    backend.handleRequest(newRequest({ id: "req-1", operation, path, storage, ...(data !== undefined && { data }) }));
  return { backend, storage, clock, lists, logs, tags, call };
}

/** A role in Vault's layout with the given token_max_ttl / legacy max_ttl (nanoseconds). */
export async function putRole(storage: InmemStorage, name: string, values: { token_max_ttl?: number; max_ttl?: number } = {}): Promise<void> {
  await putJson(storage, `role/${name}`, { auth_type: "ec2", role_id: "id", role_tag: "VaultRole", hmac_key: "k", version: 3, ...values });
}

export async function stored(storage: InmemStorage, key: string): Promise<unknown> {
  const entry = await storage.get(key);
  return entry === undefined ? undefined : (JSON.parse(Buffer.from(entry.value).toString("utf8")) as unknown);
}
