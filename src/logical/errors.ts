/**
 * The closed set of errors a backend can raise (≈ Vault `sdk/logical/errors.go`). The gRPC layer
 * maps each kind to its `ProtoError` type; anything else becomes an internal error (500).
 */
export type LogicalErrorKind =
  | "unsupported-operation"
  | "unsupported-path"
  | "invalid-request"
  | "permission-denied"
  | "unrecoverable"
  | "user"
  | "internal"
  | "coded"
  | "bad-request"
  | "upstream-rate-limited"
  | "read-only";

export class LogicalError extends Error {
  override readonly name = "LogicalError";

  constructor(
    readonly kind: LogicalErrorKind,
    message: string,
    /** HTTP status, only for `coded`. */
    readonly code = 0,
  ) {
    super(message);
  }
}

/** The operation is not declared on the path (HTTP 405). */
export class UnsupportedOperationError extends LogicalError {
  constructor() {
    super("unsupported-operation", "unsupported operation");
  }
}

/** No path matches (HTTP 404). */
export class UnsupportedPathError extends LogicalError {
  constructor() {
    super("unsupported-path", "unsupported path");
  }
}

/** A malformed request (HTTP 400); on revoke it makes the lease irrevocable at once. */
export class InvalidRequestError extends LogicalError {
  constructor() {
    super("invalid-request", "invalid request");
  }
}

export class PermissionDeniedError extends LogicalError {
  constructor() {
    super("permission-denied", "permission denied");
  }
}

/** Tells Vault to stop retrying a revocation. */
export class UnrecoverableError extends LogicalError {
  constructor() {
    super("unrecoverable", "unrecoverable error");
  }
}

/** A problem with the caller's input that is raised rather than returned as an error response. */
export class UserError extends LogicalError {
  constructor(message: string) {
    super("user", message);
  }
}

/** An explicit HTTP status with a message (≈ `logical.CodedError`). */
export class CodedError extends LogicalError {
  constructor(status: number, message: string) {
    super("coded", message, status);
  }
}

/** Vault's text of `logical.ErrUpstreamRateLimited`, the sentinel it answers with HTTP 502. */
export const UPSTREAM_RATE_LIMITED = "upstream rate limited";

/**
 * A service the backend called (AWS, …) throttled it. Upstream returns an error response with
 * `message` together with `logical.ErrUpstreamRateLimited`; Vault then answers HTTP 502 whose
 * body carries `message`. The gRPC layer sends both halves.
 */
export class UpstreamRateLimitedError extends LogicalError {
  constructor(message: string) {
    super("upstream-rate-limited", message);
  }
}

/** Vault's text of `logical.ErrReadOnly`; OpenBao and Vault recognise it by this text. */
export const READ_ONLY_STORAGE = "cannot write to readonly storage";

/**
 * This node must not do the work (a standby, or a performance secondary of a replicated mount):
 * the host forwards the whole request to the active node (≈ `logical.ErrReadOnly`). Raised before
 * any side effect, so the forwarded request is the only one that acts.
 */
export class ReadOnlyError extends LogicalError {
  constructor() {
    super("read-only", READ_ONLY_STORAGE);
  }
}

/** Normalises anything thrown into a LogicalError; unknown failures become `internal`. */
export function toLogicalError(err: unknown): LogicalError {
  if (err instanceof LogicalError) return err;
  if (err instanceof Error) return new LogicalError("internal", err.message);
  return new LogicalError("internal", String(err));
}
