// The error table between logical errors and `pb.ProtoError` (protocol.md §5.6). For the
// sentinel types (5–10) Vault ignores err_msg and rebuilds its own sentinel, which keeps
// identity checks like `err == logical.ErrUnsupportedOperation` working across the wire.
import type { ProtoError } from "../generated/pb/ProtoError.js";
import { toLogicalError, UPSTREAM_RATE_LIMITED, type LogicalErrorKind } from "../logical/index.js";

export const PROTO_ERROR_TYPES: Record<LogicalErrorKind, number> = {
  user: 1,
  internal: 2,
  coded: 3,
  "bad-request": 4,
  "unsupported-operation": 5,
  "unsupported-path": 6,
  "invalid-request": 7,
  "permission-denied": 8,
  unrecoverable: 10,
  // ErrTypeUnknown: Vault rebuilds it as errors.New(err_msg), and matches the sentinel by text.
  "upstream-rate-limited": 0,
  // Vault's plugin client rebuilds ErrTypeUnknown as errors.New(err_msg); core decides to forward
  // by the text (OpenBao's logical.ShouldForward), so the message must stay Vault's exactly.
  "read-only": 0,
};

export function toProtoError(err: unknown): ProtoError {
  const logical = toLogicalError(err);
  // The message of a rate-limited failure travels in the reply's error response instead.
  const message = logical.kind === "upstream-rate-limited" ? UPSTREAM_RATE_LIMITED : logical.message;
  return { err_type: PROTO_ERROR_TYPES[logical.kind], err_msg: message, err_code: String(logical.code) };
}
