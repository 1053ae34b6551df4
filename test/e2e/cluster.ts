// Typed access to scripts/lib/openbao-cluster.mjs (a three-node OpenBao cluster on Raft) for the
// HA e2e suite; loaded with a computed specifier, as lib.ts does for openbao.mjs.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT, type CliResult, type HttpResult } from "./lib.js";

export interface ClusterNode {
  name: string;
  addr: string;
  pid: number;
  pluginDir: string;
  logFile: string;
  readonly alive: boolean;
  health(): Promise<{ status: number; json: Record<string, unknown> | null }>;
  cli(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
  http(method: string, path: string, body?: unknown, opts?: { token?: string; timeoutMs?: number }): Promise<HttpResult>;
  logText(): string;
}

export interface Cluster {
  nodes: ClusterNode[];
  token: string;
  tmpDir: string;
  active(timeoutMs?: number): Promise<ClusterNode>;
  standbys(): Promise<ClusterNode[]>;
  registerPlugin(spec: { file: string; type: "secret" | "auth"; name: string; mountPath: string; mount?: boolean }): Promise<unknown>;
  kill(node: ClusterNode): Promise<void>;
  stop(opts?: { keepTmp?: boolean }): Promise<void>;
}

interface ClusterLib {
  startCluster: (opts?: { size?: number; log?: (msg: string) => void; startTimeoutMs?: number; keepTmp?: boolean }) => Promise<Cluster>;
}

const lib = (await import(pathToFileURL(path.join(REPO_ROOT, "scripts", "lib", "openbao-cluster.mjs")).href)) as ClusterLib;

export const startCluster = lib.startCluster;
