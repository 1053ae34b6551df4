// go-plugin's GRPCStdio (protocol.md §4.1–4.2). Our logs already go to stderr, which the host
// reads directly, so the stream is held open and carries nothing — as go-plugin's own non-Go
// example does. Closing it early would only make the host log a warning.
import type * as grpc from "@grpc/grpc-js";
import type { Empty__Output } from "../generated/google/protobuf/Empty.js";
import type { StdioData } from "../generated/plugin/StdioData.js";

export class StdioService {
  readonly #open = new Set<grpc.ServerWritableStream<Empty__Output, StdioData>>();

  readonly handlers = {
    StreamStdio: (call: grpc.ServerWritableStream<Empty__Output, StdioData>): void => {
      this.#open.add(call);
      call.on("cancelled", () => this.#open.delete(call));
    },
  };

  close(): void {
    for (const call of this.#open) call.end();
    this.#open.clear();
  }
}
