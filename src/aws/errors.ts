// AWS failures as logical errors (features.md A.6), classified in this one place for every call
// site of the engine; call sites add their step text with awsFailure ("Error creating IAM user: …").
//   * an AWS client error (4xx: NoSuchEntity, EntityAlreadyExists, MalformedPolicyDocument,
//     AccessDenied, LimitExceeded, ValidationError, InvalidInput, DeleteConflict, …) → a user error
//     (HTTP 400) reading "[<call>: ]<AWS code>: <AWS message>" (the call when known, e.g.
//     "IAM CreateUser");
//   * throttling (exactly aws-sdk-go v1's throttle codes, which upstream's awsutil.CheckAWSError
//     tests) → an internal error in the same "<call>: <code>: <message>" form, recognisable with
//     isThrottling;
//   * AWS 5xx, unreadable answers and network failures → an internal error (HTTP 500) that names
//     the call and says what went wrong, so an operator can tell "AWS said no" from "AWS could not
//     be asked";
//   * no credentials found by the default chain → a user error: the mount is not configured.
// How a path answers them is upstream's choice per path: credential issuance answers every AWS
// failure as an error response (400) and throttling as logical.ErrUpstreamRateLimited, which Vault
// answers with 502 (awsIssuanceFailure); elsewhere upstream returns the error itself (500), which
// the internal kind gives, except that AWS's client errors stay user errors here.
// Errors are recognised by shape (`$fault`, `$metadata`, `Code`), never by class, so this module
// works for every SDK client and needs no import from the SDK's internal packages.
import { errorResponse, LogicalError, UpstreamRateLimitedError, type Response } from "../logical/index.js";

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

// Node socket errors: the request never got an AWS answer.
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"]);

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  Code?: unknown;
  Error?: { Code?: unknown; Message?: unknown };
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
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

/**
 * Turn anything an AWS call threw into a LogicalError. `action` (e.g. "IAM CreateUser") names the
 * call in the message; without it, the tag left by the client adapter is used.
 */
export function classifyAwsError(err: unknown, action?: string): LogicalError {
  if (err instanceof LogicalError) return err;
  const e = shape(err);
  const call = action ?? awsActionOf(err);
  const what = call ? `AWS ${call}` : "AWS call";
  const code = awsErrorCode(err);
  const status = awsHttpStatus(err);
  const message = messageOf(e, err);

  if (isThrottling(err)) {
    return new AwsApiError("internal", `${call ? `${call}: ` : ""}${code ?? "Throttling"}: ${message}`, code, call, status);
  }
  if (e && isServiceError(e)) {
    const clientSide = e.$fault === "client" && (status === undefined || status < 500);
    // Upstream's text names the operation too ("operation error IAM: CreateUser, … NoSuchEntity: …");
    // the path adds its own step text in front ("Error creating IAM user: …").
    if (clientSide) return new AwsApiError("user", `${call ? `${call}: ` : ""}${code ?? "Error"}: ${message}`, code, call, status);
    return new AwsApiError("internal", `${what} failed on the AWS side (HTTP ${status ?? "?"}${code ? `, ${code}` : ""}): ${message}`, code, call, status);
  }
  if (status !== undefined) {
    // An answer the SDK could not read (HTML error page, truncated body): say so, with the status.
    const firstLine = message.split("\n")[0] ?? message;
    return new AwsApiError("internal", `${what} got an unreadable answer (HTTP ${status}): ${firstLine}`, code, call, status);
  }
  const errName = str(e?.name);
  if (errName === "CredentialsProviderError") {
    return new AwsApiError(
      "user",
      `no AWS credentials for ${call ?? "the AWS call"}: config/root has no access_key/secret_key and the default credential chain (environment, shared files, ECS/IMDS) found none: ${message}`,
      undefined,
      call,
      undefined,
    );
  }
  const netCode = str(e?.code);
  if ((netCode && NETWORK_CODES.has(netCode)) || errName === "TimeoutError" || errName === "AbortError") {
    return new AwsApiError("internal", `${what} could not reach AWS: ${message}`, undefined, call, undefined);
  }
  return new AwsApiError("internal", `${what} failed: ${message}`, undefined, call, undefined);
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
    return new AwsApiError(classified.kind, message, classified.awsCode, classified.action, classified.httpStatus);
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
  if (isThrottling(err)) throw new UpstreamRateLimitedError(err.message);
  return errorResponse(err.message);
}
