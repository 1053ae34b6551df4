import type { Request } from "./request.js";
import type { Response } from "./response.js";
import type { SpecialPaths } from "./paths.js";
import type { Storage } from "./storage.js";
import type { SystemView } from "./system-view.js";

/** 1 = secrets engine, 2 = auth method (protocol.md §5.7). */
export type BackendType = "logical" | "credential";

/** Result of an existence check; `found: false` means the path declares none. */
export interface ExistenceResult {
  found: boolean;
  exists: boolean;
}

/** Minimal structured logger handed to backends; goes to Vault's log via stderr. */
export interface Logger {
  trace(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  named(name: string): Logger;
}

/** What Vault hands a backend at Setup (≈ `logical.BackendConfig`). */
export interface BackendConfig {
  storage: Storage;
  system: SystemView;
  logger: Logger;
  backendUuid: string;
  /** Mount options plus `plugin_name`, `plugin_type`, `plugin_version`. */
  config: Record<string, string>;
}

/**
 * A backend instance as the transport sees it (≈ Vault `logical.Backend`). One exists per mount;
 * the gRPC layer owns the mapping from mounts to instances.
 */
export interface Backend {
  readonly type: BackendType;
  specialPaths(): SpecialPaths;
  /** Called once after Setup; storage is writable from here on. */
  initialize(storage: Storage): Promise<void>;
  /** Throws a LogicalError (or anything) on failure; an error response is a normal return. */
  handleRequest(request: Request): Promise<Response | undefined>;
  handleExistenceCheck(request: Request): Promise<ExistenceResult>;
  invalidateKey(key: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Builds one backend instance for a mount. Must not write to storage (Vault refuses it in Setup). */
export type BackendFactory = (config: BackendConfig) => Promise<Backend>;
