import type { Auth, Secret } from "./lease.js";
import type { Operation } from "./operation.js";
import type { Storage } from "./storage.js";

/** The caller's connection as Vault saw it. */
export interface Connection {
  remoteAddr: string;
  remotePort: number;
  /** DER certificates the client presented over TLS, if any. */
  peerCertificates: Uint8Array[];
}

/** A request routed to the backend (≈ Vault `logical.Request`), already free of proto types. */
export interface Request {
  id: string;
  operation: Operation;
  /** Path relative to the mount ("" for the root, rollback and root help). */
  path: string;
  /** Parsed JSON body / query parameters; `undefined` when Vault sent none. */
  data: Record<string, unknown> | undefined;
  storage: Storage;
  secret?: Secret;
  auth?: Auth;
  headers: Record<string, string[]>;
  clientToken: string;
  clientTokenAccessor: string;
  displayName: string;
  mountPoint: string;
  mountType: string;
  mountAccessor: string;
  entityId: string;
  unauthenticated: boolean;
  connection?: Connection;
  /** Set when the client asked for a response-wrapped reply. */
  wrapTtl?: bigint;
  /**
   * Aborts when nobody waits for the answer any more: the host gave up (its request timeout, the
   * client hanging up) or the call's deadline passed. Handlers pass it to every outside call (AWS
   * SDK `abortSignal`) and stop at the next step; whatever they created is then left to the WAL
   * rollback. Absent for internal dispatch, which nobody cancels.
   */
  signal?: AbortSignal;
}

/** A request with sensible blanks, for tests and internal dispatch. */
export function newRequest(fields: Pick<Request, "operation" | "path" | "storage"> & Partial<Request>): Request {
  return {
    id: "",
    data: undefined,
    headers: {},
    clientToken: "",
    clientTokenAccessor: "",
    displayName: "",
    mountPoint: "",
    mountType: "",
    mountAccessor: "",
    entityId: "",
    unauthenticated: false,
    ...fields,
  };
}
