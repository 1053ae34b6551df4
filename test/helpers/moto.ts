// Typed access to scripts/lib/moto.mjs (plain JS without declarations), as test/e2e/lib.ts does for
// openbao.mjs: the module is loaded with a computed specifier so the type checker does not try to
// resolve the .mjs file; the interfaces below describe what it exports.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** An access key pair in the AWS SDK's shape. */
export interface AwsKeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface MotoServer {
  /** http://127.0.0.1:<port> — IAM, STS and every other service moto emulates. */
  endpoint: string;
  port: number;
  pid: number;
  /** Whether moto checks SigV4 signatures and IAM policies. */
  sigv4: boolean;
  logFile: string;
  tmpDir: string;
  /**
   * The key of the allow-all IAM user `vnp-moto-admin` created at start. With sigv4 on it is the
   * only key moto accepts until a test creates more. Stays valid across reset().
   */
  rootCredentials: AwsKeyPair;
  /** The allow-all admin's key in each of `extraAccounts` (same user name), by account id. */
  accountCredentials: Record<string, AwsKeyPair>;
  /** Wipe all moto state and re-create the admin (same key). Not while requests are in flight. */
  reset(): Promise<{ credentialsChanged: boolean }>;
  stop(opts?: { keepTmp?: boolean }): Promise<void>;
  logTail(lines?: number): string;
}

export interface StartMotoOptions {
  /** Check SigV4 signatures and IAM policies (default false). */
  sigv4?: boolean;
  /** Account ids (12 digits) besides moto's default 123456789012 that get an admin of their own. */
  extraAccounts?: string[];
  log?: (msg: string) => void;
  /** Extra environment for moto_server, e.g. { MOTO_IAM_LOAD_MANAGED_POLICIES: "true" }. */
  env?: Record<string, string>;
  bin?: string;
  startTimeoutMs?: number;
  keepTmp?: boolean;
}

interface MotoLib {
  startMoto: (opts?: StartMotoOptions) => Promise<MotoServer>;
  ADMIN_USER: string;
}

interface ToolsLib {
  ensureMoto: () => Promise<string>;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const lib = (await import(pathToFileURL(path.join(REPO_ROOT, "scripts", "lib", "moto.mjs")).href)) as MotoLib;
const tools = (await import(pathToFileURL(path.join(REPO_ROOT, "scripts", "lib", "tools.mjs")).href)) as ToolsLib;

/** Start moto on a free 127.0.0.1 port (installs the pinned moto on first use: allow ~1 min). */
export const startMoto = lib.startMoto;
/** Name of the IAM user behind `rootCredentials`. */
export const MOTO_ADMIN_USER = lib.ADMIN_USER;
/** Path of the pinned moto_server (installing it on first use). */
export const ensureMoto = tools.ensureMoto;
/** Enough for a first-time install of moto plus its start. */
export const MOTO_START_TIMEOUT_MS = 300_000;
