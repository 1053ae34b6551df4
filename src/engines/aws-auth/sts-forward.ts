// Forwarding the client's signed GetCallerIdentity to STS (upstream's submitCallerIdentityRequest).
// The request goes only to the chosen STS endpoint, with the client's path, query, body and
// headers and the client's Host (the signature covers it). Redirects are never followed, every
// attempt has time limits, retries follow go-retryablehttp's default policy (connection errors,
// 429 and 5xx except 501; backoff 0.5 s doubling to 30 s, Retry-After honoured) within one time
// budget, and request.signal ends it all at once. The answer must be a 200 text/xml
// GetCallerIdentityResponse; anything else is an error, never an identity.
import http from "node:http";
import https from "node:https";
import { parseCallerIdentityResponse, MAX_STS_RESPONSE_BYTES, type CallerIdentity } from "./caller-identity-xml.js";
import type { IamLoginRequest } from "./iam-request.js";

export interface ForwardLimits {
  /** The TCP (and TLS) connection must be made within this. */
  connectMs: number;
  /** One attempt — connection, answer and body — must end within this. */
  attemptMs: number;
  /** No retry is started that could not end within this, counted from the first attempt. */
  budgetMs: number;
  retryWaitMinMs: number;
  retryWaitMaxMs: number;
}

/** Vault gives a request 90 s; the forwarded call ends well before that, retries included. */
export const DEFAULT_FORWARD_LIMITS: ForwardLimits = {
  connectMs: 5_000,
  attemptMs: 20_000,
  budgetMs: 55_000,
  retryWaitMinMs: 500,
  retryWaitMaxMs: 30_000,
};

/** The SDK's default retry count, used when config/client's max_retries is negative. */
export const DEFAULT_MAX_RETRIES = 3;

/** A failure to reach STS or an unusable answer; `message` is upstream's text after "error making upstream request: ". */
export class StsForwardError extends Error {
  override readonly name = "StsForwardError";
}

export const INVALID_RESPONSE = "body of GetCallerIdentity is invalid";

/** Hop-by-hop and framing headers are the transport's business, not the client's (Go drops them too). */
const TRANSPORT_HEADERS = new Set(["host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-connection"]);

interface RawAnswer {
  status: number;
  contentType: string | undefined;
  retryAfter: string | undefined;
  body: string;
}

/** `<endpoint>/<request URI>`: the client's path and query on Vault's endpoint. */
export function targetUrl(endpoint: string, requestUri: string): URL {
  let base: URL;
  try {
    base = new URL(endpoint);
  } catch {
    throw new StsForwardError(`error making request: invalid STS endpoint`);
  }
  if (base.protocol !== "https:" && base.protocol !== "http:") throw new StsForwardError(`error making request: unsupported protocol scheme ${JSON.stringify(base.protocol.slice(0, -1))}`);
  const prefix = base.pathname.replace(/\/+$/, "");
  const [path = "/", ...query] = requestUri.split("?");
  return new URL(`${base.origin}${prefix}/${path.replace(/^\/+/, "")}${query.length > 0 ? `?${query.join("?")}` : ""}`);
}

function outgoingHeaders(request: IamLoginRequest, bodyLength: number): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, values] of Object.entries(request.headers)) {
    if (TRANSPORT_HEADERS.has(name.toLowerCase())) continue;
    headers[name] = [...values];
  }
  if (request.url.host !== "") headers["Host"] = request.url.host;
  if (request.method === "POST" || bodyLength > 0) headers["Content-Length"] = String(bodyLength);
  return headers;
}

/** One attempt; resolves with the answer (any status), rejects on a transport failure. */
function attempt(url: URL, request: IamLoginRequest, limits: ForwardLimits, signal: AbortSignal | undefined): Promise<RawAnswer> {
  const body = Buffer.from(request.body, "utf8");
  return new Promise<RawAnswer>((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    let settled = false;
    const finish = (err: Error | undefined, answer?: RawAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(attemptTimer);
      signal?.removeEventListener("abort", onAbort);
      if (err !== undefined) reject(err);
      else if (answer !== undefined) resolve(answer);
    };
    let req: http.ClientRequest;
    try {
      req = client.request(url, { method: request.method, headers: outgoingHeaders(request, body.length), agent: false });
    } catch (err) {
      // Node refuses header names or values Go would also refuse (control characters).
      reject(new StsForwardError(`error making request: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    const onAbort = (): void => {
      req.destroy();
      finish(new StsForwardError("error making request: context canceled"));
    };
    const attemptTimer = setTimeout(() => {
      req.destroy();
      finish(new Error(`no answer within ${limits.attemptMs / 1000} s`));
    }, limits.attemptMs);
    if (signal?.aborted === true) {
      onAbort();
      return;
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("socket", (socket) => {
      const connectTimer = setTimeout(() => {
        req.destroy();
        finish(new Error(`connection not made within ${limits.connectMs / 1000} s`));
      }, limits.connectMs);
      socket.once(url.protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(connectTimer));
      socket.once("close", () => clearTimeout(connectTimer));
    });
    req.on("error", (err) => finish(err));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_STS_RESPONSE_BYTES) {
          req.destroy();
          finish(new StsForwardError(`error making request: STS answer larger than ${MAX_STS_RESPONSE_BYTES} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on("error", (err) => finish(err));
      res.on("end", () => {
        const header = (name: string): string | undefined => {
          const v = res.headers[name];
          return Array.isArray(v) ? v[0] : v;
        };
        finish(undefined, {
          status: res.statusCode ?? 0,
          contentType: header("content-type"),
          retryAfter: header("retry-after"),
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    req.end(body);
  });
}

/** go-retryablehttp's DefaultRetryPolicy for an answer: 429, and 5xx except 501. */
const retryableStatus = (status: number): boolean => status === 429 || (status >= 500 && status !== 501) || status === 0;

/** DefaultBackoff: min·2^n capped at max; a 429/503 Retry-After in seconds is used as given. */
function backoffMs(n: number, limits: ForwardLimits, answer: RawAnswer | undefined): number {
  if (answer !== undefined && (answer.status === 429 || answer.status === 503) && answer.retryAfter !== undefined && /^\d+$/.test(answer.retryAfter)) {
    return Number(answer.retryAfter) * 1000;
  }
  return Math.min(limits.retryWaitMinMs * 2 ** n, limits.retryWaitMaxMs);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(timer);
      reject(new StsForwardError("error making request: context canceled"));
    }
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Text of a transport failure; errors never carry the request's headers, so nothing signed leaks. */
const failureText = (err: unknown): string => (err instanceof Error ? ((err as NodeJS.ErrnoException).code ?? err.message) : String(err));

/** Removes the client's signature and session token from a text STS echoes back (error bodies). */
function redact(text: string, request: IamLoginRequest): string {
  const secrets: string[] = [];
  for (const [name, values] of Object.entries(request.headers)) {
    const n = name.toLowerCase();
    if (n === "x-amz-security-token" || n === "authorization") secrets.push(...values);
  }
  for (const key of ["X-Amz-Security-Token", "X-Amz-Signature"]) secrets.push(...(request.query.values.get(key) ?? []));
  let out = text;
  for (const secret of secrets) {
    const signature = /Signature=([0-9a-f]{16,})/.exec(secret)?.[1];
    for (const s of [secret, signature]) if (s !== undefined && s.length >= 16) out = out.split(s).join("<redacted>");
  }
  return out.length <= 2048 ? out : `${out.slice(0, 2048)}... (${out.length - 2048} more characters)`;
}

/**
 * Sends the checked request to `endpoint` and returns the identity STS answered with. Throws
 * StsForwardError with upstream's texts for every failure; the caller prefixes them with
 * "error making upstream request: ".
 */
export async function submitCallerIdentityRequest(
  request: IamLoginRequest,
  endpoint: string,
  maxRetries: number,
  signal: AbortSignal | undefined,
  limits: ForwardLimits = DEFAULT_FORWARD_LIMITS,
): Promise<CallerIdentity> {
  const url = targetUrl(endpoint, request.url.requestUri);
  const started = Date.now();
  let answer: RawAnswer | undefined;
  for (let n = 0; ; n++) {
    let failure: unknown;
    answer = undefined;
    try {
      answer = await attempt(url, request, limits, signal);
    } catch (err) {
      if (err instanceof StsForwardError) throw err;
      failure = err;
    }
    const retry = answer === undefined || retryableStatus(answer.status);
    if (!retry && answer !== undefined) break;
    const wait = backoffMs(n, limits, answer);
    const fits = Date.now() - started + wait + limits.attemptMs <= limits.budgetMs;
    if (n >= maxRetries || !fits) {
      // Beyond upstream's text: what the last attempt met, so the refusal says why.
      const what = answer === undefined ? `: ${failureText(failure)}` : ` (last answer: HTTP ${answer.status})`;
      throw new StsForwardError(`error making request: ${request.method} ${url.origin}${url.pathname} giving up after ${n + 1} attempt(s)${what}`);
    }
    await sleep(wait, signal);
  }
  // Upstream checks the type first, so a redirect or an HTML error page is "invalid" and its body
  // is never repeated; beyond upstream the text says what was wrong with the answer.
  if (answer.contentType !== "text/xml") {
    const type = answer.contentType === undefined ? "no Content-Type" : `Content-Type ${JSON.stringify(answer.contentType.slice(0, 100))}`;
    throw new StsForwardError(`${INVALID_RESPONSE} (STS answered HTTP ${answer.status} with ${type}, expected "text/xml")`);
  }
  if (answer.status !== 200) throw new StsForwardError(`received error code ${answer.status} from STS: ${redact(answer.body, request)}`);
  const identity = parseCallerIdentityResponse(answer.body);
  if (identity === undefined) throw new StsForwardError("error parsing STS response");
  return identity;
}
