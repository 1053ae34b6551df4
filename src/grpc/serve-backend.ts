// Wires one engine into a running plugin: Vault's Backend service, PluginVersion and
// PluginMultiplexing next to go-plugin's own services.
import type { PluginVersionHandlers } from "../generated/logical/PluginVersion.js";
import type { PluginMultiplexingHandlers } from "../generated/pluginutil/multiplexing/PluginMultiplexing.js";
import type { BackendFactory, BackendType } from "../logical/index.js";
import { readVaultVariable } from "../plugin/handshake.js";
import { serve } from "../plugin/serve.js";
import { protos } from "../plugin/proto.js";
import { BackendServer } from "./backend-server.js";

export interface ServeBackendOptions {
  /** Plugin name for logs, e.g. `vault-plugin-secrets-aws`. */
  name: string;
  type: BackendType;
  /** Reported through logical.PluginVersion; must equal `-version` at registration. */
  version: string;
  factory: BackendFactory;
}

export async function serveBackend(options: ServeBackendOptions): Promise<void> {
  await serve({
    name: options.name,
    register: ({ server, broker, logger, env, onShutdown }) => {
      const p = protos();
      const metadataMode = readVaultVariable(env, "PLUGIN_METADATA_MODE") === "true";
      logger.debug("serving backend", {
        version: options.version,
        vault_version: readVaultVariable(env, "VERSION") ?? "",
        metadata_mode: metadataMode,
      });
      const backends = new BackendServer({ factory: options.factory, type: options.type, broker, logger, metadataMode });
      server.addService(p.pb.Backend.service, backends.handlers);
      const version: PluginVersionHandlers = {
        Version: (_call, callback) => callback(null, { plugin_version: options.version }),
      };
      server.addService(p.logical.PluginVersion.service, version);
      // Every instance is keyed by multiplex_id, so one process can serve all mounts.
      const multiplexing: PluginMultiplexingHandlers = {
        MultiplexingSupport: (_call, callback) => callback(null, { supported: true }),
      };
      server.addService(p.pluginutil.multiplexing.PluginMultiplexing.service, multiplexing);
      onShutdown(() => backends.cleanupAll());
    },
  });
}
