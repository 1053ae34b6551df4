// The gRPC call's cancellation reaches the logical Request as an AbortSignal, and a response's
// post-reply action runs only for a reply handed to grpc-js on a call that was still alive.
import { EventEmitter } from "node:events";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { BackendServer } from "../../src/grpc/backend-server.js";
import type { HandleRequestReply } from "../../src/generated/pb/HandleRequestReply.js";
import type { Backend, Request, Response } from "../../src/logical/index.js";
import type { Broker } from "../../src/plugin/broker.js";
import type { HclogLogger } from "../../src/plugin/logger.js";

interface LogLine {
  level: string;
  message: string;
}

function recordingLogger(lines: LogLine[]): HclogLogger {
  const logger = {
    trace: (message: string) => lines.push({ level: "trace", message }),
    debug: (message: string) => lines.push({ level: "debug", message }),
    info: (message: string) => lines.push({ level: "info", message }),
    warn: (message: string) => lines.push({ level: "warn", message }),
    error: (message: string) => lines.push({ level: "error", message }),
    named: () => logger,
  };
  return logger as unknown as HclogLogger;
}

/** A grpc-js unary server call as far as the backend server looks at it. */
class FakeCall extends EventEmitter {
  cancelled = false;
  readonly metadata = new grpc.Metadata();
  constructor(
    readonly request: unknown,
    private readonly deadline: grpc.Deadline = Infinity,
  ) {
    super();
  }
  getDeadline(): grpc.Deadline {
    return this.deadline;
  }
  cancel(): void {
    this.cancelled = true;
    this.emit("cancelled", "cancelled");
  }
}

const WIRE_REQUEST = {
  request: {
    id: "r1", operation: "read", path: "creds/x", data: "", secret: null, auth: null, headers: {}, client_token: "", client_token_accessor: "",
    display_name: "", mount_point: "aws/", mount_type: "aws", mount_accessor: "", wrap_info: null, client_token_remaining_uses: 0, entity_id: "",
    policy_override: false, unauthenticated: false, connection: null,
  },
};

async function serverWith(handle: (request: Request) => Promise<Response | undefined>, lines: LogLine[]): Promise<BackendServer> {
  const backend: Backend = {
    type: "logical",
    specialPaths: () => ({}),
    initialize: () => Promise.resolve(),
    handleRequest: handle,
    handleExistenceCheck: () => Promise.resolve({ found: false, exists: false }),
    invalidateKey: () => Promise.resolve(),
    cleanup: () => Promise.resolve(),
  };
  const broker = { dial: () => Promise.resolve({} as grpc.Channel), release: () => {} } as unknown as Broker;
  const server = new BackendServer({ factory: () => Promise.resolve(backend), type: "logical", broker, logger: recordingLogger(lines) });
  const setup = new FakeCall({ broker_id: 1, Config: {}, backendUUID: "u" });
  await new Promise<void>((resolve) => {
    (server.handlers.Setup as unknown as (call: FakeCall, cb: () => void) => void)(setup, resolve);
  });
  return server;
}

function handleRequest(server: BackendServer, call: FakeCall): Promise<HandleRequestReply> {
  return new Promise((resolve) => {
    (server.handlers.HandleRequest as unknown as (call: FakeCall, cb: (err: unknown, reply: HandleRequestReply) => void) => void)(call, (_err, reply) =>
      resolve(reply),
    );
  });
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("BackendServer HandleRequest and cancellation", () => {
  it("aborts request.signal when Vault cancels the call, and drops the post-reply action", async () => {
    const lines: LogLine[] = [];
    const call = new FakeCall(WIRE_REQUEST);
    let committed = false;
    let seen: AbortSignal | undefined;
    const server = await serverWith(async (request) => {
      seen = request.signal;
      call.cancel();
      return { data: { ok: true }, afterReply: async () => { committed = true; } };
    }, lines);
    await handleRequest(server, call);
    await flush();
    expect(seen?.aborted).toBe(true);
    expect(committed).toBe(false);
    expect(lines.some((l) => l.level === "warn" && l.message.includes("leaving what it created to the WAL rollback"))).toBe(true);
  });

  it("runs the post-reply action after the reply was handed over, and never sends it", async () => {
    const order: string[] = [];
    const call = new FakeCall(WIRE_REQUEST);
    const server = await serverWith(
      async (request) => {
        expect(request.signal?.aborted).toBe(false);
        return { data: { ok: true }, afterReply: async () => { order.push("afterReply"); } };
      },
      [],
    );
    const reply = await new Promise<HandleRequestReply>((resolve) => {
      (server.handlers.HandleRequest as unknown as (call: FakeCall, cb: (err: unknown, reply: HandleRequestReply) => void) => void)(call, (_err, r) => {
        order.push("reply");
        resolve(r);
      });
    });
    await flush();
    expect(order).toEqual(["reply", "afterReply"]);
    expect(JSON.stringify(reply)).not.toContain("afterReply");
    // grpc-js reports a finished call as cancelled; that must not reach the request any more.
    call.cancel();
  });

  it("aborts at the call's deadline", async () => {
    const call = new FakeCall(WIRE_REQUEST, Date.now() + 30);
    let reason: unknown;
    const server = await serverWith(
      (request) =>
        new Promise((resolve) => {
          request.signal?.addEventListener("abort", () => {
            reason = request.signal?.reason;
            resolve(undefined);
          });
        }),
      [],
    );
    await handleRequest(server, call);
    expect(String(reason)).toContain("deadline");
  });

  it("logs a failed post-reply action as an error", async () => {
    const lines: LogLine[] = [];
    const server = await serverWith(async () => ({ data: {}, afterReply: () => Promise.reject(new Error("storage down")) }), lines);
    await handleRequest(server, new FakeCall(WIRE_REQUEST));
    await flush();
    expect(lines.some((l) => l.level === "error" && l.message.includes("post-reply action failed"))).toBe(true);
  });
});
