// logical.SystemView over the brokered connection to Vault's `pb.SystemView` server.
import type * as grpc from "@grpc/grpc-js";
import type { SystemViewDefinition } from "../generated/pb/SystemView.js";
import type { Nanoseconds, PluginEnvironment, SystemView } from "../logical/index.js";
import { protos } from "../plugin/proto.js";
import { unaryCall } from "../plugin/unary.js";
import { throwIfErr } from "./reply-errors.js";

export class GrpcSystemView implements SystemView {
  readonly #methods: SystemViewDefinition = protos().pb.SystemView.service;

  constructor(private readonly channel: grpc.Channel) {}

  async defaultLeaseTtl(): Promise<Nanoseconds> {
    return BigInt((await unaryCall(this.channel, this.#methods.DefaultLeaseTTL, {})).TTL);
  }

  async maxLeaseTtl(): Promise<Nanoseconds> {
    return BigInt((await unaryCall(this.channel, this.#methods.MaxLeaseTTL, {})).TTL);
  }

  async tainted(): Promise<boolean> {
    return (await unaryCall(this.channel, this.#methods.Tainted, {})).tainted;
  }

  async cachingDisabled(): Promise<boolean> {
    return (await unaryCall(this.channel, this.#methods.CachingDisabled, {})).disabled;
  }

  async replicationState(): Promise<number> {
    return (await unaryCall(this.channel, this.#methods.ReplicationState, {})).state;
  }

  async localMount(): Promise<boolean> {
    return (await unaryCall(this.channel, this.#methods.LocalMount, {})).local;
  }

  async pluginEnv(): Promise<PluginEnvironment> {
    const reply = await unaryCall(this.channel, this.#methods.PluginEnv, {});
    throwIfErr(reply.err, "plugin env");
    return {
      vaultVersion: reply.plugin_environment?.vault_version ?? "",
      vaultVersionPrerelease: reply.plugin_environment?.vault_version_prerelease ?? "",
      vaultVersionMetadata: reply.plugin_environment?.vault_version_metadata ?? "",
    };
  }

  async generatePasswordFromPolicy(policyName: string): Promise<string> {
    return (await unaryCall(this.channel, this.#methods.GeneratePasswordFromPolicy, { policy_name: policyName })).password;
  }
}
