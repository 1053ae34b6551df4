// logical.SystemView over the brokered connection to Vault's `pb.SystemView` server.
import * as grpc from "@grpc/grpc-js";
import type { SystemViewClient } from "../generated/pb/SystemView.js";
import type { Nanoseconds, PluginEnvironment, SystemView } from "../logical/index.js";
import { protos } from "../plugin/proto.js";
import { call, throwIfErr } from "./unary.js";

export class GrpcSystemView implements SystemView {
  readonly #client: SystemViewClient;

  constructor(channel: grpc.Channel) {
    const Client = protos().pb.SystemView;
    this.#client = new Client("brokered", grpc.credentials.createInsecure(), { channelOverride: channel });
  }

  async defaultLeaseTtl(): Promise<Nanoseconds> {
    return BigInt((await call(this.#client.DefaultLeaseTTL.bind(this.#client), {})).TTL);
  }

  async maxLeaseTtl(): Promise<Nanoseconds> {
    return BigInt((await call(this.#client.MaxLeaseTTL.bind(this.#client), {})).TTL);
  }

  async tainted(): Promise<boolean> {
    return (await call(this.#client.Tainted.bind(this.#client), {})).tainted;
  }

  async cachingDisabled(): Promise<boolean> {
    return (await call(this.#client.CachingDisabled.bind(this.#client), {})).disabled;
  }

  async replicationState(): Promise<number> {
    return (await call(this.#client.ReplicationState.bind(this.#client), {})).state;
  }

  async localMount(): Promise<boolean> {
    return (await call(this.#client.LocalMount.bind(this.#client), {})).local;
  }

  async pluginEnv(): Promise<PluginEnvironment> {
    const reply = await call(this.#client.PluginEnv.bind(this.#client), {});
    throwIfErr(reply.err, "plugin env");
    return {
      vaultVersion: reply.plugin_environment?.vault_version ?? "",
      vaultVersionPrerelease: reply.plugin_environment?.vault_version_prerelease ?? "",
      vaultVersionMetadata: reply.plugin_environment?.vault_version_metadata ?? "",
    };
  }

  async generatePasswordFromPolicy(policyName: string): Promise<string> {
    return (await call(this.#client.GeneratePasswordFromPolicy.bind(this.#client), { policy_name: policyName })).password;
  }
}
