// go-plugin's GRPCController (protocol.md §4.2): the host calls Shutdown from Kill() and then
// waits 2 s before SIGKILL, so reply first and exit promptly.
import type * as grpc from "@grpc/grpc-js";
import type { Empty, Empty__Output } from "../generated/plugin/Empty.js";

export function controllerHandlers(shutdown: (reason: string) => void): {
  Shutdown: grpc.handleUnaryCall<Empty__Output, Empty>;
} {
  return {
    Shutdown: (_call, callback) => {
      callback(null, {});
      setImmediate(() => shutdown("host requested shutdown"));
    },
  };
}
