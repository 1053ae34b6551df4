// A loopback HTTP proxy in front of moto that makes IAM DeleteUser behave as AWS does.
//
// Why: moto's DeleteUser refuses only while inline or managed policies remain (moto/iam/models.py
// delete_user); it deletes a user that still has a login profile, access keys, group memberships,
// SSH public keys, MFA devices or signing certificates. AWS answers HTTP 409 DeleteConflict then
// (the DeleteUser API reference lists them as prerequisites), and that is exactly how upstream Vault
// leaks users on revoke (vault#16685). Through this proxy a test sees the difference.
//
// What it does:
//   * every request is forwarded unchanged (method, path, headers — Host included — and body) and
//     the answer streamed back. Keeping the client's Host matters with SigV4 checking on: moto
//     recomputes the signature over the signed headers as received, and the client signed the
//     proxy's host:port; verified by test/aws/clients.test.ts;
//   * an IAM `Action=DeleteUser` (form-encoded POST, as the SDKs send it) is first checked with
//     moto's own IAM API, using the credentials given here (the client's secret is unknown to us):
//     GetLoginProfile, ListAccessKeys, ListSigningCertificates, ListSSHPublicKeys, ListMFADevices,
//     ListGroupsForUser. If anything is left, the proxy answers 409 with AWS's XML error and the
//     request never reaches moto. The texts are those AWS returns (seen in real AWS answers quoted
//     in public issue threads: aws-nuke, terraform-provider-aws, cloud-custodian): e.g. "Cannot
//     delete entity, must delete login profile first.", "… must delete certificates first.", and the
//     generic "… must remove referenced objects first." AWS gives for SSH public keys;
//   * moto does not implement service-specific credentials at all (List/Create/Delete/Reset
//     ServiceSpecificCredential answer HTTP 500). With `emulateServiceSpecificCredentials` (default
//     on) the proxy answers ListServiceSpecificCredentials as AWS does for a user that has none:
//     an empty list, or NoSuchEntity for an unknown user. Nothing can create such credentials in
//     moto, so "none" is always the truth.
// Limits: the proxy does not verify the signature of a DeleteUser it refuses or of a
// ListServiceSpecificCredentials it answers itself; its checks run in moto's default account.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
} from "@aws-sdk/client-iam";
import type { AwsKeyPair } from "./moto.js";

/** One request seen by the proxy (for assertions on what a client called, and how). */
export interface ProxiedCall {
  /** Service and region from the SigV4 credential scope ("" when unsigned). */
  service: string;
  region: string;
  /** Query-protocol Action, "" for other requests. */
  action: string;
  /** The UserName parameter, if any. */
  userName: string | undefined;
  /** The SigV4 signature the client sent ("" when unsigned): a secret that must never be logged. */
  signature: string;
  /** The status the client got. */
  status: number;
  /** True when the proxy answered itself instead of moto. */
  answeredByProxy: boolean;
}

export interface DeleteConflictProxy {
  /** http://127.0.0.1:<port>: use it as iam_endpoint (and sts_endpoint, if STS calls should be logged). */
  endpoint: string;
  port: number;
  /** Every request so far, in arrival order. */
  calls: ProxiedCall[];
  /** DeleteUser requests answered with 409, with the message sent. */
  conflicts: { userName: string; message: string }[];
  /**
   * Fault injection: the next `count` requests for `action` are answered with an AWS
   * ServiceFailure (HTTP 500) instead of reaching moto, e.g. to break creds issuance between
   * CreateUser and CreateAccessKey. `error` picks another AWS answer, e.g. throttling:
   * `{ code: "Throttling", message: "Rate exceeded", status: 400 }`.
   */
  failNext(action: string, count?: number, error?: InjectedAwsError): void;
  /**
   * Holds the next request for `action` (and, when given, for a matching `userName`) before it reaches
   * moto, until `release()`: a test can then act while a client is in the middle of a call,
   * e.g. kill the node that sent it. Once released the request goes on as usual.
   */
  holdNext(action: string, userName?: string | RegExp): HeldCall;
  stop(): Promise<void>;
}

/** A request held by `holdNext`. */
export interface HeldCall {
  /** Resolves when the request has arrived (and is held). */
  arrived: Promise<ProxiedCall>;
  /** Resolves when the client closed the connection before getting its answer (it aborted). */
  clientGone: Promise<void>;
  release(): void;
}

/** The AWS error answer an injected failure gives. */
export interface InjectedAwsError {
  code: string;
  message: string;
  status: number;
}

const SERVICE_FAILURE: InjectedAwsError = { code: "ServiceFailure", message: "Injected failure (test rig)", status: 500 };

export interface DeleteConflictProxyOptions {
  /** Key used for the proxy's own checks; required when moto checks SigV4 (use its rootCredentials). */
  credentials?: AwsKeyPair;
  /** Answer ListServiceSpecificCredentials, which moto lacks (default true). */
  emulateServiceSpecificCredentials?: boolean;
}

const IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/";

/** AWS's messages, in the order the checks run. */
export const DELETE_CONFLICT_MESSAGES = {
  loginProfile: "Cannot delete entity, must delete login profile first.",
  accessKeys: "Cannot delete entity, must delete access keys first.",
  signingCertificates: "Cannot delete entity, must delete certificates first.",
  sshPublicKeys: "Cannot delete entity, must remove referenced objects first.",
  mfaDevices: "Cannot delete entity, must delete MFA device first.",
  groups: "Cannot delete entity, must remove users from group first.",
} as const;

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** AWS's query-protocol error document. */
function errorXml(code: string, message: string, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${IAM_XMLNS}"><Error><Type>Sender</Type><Code>${code}</Code>` +
    `<Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

function credentialScope(authorization: string | undefined): { service: string; region: string } {
  const m = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? "");
  return { region: m?.[1] ?? "", service: m?.[2] ?? "" };
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const code = (err as { Code?: unknown; name?: unknown }).Code ?? (err as { name?: unknown }).name;
  return typeof code === "string" ? code : undefined;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Start the proxy on a free 127.0.0.1 port, forwarding to `motoEndpoint`. */
export async function startDeleteConflictProxy(motoEndpoint: string, options: DeleteConflictProxyOptions = {}): Promise<DeleteConflictProxy> {
  const target = new URL(motoEndpoint);
  const iam = new IAMClient({
    region: "us-east-1",
    endpoint: motoEndpoint,
    // Any key works while moto checks nothing; with SigV4 on it must be one moto knows.
    credentials: options.credentials ?? { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "proxy-check" },
    maxAttempts: 1,
  });
  const emulateSsc = options.emulateServiceSpecificCredentials ?? true;
  const calls: ProxiedCall[] = [];
  const conflicts: { userName: string; message: string }[] = [];
  const failures = new Map<string, InjectedAwsError[]>();
  const holds: {
    action: string;
    userName: string | RegExp | undefined;
    arrive: (call: ProxiedCall) => void;
    gone: () => void;
    released: Promise<void>;
    release: () => void;
  }[] = [];

  /** The first AWS DeleteConflict message that applies, or undefined (also for unknown users). */
  async function conflictFor(userName: string): Promise<string | undefined> {
    try {
      try {
        await iam.send(new GetLoginProfileCommand({ UserName: userName }));
        return DELETE_CONFLICT_MESSAGES.loginProfile;
      } catch (err) {
        if (errorCode(err) !== "NoSuchEntity") throw err;
        // No login profile — or no user, which the next call tells apart.
      }
      if ((await iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata?.length) return DELETE_CONFLICT_MESSAGES.accessKeys;
      if ((await iam.send(new ListSigningCertificatesCommand({ UserName: userName }))).Certificates?.length) {
        return DELETE_CONFLICT_MESSAGES.signingCertificates;
      }
      if ((await iam.send(new ListSSHPublicKeysCommand({ UserName: userName }))).SSHPublicKeys?.length) return DELETE_CONFLICT_MESSAGES.sshPublicKeys;
      if ((await iam.send(new ListMFADevicesCommand({ UserName: userName }))).MFADevices?.length) return DELETE_CONFLICT_MESSAGES.mfaDevices;
      if ((await iam.send(new ListGroupsForUserCommand({ UserName: userName }))).Groups?.length) return DELETE_CONFLICT_MESSAGES.groups;
      return undefined;
    } catch (err) {
      // Unknown user: let moto give its own NoSuchEntity answer to the DeleteUser itself.
      if (errorCode(err) === "NoSuchEntity") return undefined;
      throw err;
    }
  }

  /** AWS's answer to ListServiceSpecificCredentials for a user without any. */
  async function serviceSpecificCredentialsAnswer(userName: string | undefined, requestId: string): Promise<{ status: number; body: string }> {
    if (userName) {
      try {
        await iam.send(new GetUserCommand({ UserName: userName }));
      } catch (err) {
        if (errorCode(err) === "NoSuchEntity") {
          return { status: 404, body: errorXml("NoSuchEntity", `The user with name ${userName} cannot be found.`, requestId) };
        }
        throw err;
      }
    }
    const body =
      `<ListServiceSpecificCredentialsResponse xmlns="${IAM_XMLNS}"><ListServiceSpecificCredentialsResult>` +
      `<ServiceSpecificCredentials/></ListServiceSpecificCredentialsResult>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></ListServiceSpecificCredentialsResponse>`;
    return { status: 200, body };
  }

  function answer(res: http.ServerResponse, status: number, body: string, requestId: string): void {
    res.writeHead(status, { "Content-Type": "text/xml", "x-amzn-RequestId": requestId, "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const { service, region } = credentialScope(req.headers.authorization);
    const form = (req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded") ? new URLSearchParams(body.toString("utf8")) : undefined;
    const action = form?.get("Action") ?? "";
    const userName = form?.get("UserName") ?? undefined;
    const signature = /Signature=([0-9a-f]+)/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    const call: ProxiedCall = { service, region, action, userName, signature, status: 0, answeredByProxy: false };
    calls.push(call);
    const isIam = service === "iam" || service === "";

    const userMatches = (wanted: string | RegExp | undefined): boolean =>
      wanted === undefined || (typeof wanted === "string" ? wanted === userName : userName !== undefined && wanted.test(userName));
    const held = holds.findIndex((h) => h.action === action && userMatches(h.userName));
    if (held >= 0) {
      const [hold] = holds.splice(held, 1);
      if (hold !== undefined) {
        res.once("close", () => {
          if (!res.writableFinished) hold.gone();
        });
        hold.arrive(call);
        await hold.released;
      }
    }

    const injected = failures.get(action)?.shift();
    if (injected !== undefined) {
      Object.assign(call, { status: injected.status, answeredByProxy: true });
      const requestId = randomUUID();
      answer(res, injected.status, errorXml(injected.code, injected.message, requestId), requestId);
      return;
    }

    if (isIam && req.method === "POST" && action === "DeleteUser" && userName) {
      const message = await conflictFor(userName);
      if (message) {
        conflicts.push({ userName, message });
        Object.assign(call, { status: 409, answeredByProxy: true });
        const requestId = randomUUID();
        answer(res, 409, errorXml("DeleteConflict", message, requestId), requestId);
        return;
      }
    }
    if (isIam && emulateSsc && action === "ListServiceSpecificCredentials") {
      const requestId = randomUUID();
      const out = await serviceSpecificCredentialsAnswer(userName, requestId);
      Object.assign(call, { status: out.status, answeredByProxy: true });
      answer(res, out.status, out.body, requestId);
      return;
    }

    await new Promise<void>((resolve, reject) => {
      const upstream = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          call.status = up.statusCode ?? 0;
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          up.on("end", resolve);
          up.on("error", reject);
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });
  }

  function holdNext(action: string, userName?: string | RegExp): HeldCall {
    let arrive: (call: ProxiedCall) => void = () => {};
    let gone: () => void = () => {};
    let release: () => void = () => {};
    const arrived = new Promise<ProxiedCall>((resolve) => (arrive = resolve));
    const clientGone = new Promise<void>((resolve) => (gone = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    holds.push({ action, userName, arrive, gone, released, release: () => release() });
    return { arrived, clientGone, release };
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // The client should see a clear failure of the test rig, not a hung socket.
      const message = err instanceof Error ? err.message : String(err);
      const requestId = randomUUID();
      if (!res.headersSent) answer(res, 500, errorXml("ProxyFailure", `delete-conflict proxy: ${message}`, requestId), requestId);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    calls,
    conflicts,
    failNext(action, count = 1, error = SERVICE_FAILURE) {
      const queued = failures.get(action) ?? [];
      for (let i = 0; i < count; i++) queued.push(error);
      failures.set(action, queued);
    },
    holdNext,
    async stop() {
      for (const hold of holds.splice(0)) hold.release();
      iam.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
