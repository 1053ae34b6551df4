// Turns the embedded proto descriptor (src/generated/descriptor.ts) into grpc-js service
// definitions, lazily and per service. This is what @grpc/proto-loader does, minus the
// FileDescriptorProto encoding it performs for reflection, which alone cost ~30 ms of every
// plugin start. Conversion options match the flags scripts/gen-proto.mjs gives the type
// generator: field names as written (Vault's `TTL`, `Config`), int64 as decimal strings
// (durations exceed 2^53 ns), enums as numbers, defaults filled in, oneofs named.
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs/light.js";
import { descriptorJson } from "../generated/descriptor.js";
import type { ProtoGrpcType as BackendProto } from "../generated/backend.js";
import type { ProtoGrpcType as BrokerProto } from "../generated/grpc_broker.js";
import type { ProtoGrpcType as ControllerProto } from "../generated/grpc_controller.js";
import type { ProtoGrpcType as StdioProto } from "../generated/grpc_stdio.js";
import type { ProtoGrpcType as HealthProto } from "../generated/health.js";
import type { ProtoGrpcType as MultiplexingProto } from "../generated/multiplexing.js";
import type { ProtoGrpcType as VersionProto } from "../generated/version.js";

export type AllProtos = BackendProto & BrokerProto & ControllerProto & StdioProto & HealthProto & MultiplexingProto & VersionProto;

const CONVERSION: protobuf.IConversionOptions = { longs: String, enums: Number, defaults: true, oneofs: true };

let root: protobuf.Root | undefined;

function protoRoot(): protobuf.Root {
  // Not Root.fromJSON: that resolves every type up front; a method resolves the few it uses.
  if (root === undefined) {
    root = new protobuf.Root();
    root.addJSON((JSON.parse(descriptorJson) as protobuf.INamespace).nested ?? {});
  }
  return root;
}

function messageCodec(type: protobuf.Type): { serialize: (value: object) => Buffer; deserialize: (bytes: Buffer) => object } {
  return {
    serialize: (value) => Buffer.from(type.encode(type.fromObject(value)).finish()),
    deserialize: (bytes) => type.toObject(type.decode(bytes), CONVERSION),
  };
}

function serviceDefinition(service: protobuf.Service): grpc.ServiceDefinition {
  const fullName = service.fullName.replace(/^\./, "");
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = messageCodec(method.resolvedRequestType ?? service.lookupType(method.requestType));
    const response = messageCodec(method.resolvedResponseType ?? service.lookupType(method.responseType));
    definition[method.name] = {
      path: `/${fullName}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: request.serialize,
      requestDeserialize: request.deserialize,
      responseSerialize: response.serialize,
      responseDeserialize: response.deserialize,
    };
  }
  return definition;
}

type ServiceConstructor = grpc.ServiceClientConstructor;
const services = new Map<string, ServiceConstructor>();

/** A client constructor carrying `.service`, the shape grpc.loadPackageDefinition produces. */
function serviceConstructor(fullName: string): ServiceConstructor | undefined {
  const cached = services.get(fullName);
  if (cached !== undefined) return cached;
  const found = protoRoot().lookup(fullName);
  if (!(found instanceof protobuf.Service)) return undefined;
  const constructor = grpc.makeGenericClientConstructor(serviceDefinition(found), found.name);
  services.set(fullName, constructor);
  return constructor;
}

/** A namespace view whose service members are built on first access. */
function namespaceProxy(prefix: string): object {
  return new Proxy(
    {},
    {
      get: (_target, key) => {
        if (typeof key !== "string") return undefined;
        const fullName = prefix === "" ? key : `${prefix}.${key}`;
        return serviceConstructor(fullName) ?? namespaceProxy(fullName);
      },
    },
  );
}

const view = namespaceProxy("") as AllProtos;

/** Typed access to every service the plugins speak; each is materialised when first used. */
export function protos(): AllProtos {
  return view;
}
