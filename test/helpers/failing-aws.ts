// A loopback stand-in for IAM and STS (query protocol) that fails on purpose: every action but
// STS GetCallerIdentity is answered with one AWS error, or the server accepts connections and
// never answers at all. For the failure classes moto cannot produce.
import http from "node:http";
import net from "node:net";

export type FailingAwsMode =
  | { kind: "error"; status: number; code: string; message: string; /** Fail GetCallerIdentity too. */ identityToo?: boolean }
  | { kind: "hang" };

export interface FailingAws {
  endpoint: string;
  /** Actions received, in order. */
  actions: string[];
  stop(): Promise<void>;
}

const IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
<Arn>arn:aws:iam::123456789012:user/vnp-root</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>
</GetCallerIdentityResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;

const errorXml = (code: string, message: string): string =>
  `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`;

/** Starts the stand-in on 127.0.0.1; `hang` accepts every connection and never writes a byte. */
export async function startFailingAws(mode: FailingAwsMode): Promise<FailingAws> {
  const actions: string[] = [];
  const sockets = new Set<net.Socket>();
  const server =
    mode.kind === "hang"
      ? net.createServer((socket) => {
          sockets.add(socket);
          socket.on("close", () => sockets.delete(socket));
          socket.on("data", () => actions.push("(unanswered)"));
        })
      : http.createServer((req, res) => {
          let body = "";
          req.on("data", (chunk: Buffer) => (body += chunk.toString()));
          req.on("end", () => {
            const action = new URLSearchParams(body).get("Action") ?? "";
            actions.push(action);
            res.setHeader("Content-Type", "text/xml");
            if (action === "GetCallerIdentity" && mode.identityToo !== true) {
              res.end(IDENTITY);
              return;
            }
            res.statusCode = mode.status;
            res.end(errorXml(mode.code, mode.message));
          });
        });
  if (server instanceof http.Server) server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    actions,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A 127.0.0.1 port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen({ host: "127.0.0.1", port: 0 }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The error `promise` rejects with; fails when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}
