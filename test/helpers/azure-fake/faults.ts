// Injected failures (throttling, outages) so tests can prove retries, backoff and error texts.
// A fault matches by surface and path substring and answers instead of the fake, `times` times.
import { aadError, armError, graphError, type HttpReply } from "./errors.js";
import type { Surface } from "./server.js";

export interface FaultSpec {
  surface: Surface;
  /** Case-insensitive substring of the request path; default: any path of the surface. */
  path?: string;
  status: number;
  /** ARM/Graph error code; default from the status (429 → TooManyRequests, …). */
  code?: string;
  message?: string;
  /** How many requests fail; default 1. */
  times?: number;
  /** Sets Retry-After (seconds). */
  retryAfterSeconds?: number;
}

const defaultCodes: Record<number, string> = { 429: "TooManyRequests", 500: "InternalServerError", 502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout" };

export class Faults {
  private readonly pending: Array<FaultSpec & { left: number }> = [];

  add(spec: FaultSpec): void {
    this.pending.push({ ...spec, left: spec.times ?? 1 });
  }

  clear(): void {
    this.pending.length = 0;
  }

  /** The injected reply for this request, if a fault matches (and is used up by one). */
  take(surface: Surface, path: string): HttpReply | undefined {
    const i = this.pending.findIndex((f) => f.surface === surface && (f.path === undefined || path.toLowerCase().includes(f.path.toLowerCase())));
    const f = this.pending[i];
    if (f === undefined) return undefined;
    f.left -= 1;
    if (f.left <= 0) this.pending.splice(i, 1);
    const code = f.code ?? defaultCodes[f.status] ?? "InjectedFault";
    const message = f.message ?? `azure-fake: injected ${f.status}`;
    let reply: HttpReply;
    if (surface === "graph") reply = graphError(f.status, code, message);
    else if (surface === "token" || surface === "discovery") reply = aadError(f.status, "temporarily_unavailable", 50196, message);
    else reply = armError(f.status, code, message);
    if (f.retryAfterSeconds !== undefined) reply.headers = { ...reply.headers, "Retry-After": String(f.retryAfterSeconds) };
    return reply;
  }
}
