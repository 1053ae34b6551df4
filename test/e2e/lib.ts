// Typed access to scripts/lib/openbao.mjs (plain JS without declarations) for the e2e tests, plus
// small helpers. The module is loaded with a computed specifier so the type checker does not try to
// resolve the .mjs file; the interfaces below describe what it exports.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Body of a Vault API response (or an error response). */
export interface VaultBody {
  data?: Record<string, unknown> | null;
  errors?: string[];
  warnings?: string[] | null;
  [key: string]: unknown;
}

export interface HttpResult {
  status: number;
  json: VaultBody | null;
  text: string;
}

export interface ProcessInfo {
  pid: number;
  args: string[];
}

export interface DevServer {
  addr: string;
  token: string;
  bin: string;
  pid: number;
  pluginDir: string;
  tmpDir: string;
  logFile: string;
  env: Record<string, string>;
  cli(args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number; input?: string }): Promise<CliResult>;
  http(
    method: string,
    path: string,
    body?: unknown,
    opts?: { token?: string; headers?: Record<string, string>; timeoutMs?: number },
  ): Promise<HttpResult>;
  pluginProcesses(basename?: string): ProcessInfo[];
  logTail(lines?: number): string;
  stop(opts?: { keepTmp?: boolean }): Promise<void>;
}

export interface PluginSpec {
  file: string;
  type: 'secret' | 'auth';
  name: string;
  mountPath?: string;
  version?: string;
  mount?: boolean;
}

export interface MountedPlugin {
  name: string;
  type: 'secret' | 'auth';
  mountPath: string;
  version: string;
  sha256: string;
  command: string;
  file: string;
}

export interface StartOptions {
  plugins?: (string | { file: string })[];
  port?: number;
  log?: (msg: string) => void;
  logLevel?: string;
  bin?: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
  keepTmp?: boolean;
  /** Enable sys/raw on the server (raw_storage_endpoint). */
  rawStorage?: boolean;
}

interface OpenBaoLib {
  startServer: (opts?: StartOptions) => Promise<DevServer>;
  registerAndMount: (server: DevServer, spec: PluginSpec) => Promise<MountedPlugin>;
  defaultPluginVersion: () => string;
  sha256File: (file: string) => string;
  findProcessesUsing: (dir: string, basename?: string) => ProcessInfo[];
  pluginFromFile: (file: string) => PluginSpec | null;
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = path.join(REPO_ROOT, 'dist');

const libUrl: string = pathToFileURL(path.join(REPO_ROOT, 'scripts', 'lib', 'openbao.mjs')).href;
const lib = (await import(libUrl)) as OpenBaoLib;

export const startServer = lib.startServer;
export const registerAndMount = lib.registerAndMount;
export const defaultPluginVersion = lib.defaultPluginVersion;
export const sha256File = lib.sha256File;
export const findProcessesUsing = lib.findProcessesUsing;
export const pluginFromFile = lib.pluginFromFile;

/** Path of a built plugin; throws a clear error when `npm run build` has not produced it. */
export function requireDistFile(name: string): string {
  const file = path.join(DIST, name);
  let ok: boolean;
  try {
    ok = fs.statSync(file).isFile();
  } catch {
    ok = false;
  }
  if (!ok) throw new Error(`${file} does not exist: run \`npm run build\` before the e2e tests`);
  return file;
}

interface GoReferenceLib {
  goReferenceLocation: () => { path: string; source: string };
  isExecutableFile: (file: string) => boolean;
}
const goReferenceLib = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'lib', 'go-reference.mjs')).href)) as GoReferenceLib;

/**
 * The Go reference plugin (Vault's builtin AWS secrets engine as an external plugin): the file
 * `npm test` passes in VNP_REFERENCE_SECRETS_AWS, else where scripts/lib/go-reference.mjs keeps
 * it (VNP_GO_REFERENCE, else the cached build). Throws naming the file and how to get it when it
 * is missing, so a comparison fails instead of being skipped.
 */
export function requireGoReference(): string {
  const given = process.env['VNP_REFERENCE_SECRETS_AWS'];
  const { path: file, source } = given ? { path: path.resolve(given), source: 'VNP_REFERENCE_SECRETS_AWS' } : goReferenceLib.goReferenceLocation();
  if (!goReferenceLib.isExecutableFile(file)) {
    throw new Error(`Go reference plugin ${file} (from ${source}) is missing or not executable: \`npm run tools\` or \`npm test\` builds it`);
  }
  return file;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` until it returns a truthy value (returned) or `timeoutMs` passes (last error/value thrown). */
type Falsy = undefined | null | false | 0 | '';

export async function waitFor<T>(
  what: string,
  fn: () => T | Falsy | Promise<T | Falsy>,
  { timeoutMs = 10_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await sleep(intervalMs);
  }
}

/** Parse the stdout of a `-format=json` CLI call, with the full output in the error when that fails. */
export function parseCliJson<T = VaultBody>(res: CliResult): T {
  if (res.code !== 0) throw new Error(`CLI exit ${res.code}:\n${res.stdout}${res.stderr}`);
  try {
    return JSON.parse(res.stdout) as T;
  } catch {
    throw new Error(`CLI output is not JSON:\n${res.stdout}${res.stderr}`);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0); treat it as gone.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** True once the process table has no entry for `pid` at all (exited AND reaped by its parent). */
export function isReaped(pid: number): boolean {
  return !fs.existsSync(`/proc/${pid}`);
}

/**
 * An accessor for something a suite's beforeAll starts: it returns the value, or throws a clear
 * error when setup did not get that far (the beforeAll's own failure is reported separately).
 */
export function started<T>(get: () => T | undefined, what: string): () => T {
  return () => {
    const value = get();
    if (value === undefined) throw new Error(`${what} did not start (see beforeAll)`);
    return value;
  };
}

/** Runs the server's CLI and resolves its stdout; a non-zero exit fails with the command and output. */
export async function cliOk(server: DevServer, args: string[]): Promise<string> {
  const res = await server.cli(args);
  if (res.code !== 0) throw new Error(`bao ${args.join(' ')} exited ${res.code}\n${res.stdout}${res.stderr}`);
  return res.stdout;
}
