// A TCP forwarder on a fixed loopback port that can take AWS away: `down()` closes the port
// (clients get ECONNREFUSED, as when the endpoint is unreachable), `hang()` accepts connections
// and never answers (a black-holed or stuck endpoint), `up()` forwards again on the same port.
// Existing connections are cut on every change, so pooled keep-alive sockets cannot bypass it.
import net from "node:net";
import type { AddressInfo } from "node:net";

export type FaultMode = "forward" | "down" | "hang";

export interface TcpFaultProxy {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  port: number;
  readonly mode: FaultMode;
  /** Connections accepted in hang mode so far. */
  readonly hungConnections: number;
  up(): Promise<void>;
  down(): Promise<void>;
  hang(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTcpFaultProxy(targetEndpoint: string): Promise<TcpFaultProxy> {
  const target = new URL(targetEndpoint);
  const sockets = new Set<net.Socket>();
  let mode: FaultMode = "forward";
  let hungConnections = 0;

  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
  };

  const server = net.createServer((client) => {
    track(client);
    if (mode === "hang") {
      hungConnections++;
      client.resume(); // read and drop the request; never write a byte back
      return;
    }
    const upstream = net.connect({ host: target.hostname, port: Number(target.port) });
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.on("close", () => client.destroy());
    client.on("close", () => upstream.destroy());
  });

  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const cutAll = (): void => {
    for (const s of sockets) s.destroy();
  };

  await listen(0);
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    get mode() {
      return mode;
    },
    get hungConnections() {
      return hungConnections;
    },
    async up() {
      cutAll();
      mode = "forward";
      if (!server.listening) await listen(port);
    },
    async down() {
      mode = "down";
      await close();
    },
    async hang() {
      cutAll();
      mode = "hang";
      if (!server.listening) await listen(port);
    },
    stop: close,
  };
}
