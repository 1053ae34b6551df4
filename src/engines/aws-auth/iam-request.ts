// Decoding and checking the client's signed sts:GetCallerIdentity request before Vault forwards
// it. These are the checks of the CVE-2020-16250 fix: Vault must only ever send STS a
// GetCallerIdentity call, so a crafted body, query string or header cannot turn the forwarded
// request into another AWS call whose answer Vault would then read as an identity. Texts are
// upstream's, so clients and scripts see the same refusals.
import { canonicalHeaderKey } from "../../framework/field-header.js";
import { goQuote, quoteInput } from "../../framework/index.js";
import { parseGoQuery, type GoQuery } from "./go-query.js";
import { parseRequestUrl, type RequestUrl } from "./request-url.js";

export type HttpHeaders = Readonly<Record<string, readonly string[]>>;

/** The header carrying config/client's iam_server_id_header_value; it must be signed. */
export const IAM_SERVER_ID_HEADER = "X-Vault-AWS-IAM-Server-ID";
const AMZ_PREFIX = "X-Amz-";
const AMZ_SIGNED_HEADERS = "X-Amz-SignedHeaders";

/** The X-Amz-* headers (and, for GET, query parameters) a signed GetCallerIdentity may carry. */
export const DEFAULT_ALLOWED_STS_HEADERS: readonly string[] = [
  "X-Amz-Algorithm",
  "X-Amz-Content-Sha256",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Security-Token",
  "X-Amz-Signature",
  AMZ_SIGNED_HEADERS,
  "X-Amz-User-Agent",
];

export interface IamRequestInput {
  method: string;
  urlBase64: string;
  bodyBase64: string;
  headers: HttpHeaders;
}

/** The parts of config/client these checks read (absent when config/client was never written). */
export interface IamRequestPolicy {
  iamServerIdHeaderValue: string;
  allowedStsHeaderValues: readonly string[];
}

export interface IamLoginRequest {
  method: "GET" | "POST";
  url: RequestUrl;
  query: GoQuery;
  body: string;
  headers: HttpHeaders;
}

export type Checked<T> = { ok: T } | { error: string };

/** Go's base64.StdEncoding: padding required, CR and LF ignored; undefined when not valid. */
export function decodeStdBase64(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n]/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return undefined;
  return Buffer.from(compact, "base64");
}

/** validateLoginIamRequestUrl: a GET carries exactly one Action, GetCallerIdentity; a POST no query. */
function checkUrl(method: "GET" | "POST", query: GoQuery, rawQuery: string): string | undefined {
  if (method === "POST") return rawQuery === "" ? undefined : "invalid request";
  const actions = query.values.get("Action") ?? [];
  if (actions.length === 0) return "no action found in request";
  if (actions.length !== 1) return "found multiple actions";
  if (actions[0] !== "GetCallerIdentity") return `unexpected action parameter, ${actions[0] ?? ""}`;
  return undefined;
}

/** validateLoginIamRequestBody: form data with only Action=GetCallerIdentity and Version. */
function checkBody(body: string): string | undefined {
  const form = parseGoQuery(body);
  if (form.error !== undefined) return form.error;
  for (const [key, values] of form.values) {
    if (key === "Version") continue;
    if (key === "Action" && values.length === 1 && values[0] === "GetCallerIdentity") continue;
    return "iam request body is invalid";
  }
  return undefined;
}

/** ensureHeaderIsSigned: the header's lower-case name is one of the `;`-separated signed names. */
function headerIsSigned(signedHeaders: string, header: string): boolean {
  return signedHeaders.split(";").includes(header.toLowerCase());
}

/** validateVaultHeaderValue: the server-ID header has the configured value and is signed. */
export function checkServerIdHeader(request: Omit<IamLoginRequest, "body" | "url">, required: string): string | undefined {
  const name = Object.keys(request.headers).find((k) => k.toLowerCase() === IAM_SERVER_ID_HEADER.toLowerCase());
  const provided = name === undefined ? "" : (request.headers[name] ?? []).join(",");
  if (provided === "") return `missing header ${goQuote(IAM_SERVER_ID_HEADER)}`;
  // Not a constant-time comparison: the value identifies the server, it is not a secret.
  if (provided !== required) return `expected ${goQuote(required)} but got ${quoteInput(provided)}`;
  if (request.method === "GET") {
    const signed = request.query.values.get(AMZ_SIGNED_HEADERS)?.[0] ?? "";
    return headerIsSigned(signed, IAM_SERVER_ID_HEADER) ? undefined : "vault header wasn't signed";
  }
  const authorization = request.headers["Authorization"];
  if (authorization === undefined) return "missing Authorization header";
  // The last SignedHeaders= component, up to the next comma (upstream's `.*SignedHeaders=([^,]+)`).
  const joined = authorization.join(",");
  const at = joined.lastIndexOf("SignedHeaders=");
  if (at === -1) return "vault header wasn't signed";
  const signed = joined.slice(at + "SignedHeaders=".length).split(",")[0] ?? "";
  if (signed === "") return "vault header wasn't signed";
  return headerIsSigned(signed, IAM_SERVER_ID_HEADER) ? undefined : "vault header wasn't signed";
}

const isAmz = (canonical: string): boolean => canonical.startsWith(AMZ_PREFIX);
const canonicalAmz = (key: string): string => {
  const c = canonicalHeaderKey(key);
  return c === "X-Amz-Signedheaders" ? AMZ_SIGNED_HEADERS : c;
};

/** validateAllowedSTSHeaderValues: every X-Amz-* header is a default one or configured. */
export function checkAllowedHeaders(headers: HttpHeaders, allowed: readonly string[]): string | undefined {
  for (const key of Object.keys(headers)) {
    const h = canonicalAmz(key);
    if (isAmz(h) && !DEFAULT_ALLOWED_STS_HEADERS.includes(h) && !allowed.includes(h)) return `invalid request header: ${quoteless(key)}`;
  }
  return undefined;
}

/**
 * Every presigned URL carries X-Amz-Expires (it can only shorten the signature's life). Upstream's
 * list lacks it, so there a presigned GET fails once config/client exists unless the operator adds
 * it to allowed_sts_header_values; it is allowed here for query parameters (not headers).
 */
const PRESIGN_QUERY_PARAMS: readonly string[] = ["X-Amz-Expires"];

/** validateAllowedSTSQueryValues: the same for a presigned GET's query parameters (names as written). */
export function checkAllowedQuery(query: GoQuery, allowed: readonly string[]): string | undefined {
  for (const key of query.values.keys()) {
    if (PRESIGN_QUERY_PARAMS.includes(key)) continue;
    if (isAmz(canonicalAmz(key)) && !DEFAULT_ALLOWED_STS_HEADERS.includes(key) && !allowed.includes(key)) {
      return `invalid request query param: ${quoteless(key)}`;
    }
  }
  return undefined;
}

/** A name from the request printed as Go's %s does, bounded. */
function quoteless(text: string): string {
  return text.length <= 256 ? text : `${text.slice(0, 256)}... (${text.length - 256} more characters)`;
}

/**
 * The four iam_* login fields decoded and checked, in upstream's order. `policy` is config/client's
 * header settings; without config/client the built-in X-Amz-* allow-list still applies (upstream
 * skipped it then, which left the allow-list to depend on an unrelated setting).
 */
export function decodeIamRequest(input: IamRequestInput, policy: IamRequestPolicy | undefined): Checked<IamLoginRequest> {
  const { method: rawMethod } = input;
  if (rawMethod === "") return { error: "missing iam_http_request_method" };
  if (rawMethod !== "GET" && rawMethod !== "POST") return { error: "invalid iam_http_request_method; currently only 'GET' and 'POST' are supported" };
  const method = rawMethod;
  if (input.urlBase64 === "") return { error: "missing iam_request_url" };
  const rawUrl = decodeStdBase64(input.urlBase64);
  if (rawUrl === undefined) return { error: "failed to base64 decode iam_request_url" };
  const url = parseRequestUrl(rawUrl.toString("utf8"));
  if (url === undefined) return { error: "error parsing iam_request_url" };
  const query = parseGoQuery(url.rawQuery);
  const urlError = checkUrl(method, query, url.rawQuery);
  if (urlError !== undefined) return { error: urlError };
  if (input.bodyBase64 === "" && method !== "GET") return { error: "missing iam_request_body which is required for POST requests" };
  const rawBody = decodeStdBase64(input.bodyBase64);
  if (rawBody === undefined) return { error: "failed to base64 decode iam_request_body" };
  const body = rawBody.toString("utf8");
  const bodyError = checkBody(body);
  if (bodyError !== undefined) return { error: bodyError };
  if (Object.keys(input.headers).length === 0) return { error: "missing iam_request_headers" };
  const request: IamLoginRequest = { method, url, query, body, headers: input.headers };
  if (policy !== undefined && policy.iamServerIdHeaderValue !== "") {
    const serverIdError = checkServerIdHeader(request, policy.iamServerIdHeaderValue);
    if (serverIdError !== undefined) return { error: `error validating ${IAM_SERVER_ID_HEADER} header: ${serverIdError}` };
  }
  const allowed = policy?.allowedStsHeaderValues ?? [];
  const headerError = checkAllowedHeaders(input.headers, allowed);
  if (headerError !== undefined) return { error: headerError };
  if (method === "GET") {
    const queryError = checkAllowedQuery(query, allowed);
    if (queryError !== undefined) return { error: queryError };
  }
  return { ok: request };
}
