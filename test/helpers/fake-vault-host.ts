// Plays Vault's side of the plugin protocol from Node: launches a built plugin file with the
// go-plugin environment, reads the handshake, connects with AutoMTLS, opens the broker stream,
// serves Storage on a brokered socket and drives pb.Backend. Lets tests send what the Go SDK
// never would (malformed JSON, unknown operations) and watch the process survive it.
import * as grpc from "@grpc/grpc-js";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { BackendClient } from "../../src/generated/pb/Backend.js";
import type { ConnInfo, ConnInfo__Output } from "../../src/generated/plugin/ConnInfo.js";
import type { Request } from "../../src/generated/pb/Request.js";
import type { HandleRequestReply__Output } from "../../src/generated/pb/HandleRequestReply.js";
import { generateServerCertificate, toPem, type ServerCertificate } from "../../src/plugin/mtls.js";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../src/plugin/handshake.js";
import { protos } from "../../src/plugin/proto.js";
import { startStorageServer, type StorageServer } from "./storage-server.js";

export interface FakeHost {
  child: ChildProcess;
  handshake: string[];
  pluginCertPem: string;
  hostCert: ServerCertificate;
  backend: BackendClient;
  channel: grpc.Channel;
  stderr: () => string;
  /**
   * Runs Setup for a mount; returns its storage. `storageCert` makes the brokered storage server
   * present another certificate than the one in PLUGIN_CLIENT_CERT (an impostor in Vault's place).
   */
  setup(multiplexId: string, options?: { storageCert?: ServerCertificate }): Promise<StorageServer>;
  request(multiplexId: string, request: Request): Promise<HandleRequestReply__Output>;
  close(): Promise<void>;
}

export function metadataFor(multiplexId: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("multiplex_id", multiplexId);
  return md;
}

export function unary<Res>(fn: (cb: (err: grpc.ServiceError | null, res?: Res) => void) => void): Promise<Res> {
  return new Promise((resolve, reject) =>
    fn((err, res) => (err !== null ? reject(err) : res === undefined ? reject(new Error("no response")) : resolve(res))),
  );
}

export async function startFakeHost(pluginPath: string, extraEnv: Record<string, string> = {}): Promise<FakeHost> {
  const hostCert = generateServerCertificate();
  const child = spawn(pluginPath, [], {
    env: {
      PATH: process.env["PATH"] ?? "",
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: "5",
      PLUGIN_CLIENT_CERT: hostCert.certPem,
      VAULT_PLUGIN_AUTOMTLS_ENABLED: "true",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`no handshake within 10 s; stderr: ${stderr}`)), 10_000);
    rl.once("line", (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once("exit", (code) => reject(new Error(`plugin exited ${code} before the handshake; stderr: ${stderr}`)));
  });
  const handshake = line.split("|");
  const certField = handshake[5] ?? "";
  const pluginCertPem = toPem("CERTIFICATE", Buffer.from(certField, "base64"));
  const options = {
    "grpc.ssl_target_name_override": "localhost",
    "grpc.default_authority": "localhost",
  };
  const channel = new grpc.Channel(
    `unix:${handshake[3] ?? ""}`,
    grpc.credentials.createSsl(Buffer.from(pluginCertPem), Buffer.from(hostCert.keyPem), Buffer.from(hostCert.certPem)),
    options,
  );
  const p = protos();
  const backend = new p.pb.Backend("plugin", grpc.credentials.createInsecure(), { channelOverride: channel });
  const broker = new p.plugin.GRPCBroker("plugin", grpc.credentials.createInsecure(), { channelOverride: channel });
  const stream: grpc.ClientDuplexStream<ConnInfo, ConnInfo__Output> = broker.StartStream();
  stream.on("error", () => undefined);
  const servers: StorageServer[] = [];
  let nextId = 1;

  return {
    child,
    handshake,
    pluginCertPem,
    hostCert,
    backend,
    channel,
    stderr: () => stderr,
    async setup(multiplexId, options = {}) {
      const cert = options.storageCert ?? hostCert;
      const server = await startStorageServer({ certPem: cert.certPem, keyPem: cert.keyPem, clientRootPem: pluginCertPem });
      servers.push(server);
      const id = nextId++;
      stream.write({ service_id: id, network: "unix", address: server.address });
      const reply = await unary<{ err: string }>((cb) =>
        backend.Setup({ broker_id: id, Config: { plugin_name: "aws-ts", plugin_type: "secret", plugin_version: "" }, backendUUID: multiplexId }, metadataFor(multiplexId), cb),
      );
      if (reply.err !== "") throw new Error(`Setup failed: ${reply.err}`);
      await unary((cb) => backend.Initialize({}, metadataFor(multiplexId), cb));
      return server;
    },
    request: (multiplexId, request) => unary((cb) => backend.HandleRequest({ request }, metadataFor(multiplexId), cb)),
    async close() {
      stream.end();
      channel.close();
      if (child.exitCode === null) child.kill("SIGKILL");
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
