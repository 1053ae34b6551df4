// A unary call straight on a channel, below grpc-js's Client layer. The Client wraps every call
// in interceptor objects, an event emitter and a `new Error()` for the caller's stack; for the
// storage round trip inside every Vault request that was a fifth of the plugin's CPU time.
import * as grpc from "@grpc/grpc-js";

/** grpc-js's status shape, turned into an Error whose message reads like the Client's. */
export class CallError extends Error {
  override readonly name = "CallError";

  constructor(
    readonly code: grpc.status,
    readonly details: string,
    path: string,
  ) {
    super(`${code} ${grpc.status[code]}: ${details} (${path})`);
  }
}

/** The parts of a generated method definition a unary call needs. */
export interface UnaryMethod<Req, ResOut> {
  path: string;
  requestSerialize: (value: Req) => Buffer;
  responseDeserialize: (bytes: Buffer) => ResOut;
}

export function unaryCall<Req, ResOut>(channel: grpc.Channel, method: UnaryMethod<Req, ResOut>, request: Req): Promise<ResOut> {
  return new Promise((resolve, reject) => {
    const call = channel.createCall(method.path, Infinity, undefined, null, grpc.propagate.DEFAULTS);
    let response: ResOut | undefined;
    let failed: Error | undefined;
    call.start(new grpc.Metadata(), {
      onReceiveMetadata: () => undefined,
      onReceiveMessage: (message: Buffer) => {
        try {
          response = method.responseDeserialize(message);
        } catch (err) {
          failed = err instanceof Error ? err : new Error(`cannot decode ${method.path} reply`);
        }
      },
      onReceiveStatus: (status: grpc.StatusObject) => {
        if (status.code !== grpc.status.OK) reject(new CallError(status.code, status.details, method.path));
        else if (failed !== undefined) reject(failed);
        else if (response === undefined) reject(new CallError(grpc.status.UNIMPLEMENTED, "No message received", method.path));
        else resolve(response);
      },
    });
    call.sendMessageWithContext({}, method.requestSerialize(request));
    call.halfClose();
    call.startRead();
  });
}
