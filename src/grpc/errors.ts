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

/**
 * Longest error text sent to Vault. Engines quote user input bounded (framework/error-text.ts);
 * this is the backstop for any text that still grew with its input, since Vault logs and returns
 * error texts whole.
 */
export const MAX_ERROR_TEXT = 16 * 1024;

/** `text` cut to MAX_ERROR_TEXT characters, saying how much was left out. */
export function boundErrorText(text: string): string {
  if (text.length <= MAX_ERROR_TEXT) return text;
  return `${text.slice(0, MAX_ERROR_TEXT)}... (${text.length - MAX_ERROR_TEXT} more characters)`;
}

export function toProtoError(err: unknown): ProtoError {
  const logical = toLogicalError(err);
  // The message of a rate-limited failure travels in the reply's error response instead.
  const message = boundErrorText(logical.kind === "upstream-rate-limited" ? UPSTREAM_RATE_LIMITED : logical.message);
  return { err_type: PROTO_ERROR_TYPES[logical.kind], err_msg: message, err_code: String(logical.code) };
}
