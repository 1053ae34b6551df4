// Loads the embedded proto descriptor (src/generated/descriptor.ts) into grpc-js service
// definitions. The loader options must match the flags scripts/gen-proto.mjs gives the type
// generator: field names kept as written (Vault's `TTL`, `Config`, `backendUUID`), int64 as
// decimal strings (durations exceed 2^53 ns), enums as numbers, defaults filled in.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { descriptorJson } from "../generated/descriptor.js";
import type { ProtoGrpcType as BackendProto } from "../generated/backend.js";
import type { ProtoGrpcType as BrokerProto } from "../generated/grpc_broker.js";
import type { ProtoGrpcType as ControllerProto } from "../generated/grpc_controller.js";
import type { ProtoGrpcType as StdioProto } from "../generated/grpc_stdio.js";
import type { ProtoGrpcType as HealthProto } from "../generated/health.js";
import type { ProtoGrpcType as MultiplexingProto } from "../generated/multiplexing.js";
import type { ProtoGrpcType as VersionProto } from "../generated/version.js";

export type AllProtos = BackendProto & BrokerProto & ControllerProto & StdioProto & HealthProto & MultiplexingProto & VersionProto;

export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: Number,
  defaults: true,
  oneofs: true,
};

let loaded: AllProtos | undefined;

/** The grpc-js view of every proto the plugins speak; parsed once per process. */
export function protos(): AllProtos {
  if (loaded === undefined) {
    const definition = protoLoader.fromJSON(JSON.parse(descriptorJson) as Parameters<typeof protoLoader.fromJSON>[0], LOADER_OPTIONS);
    loaded = grpc.loadPackageDefinition(definition) as unknown as AllProtos;
  }
  return loaded;
}
