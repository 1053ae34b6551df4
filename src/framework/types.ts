// The declaration types every part of the framework shares: fields, paths, operations, secrets,
// backends. Parsing (field-types.ts, field-data.ts), routing (router.ts, backend.ts), help and
// OpenAPI (help.ts, openapi.ts), leases (secret.ts, lease.ts) and auth (auth.ts) all read these.
import type { BackendType, Nanoseconds, Request, Response, SpecialPaths, Storage } from "../logical/index.js";

/**
 * Field type names. Distinct per type so OpenAPI can tell them apart; help output goes through
 * `helpTypeName`, which maps them to Vault's FieldType.String() (e.g. every list type is "slice").
 */
export type FieldTypeName =
  | "string"
  | "int"
  | "int64"
  | "bool"
  | "float"
  | "duration (sec)"
  | "signed duration (sec)"
  | "slice"
  | "string slice"
  | "comma-separated string slice"
  | "comma-separated int slice"
  | "map"
  | "keypair"
  | "header"
  | "time"
  | "name string"
  | "lowercase string";

/** UI hints Vault carries into OpenAPI `x-vault-displayAttrs` (≈ framework.DisplayAttributes). */
export interface DisplayAttributes {
  name?: string;
  description?: string;
  value?: unknown;
  sensitive?: boolean;
  navigation?: boolean;
  itemType?: string;
  group?: string;
  action?: string;
  editType?: string;
  /** Marks the field that identifies the item (the UI's key for it). */
  identifier?: boolean;
  /** Operation ID parts: `<prefix>-<verb>-<suffix>`. */
  operationPrefix?: string;
  operationVerb?: string;
  operationSuffix?: string;
}

/**
 * One declared parameter (≈ framework.FieldSchema). `T` is what the handler receives: the parsed
 * value, or the default/zero value when the caller sent nothing.
 */
export interface FieldSchema<T = unknown> {
  readonly type: FieldTypeName;
  readonly description: string;
  /** The value used when the field is absent; `undefined` means the type's zero value. */
  readonly default?: T;
  readonly required: boolean;
  readonly allowedValues?: readonly unknown[];
  readonly deprecated: boolean;
  /** Sent as a URL query parameter in OpenAPI rather than in the body. */
  readonly query: boolean;
  readonly displayAttrs?: DisplayAttributes;
  /** Coerces a raw JSON value with Vault's weak rules; throws FieldParseError. */
  parse(raw: unknown): T;
  /** The zero value of the type (Go's zero for the corresponding Go type). */
  zero(): T;
}

/** The type a field hands its handler. */
export type FieldValue<S> = S extends FieldSchema<infer T> ? T : never;

export type FieldSchemas = Record<string, FieldSchema>;

/** Raised by `FieldSchema.parse`; the message names the field and what is allowed. */
export class FieldParseError extends Error {
  override readonly name = "FieldParseError";
}

/** Typed, validated access to a request's fields (≈ framework.FieldData). */
export interface FieldData<F extends FieldSchemas> {
  /** Parsed value, or the default/zero when absent. */
  get<K extends keyof F & string>(name: K): FieldValue<F[K]>;
  /** Parsed value and whether the caller sent it. */
  getOk<K extends keyof F & string>(name: K): { value: FieldValue<F[K]>; ok: boolean };
  /** The raw request data merged with URL captures. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export type Handler<F extends FieldSchemas> = (request: Request, data: FieldData<F>) => Promise<Response | undefined>;

export type ExistenceCheck<F extends FieldSchemas> = (request: Request, data: FieldData<F>) => Promise<boolean>;

/** The operations a path can declare. */
export type PathOperation = "read" | "list" | "create" | "update" | "patch" | "delete" | "alias-lookahead" | "resolve-role";

/** Response documentation for OpenAPI. */
export interface ResponseSpec {
  description: string;
  fields?: FieldSchemas;
}

export interface OperationSpec<F extends FieldSchemas> {
  handler: Handler<F>;
  summary?: string;
  description?: string;
  displayAttrs?: DisplayAttributes;
  deprecated?: boolean;
  /** Keyed by HTTP status. */
  responses?: Record<number, ResponseSpec[]>;
  /**
   * The operation writes (or issues something whose lease must be written), so a standby node
   * serving reads answers ReadOnlyError before the handler runs and the host forwards the request
   * to the active node (≈ framework.OperationProperties.ForwardPerformanceStandby).
   */
  forwardPerformanceStandby?: boolean;
  /** The same on a performance secondary, unless the mount is local (ForwardPerformanceSecondary). */
  forwardPerformanceSecondary?: boolean;
}

export type Operations<F extends FieldSchemas> = Partial<Record<PathOperation, Handler<F> | OperationSpec<F>>>;

/** One route of a backend (≈ framework.Path). */
export interface PathSpec<F extends FieldSchemas = FieldSchemas> {
  /** Regular expression source without anchors; named groups become fields. */
  pattern: string;
  fields: F;
  operations: Operations<F>;
  /** Decides create vs update for writes; required when `create` is declared. */
  existenceCheck?: ExistenceCheck<F>;
  helpSynopsis: string;
  helpDescription: string;
  displayAttrs?: DisplayAttributes;
  deprecated?: boolean;
  /** Accept any parameter without the unknown-parameter warning. */
  takesArbitraryInput?: boolean;
}

/** A leased secret type (≈ framework.Secret). */
export interface SecretSpec {
  /** Stamped into internal data as `secret_type`; renew/revoke dispatch on it. */
  type: string;
  fields?: FieldSchemas;
  /** TTL put on new secrets of this type when the handler sets none. */
  defaultTtl?: Nanoseconds;
  renew?: (request: Request) => Promise<Response | undefined>;
  revoke?: (request: Request) => Promise<Response | undefined>;
}

/** A WAL rollback for one kind of entry; `data` is what was written with the entry. */
export type WalRollback = (request: Request, data: unknown) => Promise<void>;

/** A whole engine (≈ framework.Backend). */
export interface BackendSpec {
  type: BackendType;
  /** Root help text (`vault path-help <mount>`). */
  help: string;
  // Each path keeps its own field types; the list only needs their common shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- variance: handlers take narrower FieldData
  paths: PathSpec<any>[];
  secrets?: SecretSpec[];
  specialPaths?: SpecialPaths;
  /** Called once storage is writable (Initialize). */
  initialize?: (storage: Storage) => Promise<void>;
  /** Run on every `rollback` operation (Vault sends one a minute). */
  periodic?: (request: Request) => Promise<void>;
  /** Rollback handlers per WAL kind. */
  walRollback?: Record<string, WalRollback>;
  /** Entries younger than this are left alone (Vault's default: 10 minutes). */
  walRollbackMinAgeMs?: number;
  invalidate?: (key: string) => Promise<void>;
  clean?: () => Promise<void>;
  /** Token renewal for auth methods. */
  authRenew?: (request: Request) => Promise<Response | undefined>;
}
