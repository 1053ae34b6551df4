// go-plugin's Serve, plugin side (protocol.md §1–§4; hashicorp/go-plugin server.go): check the
// magic cookie, pick the protocol, make the AutoMTLS certificate, listen on a Unix socket, serve
// the go-plugin services beside the application's, and print the one handshake line on stdout.
import * as grpc from "@grpc/grpc-js";
import { Broker, type BrokerTls } from "./broker.js";
import { controllerHandlers } from "./controller.js";
import {
  ENV,
  HandshakeError,
  checkMagicCookie,
  formatHandshake,
  negotiateProtocol,
  type Env,
} from "./handshake.js";
import { healthHandlers } from "./health.js";
import { GRPC_OPTIONS } from "./limits.js";
import { planUnixSocket, removeSocket, restrictSocket } from "./listener.js";
import { HclogLogger } from "./logger.js";
import { leanAsyncResourceBind } from "./node-workarounds.js";
import { generateServerCertificate } from "./mtls.js";
import { protos } from "./proto.js";
import { StdioService } from "./stdio.js";

/** What the application gets to wire its services to the running plugin. */
export interface PluginRuntime {
  server: grpc.Server;
  broker: Broker;
  logger: HclogLogger;
  env: Env;
  /** Runs before the process exits on Shutdown or SIGTERM; errors are logged. */
  onShutdown: (hook: () => Promise<void>) => void;
}

export interface ServeOptions {
  /** Used in log lines. */
  name: string;
  register(runtime: PluginRuntime): void;
  env?: Env;
}

/** Hard limit for a graceful stop; the host SIGKILLs 2 s after Shutdown. */
const SHUTDOWN_DEADLINE_MS = 1_500;
/** Time for replies already being written to reach the host before connections are cut. */
const FLUSH_GRACE_MS = 100;

export async function serve(options: ServeOptions): Promise<void> {
  const env = options.env ?? process.env;
  const logger = new HclogLogger(options.name);
  try {
    checkMagicCookie(env);
    if ((env[ENV.multiplexGrpc] ?? "") !== "") {
      throw new HandshakeError(
        `${ENV.multiplexGrpc} is set, but this plugin does not support go-plugin's multiplexed broker ` +
          "connection (Vault only asks for it when running plugins in containers); run it as an ordinary plugin",
      );
    }
  } catch (err) {
    if (!(err instanceof HandshakeError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }

  leanAsyncResourceBind();
  const protocol = negotiateProtocol(env);
  if (!protocol.offered) {
    logger.warn("host did not offer plugin protocol 5; announcing 5 so it can report the mismatch", {
      offered: env[ENV.protocolVersions] ?? "",
    });
  }

  const hostCertPem = env[ENV.clientCert];
  const own = hostCertPem === undefined || hostCertPem === "" ? undefined : generateServerCertificate();
  const tls: BrokerTls | undefined = own === undefined || hostCertPem === undefined ? undefined : { rootPem: hostCertPem, certPem: own.certPem, keyPem: own.keyPem };

  const server = new grpc.Server(GRPC_OPTIONS);
  const broker = new Broker(tls, logger.named("broker"));
  const stdio = new StdioService();
  const hooks: (() => Promise<void>)[] = [];
  const socket = planUnixSocket(env);

  let stopping = false;
  const shutdown = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    logger.debug("plugin shutting down", { reason });
    const exit = (): never => {
      removeSocket(socket);
      process.exit(0);
    };
    setTimeout(exit, SHUTDOWN_DEADLINE_MS).unref();
    void Promise.allSettled(hooks.map((hook) => hook())).then((results) => {
      for (const result of results) {
        if (result.status === "rejected") logger.error("shutdown hook failed", { error: String(result.reason) });
      }
      // The host's broker and stdio streams never end on their own: close our halves, give
      // in-flight replies (Shutdown's own) a moment to flush, then cut what is left.
      stdio.close();
      broker.close();
      // (grpc-js only reports a finished tryShutdown when channelz is on, which it is not here.)
      setTimeout(() => {
        server.forceShutdown();
        exit();
      }, FLUSH_GRACE_MS).unref();
      server.tryShutdown(exit);
    });
  };

  const p = protos();
  server.addService(p.grpc.health.v1.Health.service, healthHandlers);
  server.addService(p.plugin.GRPCController.service, controllerHandlers(shutdown));
  server.addService(p.plugin.GRPCStdio.service, stdio.handlers);
  server.addService(p.plugin.GRPCBroker.service, { StartStream: broker.startStream });
  options.register({ server, broker, logger, env, onShutdown: (hook) => hooks.push(hook) });

  const credentials =
    own === undefined || hostCertPem === undefined
      ? grpc.ServerCredentials.createInsecure()
      : grpc.ServerCredentials.createSsl(Buffer.from(hostCertPem), [{ private_key: Buffer.from(own.keyPem), cert_chain: Buffer.from(own.certPem) }], true);

  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix:${socket.path}`, credentials, (err) => (err === null ? resolve() : reject(err)));
  });
  restrictSocket(socket);

  // go-plugin servers ignore SIGINT so a Ctrl-C at Vault's terminal lets Vault clean up first.
  process.on("SIGINT", () => logger.debug("ignoring SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("unhandledRejection", (reason) => logger.error("unhandled rejection", { error: String(reason) }));
  process.on("exit", () => removeSocket(socket));

  process.stdout.write(
    formatHandshake({
      appProtocol: protocol.version,
      network: "unix",
      address: socket.path,
      ...(own === undefined ? {} : { serverCertDer: own.der }),
    }),
  );
}
