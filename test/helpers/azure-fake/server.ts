// The HTTP side: one loopback listener for all of Azure's hosts (authority, IMDS, ARM, Graph),
// routed by path, with a log of every request for assertions (never headers or bodies: they
// carry secrets and tokens).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { HttpReply } from "./errors.js";

export type Surface = "discovery" | "jwks" | "token" | "imds" | "arm" | "graph" | "unknown";

export interface LoggedRequest {
  surface: Surface;
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  status: number;
  userAgent: string | undefined;
  /** `oid`/`appid` of the verified Bearer token (ARM and Graph). */
  caller?: Record<string, unknown>;
  at: number;
}

export interface RoutedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: string;
}

export type Router = (req: RoutedRequest) => Promise<{ surface: Surface; reply: HttpReply; caller?: Record<string, unknown> }>;

const maxBody = 1 << 20;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBody) req.destroy(new Error("body too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function listen(router: Router, log: LoggedRequest[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://fake");
      let surface: Surface = "unknown";
      let reply: HttpReply;
      let caller: Record<string, unknown> | undefined;
      try {
        const body = await readBody(req);
        ({ surface, reply, caller } = await router({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers: req.headers, body }));
      } catch (e) {
        reply = { status: 500, body: { error: { code: "InternalServerError", message: e instanceof Error ? e.message : String(e) } } };
      }
      log.push({ surface, method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), status: reply.status, userAgent: req.headers["user-agent"], caller, at: Date.now() });
      const headers: Record<string, string> = { ...reply.headers, "x-ms-request-id": crypto.randomUUID() };
      if (reply.body !== undefined) headers["content-type"] = "application/json; charset=utf-8";
      res.writeHead(reply.status, headers);
      res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

export function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
