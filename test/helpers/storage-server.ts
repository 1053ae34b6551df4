// A pb.Storage server backed by InmemStorage on a Unix socket: what Vault serves on the broker.
import * as grpc from "@grpc/grpc-js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StorageHandlers } from "../../src/generated/pb/Storage.js";
import type { SystemViewHandlers } from "../../src/generated/pb/SystemView.js";
import { InmemStorage } from "../../src/logical/index.js";
import { protos } from "../../src/plugin/proto.js";

export interface StorageServer {
  address: string;
  storage: InmemStorage;
  close(): Promise<void>;
}

/** With `tls`, the server presents `certPem` and requires clients to present `clientRootPem`. */
export interface StorageServerTls {
  certPem: string;
  keyPem: string;
  clientRootPem: string;
}

export async function startStorageServer(tls?: StorageServerTls): Promise<StorageServer> {
  const storage = new InmemStorage();
  const fail = (err: unknown): string => (err instanceof Error ? err.message : String(err));
  const handlers: StorageHandlers = {
    List: (call, cb) => void storage.list(call.request.prefix).then((keys) => cb(null, { keys }), (e: unknown) => cb(null, { err: fail(e) })),
    Get: (call, cb) =>
      void storage.get(call.request.key).then(
        (entry) => cb(null, entry === undefined ? {} : { entry: { key: entry.key, value: Buffer.from(entry.value) } }),
        (e: unknown) => cb(null, { err: fail(e) }),
      ),
    Put: (call, cb) =>
      void storage
        .put({ key: call.request.entry?.key ?? "", value: call.request.entry?.value ?? Buffer.alloc(0) })
        .then(() => cb(null, {}), (e: unknown) => cb(null, { err: fail(e) })),
    Delete: (call, cb) => void storage.delete(call.request.key).then(() => cb(null, {}), (e: unknown) => cb(null, { err: fail(e) })),
  };
  // Vault serves SystemView on the same brokered connection; answer like a plain CE mount.
  const systemView: Pick<SystemViewHandlers, "DefaultLeaseTTL" | "MaxLeaseTTL" | "Tainted" | "CachingDisabled" | "ReplicationState" | "LocalMount" | "PluginEnv"> = {
    DefaultLeaseTTL: (_call, cb) => cb(null, { TTL: String(24n * 3600n * 1_000_000_000n) }),
    MaxLeaseTTL: (_call, cb) => cb(null, { TTL: String(48n * 3600n * 1_000_000_000n) }),
    Tainted: (_call, cb) => cb(null, { tainted: false }),
    CachingDisabled: (_call, cb) => cb(null, { disabled: false }),
    ReplicationState: (_call, cb) => cb(null, { state: 0 }),
    LocalMount: (_call, cb) => cb(null, { local: false }),
    PluginEnv: (_call, cb) => cb(null, { plugin_environment: { vault_version: "0.0.0-test", vault_version_prerelease: "", vault_version_metadata: "" } }),
  };
  const server = new grpc.Server();
  server.addService(protos().pb.Storage.service, handlers);
  // Unlisted RPCs answer UNIMPLEMENTED, which is what the plugin sees from OpenBao for Vault-only calls.
  server.addService(protos().pb.SystemView.service, systemView);
  const credentials =
    tls === undefined
      ? grpc.ServerCredentials.createInsecure()
      : grpc.ServerCredentials.createSsl(Buffer.from(tls.clientRootPem), [{ private_key: Buffer.from(tls.keyPem), cert_chain: Buffer.from(tls.certPem) }], true);
  const dir = mkdtempSync(join(tmpdir(), "vnp-storage-"));
  const address = join(dir, "storage.sock");
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix:${address}`, credentials, (err) => (err === null ? resolve() : reject(err))),
  );
  return {
    address,
    storage,
    close: () =>
      new Promise((resolve) =>
        server.tryShutdown(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        }),
      ),
  };
}
