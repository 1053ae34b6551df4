// AWS failures as logical errors (features.md A.6), classified in this one place for every call
// site of the engine; call sites add their step text with awsFailure ("Error creating IAM user: …").
// Every failure gets one class, and its message one shape, "<call>: <what happened>" (the call
// when known, e.g. "IAM CreateUser"):
//   class         kind (HTTP)   what happened
//   denied        user (400)    "<AWS code>: <AWS message>"  (AccessDenied, bad or expired keys, HTTP 403)
//   not_found     user (400)    "<AWS code>: <AWS message>"  (NoSuchEntity, HTTP 404)
//   rejected      user (400)    "<AWS code>: <AWS message>"  (any other AWS client error: EntityAlreadyExists,
//                                                            MalformedPolicyDocument, LimitExceeded, …)
//   no_credentials user (400)   the default credential chain found nothing: the mount is not configured
//   throttled     internal (500) "<AWS code>: <AWS message>" (exactly aws-sdk-go v1's throttle codes,
//                                                            which upstream's awsutil.CheckAWSError tests)
//   unreachable   internal (500) "AWS could not be reached: <reason> (<n> attempts)"
//   timed_out     internal (500) "AWS did not answer in time: <reason> (<n> attempts)"
//   aws_error     internal (500) "AWS failed (HTTP <status>, <code>): <AWS message>"
//   unreadable    internal (500) "AWS's answer could not be read (HTTP <status>): <reason>"
//   cancelled     internal (500) "the request was cancelled before AWS answered"
// How a path answers them is upstream's choice per path: credential issuance answers every AWS
// failure as an error response (400) and throttling as logical.ErrUpstreamRateLimited, which Vault
// answers with 502 (awsIssuanceFailure); elsewhere upstream returns the error itself (500), which
// the internal kind gives, except that AWS's client errors stay user errors here.
// Errors are recognised by shape (`$fault`, `$metadata`, `Code`), never by class, so this module
// works for every SDK client and needs no import from the SDK's internal packages.
import { errorResponse, LogicalError, UpstreamRateLimitedError, type Response } from "../logical/index.js";

/** What went wrong with an AWS call; see the table at the top of this file. */
export type AwsFailureClass =
  | "denied"
  | "not_found"
  | "rejected"
  | "no_credentials"
  | "throttled"
  | "unreachable"
  | "timed_out"
  | "aws_error"
  | "unreadable"
  | "cancelled";

/** A classified AWS failure; `kind` is "user" (400) or "internal" (500). */
export class AwsApiError extends LogicalError {
  declare readonly kind: "user" | "internal";

  constructor(
    kind: "user" | "internal",
    message: string,
    /** AWS's error code (e.g. "NoSuchEntity"), when AWS answered with one. */
    readonly awsCode: string | undefined,
    /** The call that failed, e.g. "IAM CreateUser", when known. */
    readonly action: string | undefined,
    /** HTTP status AWS answered with, when it answered at all. */
    readonly httpStatus: number | undefined,
    /** What went wrong. */
    readonly failure: AwsFailureClass = kind === "user" ? "rejected" : "aws_error",
  ) {
    super(kind, message);
  }
}

// aws-sdk-go v1 request.IsErrorThrottle's codes: what upstream's awsutil.CheckAWSError tests. It
// looks at the code only (no HTTP 429 rule). IAM's own quota error is `LimitExceeded` (no suffix):
// a client error, deliberately absent here.
const THROTTLING_CODES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "PriorRequestNotComplete",
  "TransactionInProgressException",
  "EC2ThrottledException",
]);

// Node socket errors: the request never got an AWS answer. ETIMEDOUT is a timeout (below).
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"]);

// AWS's codes for "these credentials may not do this" (IAM/STS query codes and the JSON protocols'
// names): the caller's keys or policies, not the request, are what to fix.
const DENIED_CODES = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "ExpiredToken",
  "ExpiredTokenException",
  "UnrecognizedClientException",
  "AuthFailure",
  "MissingAuthenticationToken",
]);

interface ErrorShape {
  name?: unknown;
  $metadata?: { httpStatusCode?: unknown; attempts?: unknown };
  message?: unknown;
  code?: unknown;
  Code?: unknown;
  Error?: { Code?: unknown; Message?: unknown };
  $fault?: unknown;
}

function shape(err: unknown): ErrorShape | undefined {
  return typeof err === "object" && err !== null ? err : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** True for an error the SDK built from an AWS error answer (it has a fault side). */
function isServiceError(e: ErrorShape): boolean {
  return e.$fault === "client" || e.$fault === "server";
}

// Which call failed: the client adapters tag errors on their way out, without touching the SDK's
// error objects (they may be shared or frozen).
const actions = new WeakMap<object, string>();

/** Remember that `err` came from `action` (e.g. "IAM CreateUser"); returns `err`. */
export function tagAwsAction<T>(err: T, action: string): T {
  if (typeof err === "object" && err !== null && !actions.has(err)) actions.set(err, action);
  return err;
}

/** The call an error was tagged with by tagAwsAction, if any. */
export function awsActionOf(err: unknown): string | undefined {
  if (err instanceof AwsApiError) return err.action;
  return typeof err === "object" && err !== null ? actions.get(err) : undefined;
}

/**
 * AWS's error code as AWS spells it ("NoSuchEntity", "AccessDenied", …), or undefined when the
 * error is not an AWS answer. Query-protocol services (IAM, STS) carry it in `Code`; the v3 SDK's
 * modeled classes are named with an "Exception" suffix, so `name` is only the fallback (JSON
 * protocols, where name and code coincide).
 */
export function awsErrorCode(err: unknown): string | undefined {
  if (err instanceof AwsApiError) return err.awsCode;
  const e = shape(err);
  if (!e) return undefined;
  const code = str(e.Code) ?? str(e.Error?.Code);
  if (code) return code;
  return isServiceError(e) ? str(e.name) : undefined;
}

/** HTTP status of the AWS answer behind `err`, if there was one. */
export function awsHttpStatus(err: unknown): number | undefined {
  if (err instanceof AwsApiError) return err.httpStatus;
  const status = shape(err)?.$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

/** The entity (user, policy, group, …) does not exist. */
export function isNoSuchEntity(err: unknown): boolean {
  return awsErrorCode(err) === "NoSuchEntity";
}

/** AWS asked us to slow down (upstream's awsutil.CheckAWSError). */
export function isThrottling(err: unknown): boolean {
  const code = awsErrorCode(err);
  return code !== undefined && THROTTLING_CODES.has(code);
}

function messageOf(e: ErrorShape | undefined, err: unknown): string {
  return str(e?.message) ?? str(e?.Error?.Message) ?? String(err);
}

/** " (3 attempts)" when the SDK tried more than once, so an operator sees retries were made. */
function attemptsNote(e: ErrorShape | undefined): string {
  const attempts = e?.$metadata?.attempts;
  return typeof attempts === "number" && attempts > 1 ? ` (${attempts} attempts)` : "";
}

/** The class of an AWS answer the SDK could read (it has a fault side). */
function serviceFailureClass(code: string | undefined, status: number | undefined, clientSide: boolean): AwsFailureClass {
  if (!clientSide) return "aws_error";
  if ((code !== undefined && DENIED_CODES.has(code)) || status === 403) return "denied";
  if (code === "NoSuchEntity" || status === 404) return "not_found";
  return "rejected";
}

/** The class of a failure without a readable AWS answer: socket, timeout, cancellation, other. */
function transportFailureClass(e: ErrorShape | undefined): "unreachable" | "timed_out" | "cancelled" | undefined {
  const name = str(e?.name);
  const code = str(e?.code);
  if (name === "AbortError") return "cancelled";
  if (name === "TimeoutError" || code === "ETIMEDOUT") {
    // The SDK's connection timeout means no connection was made: unreachable, not slow.
    return /establish a connection/.test(messageOf(e, e)) ? "unreachable" : "timed_out";
  }
  return code !== undefined && NETWORK_CODES.has(code) ? "unreachable" : undefined;
}

/**
 * Turn anything an AWS call threw into a LogicalError. `action` (e.g. "IAM CreateUser") names the
 * call in the message; without it, the tag left by the client adapter is used.
 */
export function classifyAwsError(err: unknown, action?: string): LogicalError {
  if (err instanceof LogicalError) return err;
  const e = shape(err);
  const call = action ?? awsActionOf(err);
  const lead = `${call ?? "AWS call"}: `;
  const code = awsErrorCode(err);
  const status = awsHttpStatus(err);
  const message = messageOf(e, err);
  const fail = (kind: "user" | "internal", failure: AwsFailureClass, text: string): AwsApiError =>
    new AwsApiError(kind, text, code, call, status, failure);

  if (isThrottling(err)) return fail("internal", "throttled", `${call ? `${call}: ` : ""}${code ?? "Throttling"}: ${message}`);
  if (e && isServiceError(e)) {
    const clientSide = e.$fault === "client" && (status === undefined || status < 500);
    const failure = serviceFailureClass(code, status, clientSide);
    // Upstream's text names the operation too ("operation error IAM: CreateUser, … NoSuchEntity: …");
    // the path adds its own step text in front ("Error creating IAM user: …").
    if (clientSide) return fail("user", failure, `${call ? `${call}: ` : ""}${code ?? "Error"}: ${message}`);
    return fail("internal", failure, `${lead}AWS failed (HTTP ${status ?? "?"}${code ? `, ${code}` : ""}): ${message}`);
  }
  if (status !== undefined) {
    // An answer the SDK could not read (HTML error page, truncated body): say so, with the status.
    const firstLine = message.split("\n")[0] ?? message;
    return fail("internal", "unreadable", `${lead}AWS's answer could not be read (HTTP ${status}): ${firstLine}`);
  }
  if (str(e?.name) === "CredentialsProviderError") {
    return fail(
      "user",
      "no_credentials",
      `no AWS credentials for ${call ?? "the AWS call"}: config/root has no access_key/secret_key and the default credential chain (environment, shared files, ECS/IMDS) found none: ${message}`,
    );
  }
  switch (transportFailureClass(e)) {
    case "unreachable":
      return fail("internal", "unreachable", `${lead}AWS could not be reached: ${message}${attemptsNote(e)}`);
    case "timed_out":
      return fail("internal", "timed_out", `${lead}AWS did not answer in time: ${message}${attemptsNote(e)}`);
    case "cancelled":
      return fail("internal", "cancelled", `${lead}the request was cancelled before AWS answered`);
    case undefined:
      return fail("internal", "aws_error", `${lead}failed: ${message}`);
  }
}

/**
 * The one wrapper every AWS call site uses: classifies `err` (see above) and puts the call site's
 * step text in front ("Error creating IAM user: IAM CreateUser: EntityAlreadyExists: …"). A failure
 * that is already a LogicalError but not an AWS one (e.g. a storage failure) keeps its kind.
 */
export function awsFailure(prefix: string, err: unknown, action?: string): LogicalError {
  const classified = classifyAwsError(err, action);
  const message = prefix === "" ? classified.message : `${prefix}: ${classified.message}`;
  if (classified instanceof AwsApiError) {
    return new AwsApiError(classified.kind, message, classified.awsCode, classified.action, classified.httpStatus, classified.failure);
  }
  return new LogicalError(classified.kind, message, classified.code);
}

/**
 * How credential issuance answers an AWS failure, as upstream's creds path does with
 * `logical.ErrorResponse(text), awsutil.CheckAWSError(err)`: an error response with the text
 * (HTTP 400) whatever AWS said — throttling excepted, which is thrown as upstream-rate-limited so
 * that Vault answers 502 with the same text. Anything that is not an AWS failure is undefined.
 */
export function awsIssuanceFailure(err: unknown): Response | undefined {
  if (!(err instanceof AwsApiError)) return undefined;
  if (err.failure === "throttled") throw new UpstreamRateLimitedError(err.message);
  return errorResponse(err.message);
}
