import type * as grpc from "@grpc/grpc-js";

type UnaryMethod<Req, Res> = (request: Req, callback: (err: grpc.ServiceError | null, response?: Res) => void) => grpc.ClientUnaryCall;

/** Calls a generated unary client method as a promise. */
export function call<Req, Res>(method: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, (err, response) => {
      if (err !== null) reject(err);
      else if (response === undefined) reject(new Error("empty gRPC response"));
      else resolve(response);
    });
  });
}

/** Vault's Storage/SystemView replies carry failures as an `err` string; non-empty means failure. */
export function throwIfErr(err: string, what: string): void {
  if (err !== "") throw new Error(`${what}: ${err}`);
}
