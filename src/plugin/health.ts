// gRPC health checking; go-plugin's Ping asks for service "plugin" (protocol.md §4.1).
import * as grpc from "@grpc/grpc-js";
import type { HealthCheckRequest__Output } from "../generated/grpc/health/v1/HealthCheckRequest.js";
import type { HealthCheckResponse } from "../generated/grpc/health/v1/HealthCheckResponse.js";

const SERVING = 1;
const KNOWN_SERVICES = new Set(["", "plugin"]);

export const healthHandlers = {
  Check: (
    call: grpc.ServerUnaryCall<HealthCheckRequest__Output, HealthCheckResponse>,
    callback: grpc.sendUnaryData<HealthCheckResponse>,
  ): void => {
    if (KNOWN_SERVICES.has(call.request.service)) {
      callback(null, { status: SERVING });
    } else {
      callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${JSON.stringify(call.request.service)}` });
    }
  },
  Watch: (call: grpc.ServerWritableStream<HealthCheckRequest__Output, HealthCheckResponse>): void => {
    if (KNOWN_SERVICES.has(call.request.service)) {
      call.write({ status: SERVING });
    } else {
      call.write({ status: 3 }); // SERVICE_UNKNOWN
    }
  },
};
