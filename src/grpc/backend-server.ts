// Vault's `pb.Backend` service (≈ Vault sdk/plugin/grpc_backend_server.go). One process may serve
// many mounts: Vault tags every call with `multiplex_id` metadata and we keep one backend
// instance, with its own brokered storage, per id (protocol.md §4.4, §4.6).
import * as grpc from "@grpc/grpc-js";
import type { BackendHandlers } from "../generated/pb/Backend.js";
import type { HandleRequestReply } from "../generated/pb/HandleRequestReply.js";
import type { Request__Output } from "../generated/pb/Request.js";
import {
  errorResponse,
  toLogicalError,
  type Backend,
  type BackendFactory,
  type BackendType,
  type Request,
  type Response,
  type Storage,
} from "../logical/index.js";
import type { Broker } from "../plugin/broker.js";
import type { HclogLogger } from "../plugin/logger.js";
import { watchCancellation } from "./cancellation.js";
import { toProtoError } from "./errors.js";
import { GrpcStorage } from "./storage-client.js";
import { GrpcSystemView } from "./system-view-client.js";
import { logicalResponseToProto, protoRequestToLogical, specialPathsToProto } from "./translation.js";

export const MULTIPLEX_ID_KEY = "multiplex_id";
/** The instance key when the host sends no multiplex_id (non-multiplexed hosts, test harnesses). */
const SINGLE = "single";

const BACKEND_TYPE_NUMBERS: Record<BackendType, number> = { logical: 1, credential: 2 };

interface Instance {
  backend: Backend;
  storage: Storage;
  release(): void;
}

export interface BackendServerOptions {
  factory: BackendFactory;
  type: BackendType;
  broker: Broker;
  logger: HclogLogger;
  /**
   * Vault's v4 "metadata mode" launch (VAULT_PLUGIN_METADATA_MODE=true) may only ask for
   * metadata; the Go SDK refuses requests then, and so do we.
   */
  metadataMode?: boolean;
}

/** Reads the one multiplex_id Vault attaches; more than one is a host error. */
export function multiplexId(metadata: grpc.Metadata): string {
  const values = metadata.get(MULTIPLEX_ID_KEY);
  if (values.length > 1) throw new Error(`expected exactly one ${MULTIPLEX_ID_KEY}, got ${values.length}`);
  const [value] = values;
  return value === undefined || value === "" ? SINGLE : String(value);
}

function missingInstance(id: string): grpc.ServiceError {
  return serviceError(grpc.status.FAILED_PRECONDITION, `no backend instance for ${MULTIPLEX_ID_KEY} ${JSON.stringify(id)}: Setup has not run`);
}

const METADATA_MODE_MESSAGE = "plugin server can not perform action while in metadata mode";

function serviceError(code: grpc.status, message: string): grpc.ServiceError {
  const err = new Error(message) as grpc.ServiceError;
  err.code = code;
  err.details = err.message;
  err.metadata = new grpc.Metadata();
  return err;
}

export class BackendServer {
  readonly #instances = new Map<string, Instance>();

  constructor(private readonly options: BackendServerOptions) {}

  /** How many mounts this process currently serves. */
  get instanceCount(): number {
    return this.#instances.size;
  }

  /** Cleans every instance up, for process shutdown. */
  async cleanupAll(): Promise<void> {
    const instances = [...this.#instances.values()];
    this.#instances.clear();
    await Promise.allSettled(instances.map(async (instance) => {
      try {
        await instance.backend.cleanup();
      } finally {
        instance.release();
      }
    }));
  }

  /** The instance a request-serving call is for, or the error to answer with. */
  #serving(metadata: grpc.Metadata): Instance | grpc.ServiceError {
    if (this.options.metadataMode === true) return serviceError(grpc.status.FAILED_PRECONDITION, METADATA_MODE_MESSAGE);
    const { id, instance } = this.#lookup(metadata);
    return instance ?? missingInstance(id);
  }

  #lookup(metadata: grpc.Metadata): { id: string; instance: Instance | undefined } {
    const id = multiplexId(metadata);
    return { id, instance: this.#instances.get(id) };
  }

  /** The reply, and the post-reply action of the backend's response (never sent to Vault). */
  async #handle(instance: Instance, wire: Request__Output | null, signal: AbortSignal): Promise<{ reply: HandleRequestReply; afterReply?: Response["afterReply"] }> {
    let request: Request;
    try {
      if (wire === null) throw new Error("request is missing");
      request = protoRequestToLogical(wire, instance.storage, signal);
    } catch (err) {
      return { reply: { err: toProtoError(err) } };
    }
    try {
      const response = await instance.backend.handleRequest(request);
      if (response === undefined) return { reply: {} };
      return { reply: { response: logicalResponseToProto(response) }, afterReply: response.afterReply };
    } catch (err) {
      const logical = toLogicalError(err);
      if (signal.aborted) {
        // Nobody reads this answer; a failure caused by the abort is not the engine's fault.
        this.options.logger.debug("cancelled request ended", { path: request.path, operation: request.operation, error: logical.message });
      } else if (logical.kind === "internal") {
        this.options.logger.error("request failed", { path: request.path, operation: request.operation, error: logical.message });
      }
      if (logical.kind === "read-only") {
        this.options.logger.debug("request must run on the active node; the host forwards it", { path: request.path, operation: request.operation });
      }
      if (logical.kind === "upstream-rate-limited") {
        // Upstream's (ErrorResponse(text), ErrUpstreamRateLimited): Vault answers 502 with the text.
        return { reply: { response: logicalResponseToProto(errorResponse(logical.message)), err: toProtoError(logical) } };
      }
      return { reply: { err: toProtoError(logical) } };
    }
  }

  /**
   * Runs a response's post-reply action once the reply has been handed to grpc-js, only if the call
   * was still alive then. A cancelled call's action is dropped: what it would have committed stays
   * under its WAL entry, and the rollback removes it.
   */
  #afterReply(path: string | undefined, delivered: boolean, action: Response["afterReply"]): void {
    if (action === undefined) return;
    if (!delivered) {
      this.options.logger.warn("call cancelled before its reply was sent; leaving what it created to the WAL rollback", { path: path ?? "" });
      return;
    }
    action().catch((err: unknown) => {
      this.options.logger.error("post-reply action failed; the WAL rollback will undo what the request created", {
        path: path ?? "",
        error: toLogicalError(err).message,
      });
    });
  }

  readonly handlers: BackendHandlers = {
    Setup: (call, callback) => {
      void (async () => {
        const id = multiplexId(call.metadata);
        const { broker_id: brokerId, Config: config, backendUUID } = call.request;
        const channel = await this.options.broker.dial(brokerId);
        const storage = new GrpcStorage(channel);
        const release = (): void => this.options.broker.release(channel);
        try {
          const backend = await this.options.factory({
            storage,
            system: new GrpcSystemView(channel),
            logger: this.options.logger.named(config["plugin_name"] ?? "backend"),
            backendUuid: backendUUID,
            config,
          });
          const previous = this.#instances.get(id);
          this.#instances.set(id, { backend, storage, release });
          if (previous !== undefined) {
            await previous.backend.cleanup().finally(() => previous.release());
          }
          return {};
        } catch (err) {
          release();
          throw err;
        }
      })().then(
        () => callback(null, { err: "" }),
        (err: unknown) => callback(null, { err: toLogicalError(err).message }),
      );
    },

    Initialize: (call, callback) => {
      const instance = this.#serving(call.metadata);
      if (instance instanceof Error) return callback(instance);
      instance.backend.initialize(instance.storage).then(
        () => callback(null, {}),
        (err: unknown) => callback(null, { err: toProtoError(err) }),
      );
    },

    Type: (_call, callback) => {
      callback(null, { type: BACKEND_TYPE_NUMBERS[this.options.type] });
    },

    SpecialPaths: (call, callback) => {
      const { instance } = this.#lookup(call.metadata);
      callback(null, { paths: specialPathsToProto(instance?.backend.specialPaths() ?? {}) });
    },

    HandleRequest: (call, callback) => {
      const instance = this.#serving(call.metadata);
      if (instance instanceof Error) return callback(instance);
      const cancellation = watchCancellation(call);
      void this.#handle(instance, call.request.request, cancellation.signal).then(({ reply, afterReply }) => {
        // Decided before the reply is handed over: grpc-js reports a finished call as cancelled too.
        const delivered = !cancellation.signal.aborted && !call.cancelled;
        cancellation.dispose();
        callback(null, reply);
        this.#afterReply(call.request.request?.path, delivered, afterReply);
      });
    },

    HandleExistenceCheck: (call, callback) => {
      const instance = this.#serving(call.metadata);
      if (instance instanceof Error) return callback(instance);
      const wire = call.request.request;
      void (async () => {
        try {
          if (wire === null) throw new Error("request is missing");
          const result = await instance.backend.handleExistenceCheck(protoRequestToLogical(wire, instance.storage));
          return { check_found: result.found, exists: result.exists };
        } catch (err) {
          return { check_found: false, exists: false, err: toProtoError(err) };
        }
      })().then((reply) => callback(null, reply));
    },

    InvalidateKey: (call, callback) => {
      const instance = this.#serving(call.metadata);
      // Invalidation of an unknown mount is harmless; only metadata mode is an error.
      if (instance instanceof Error) return this.options.metadataMode === true ? callback(instance) : callback(null, {});
      instance.backend.invalidateKey(call.request.key).then(
        () => callback(null, {}),
        (err: unknown) => {
          this.options.logger.warn("invalidate failed", { key: call.request.key, error: toLogicalError(err).message });
          callback(null, {});
        },
      );
    },

    Cleanup: (call, callback) => {
      const { id, instance } = this.#lookup(call.metadata);
      if (instance === undefined) return callback(null, {});
      this.#instances.delete(id);
      instance.backend
        .cleanup()
        .catch((err: unknown) => this.options.logger.warn("cleanup failed", { error: toLogicalError(err).message }))
        .finally(() => {
          instance.release();
          callback(null, {});
        });
    },
  };
}
