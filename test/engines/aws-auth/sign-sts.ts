// Test helper: a GetCallerIdentity request signed by the AWS SDK's own SigV4 signer, turned into
// the four iam_* login fields exactly as `vault login -method=aws` (POST) or an SDK v2 presigner
// (GET) would send them.
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

/** The SDK's hash interface over node:crypto (HMAC when given a secret). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined
        ? createHash("sha256")
        : createHmac("sha256", typeof secret === "string" ? secret : Buffer.from(secret instanceof ArrayBuffer ? new Uint8Array(secret) : (secret as Uint8Array)));
  }
  update(data: string | Uint8Array | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === "string" ? data : Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : (data as Uint8Array)));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

export interface SignOptions {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  region?: string;
  /** The URL the client believes it talks to (its host is signed). */
  url?: string;
  method?: "POST" | "GET";
  /** Extra headers to sign (e.g. the server-ID header). */
  headers?: Record<string, string>;
  body?: string;
}

export interface IamLoginFields {
  iam_http_request_method: string;
  iam_request_url: string;
  iam_request_body: string;
  iam_request_headers: string;
}

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");

export async function signedLoginFields(o: SignOptions): Promise<IamLoginFields> {
  const region = o.region ?? "us-east-1";
  const url = new URL(o.url ?? "https://sts.amazonaws.com/");
  const method = o.method ?? "POST";
  const signer = new SignatureV4({
    service: "sts",
    region,
    sha256: NodeSha256,
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, ...(o.sessionToken !== undefined && { sessionToken: o.sessionToken }) },
  });
  const body = o.body ?? "Action=GetCallerIdentity&Version=2011-06-15";
  const base = {
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port !== "" && { port: Number(url.port) }),
    path: url.pathname,
    headers: { host: url.host, ...(o.headers ?? {}) } as Record<string, string>,
  };
  if (method === "POST") {
    const signed = await signer.sign({
      ...base,
      headers: { ...base.headers, "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body,
      query: {},
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(signed.headers)) headers[k] = String(v);
    return {
      iam_http_request_method: "POST",
      iam_request_url: b64(url.toString()),
      iam_request_body: b64(body),
      iam_request_headers: b64(JSON.stringify(headers)),
    };
  }
  const presigned = await signer.presign({ ...base, query: { Action: "GetCallerIdentity", Version: "2011-06-15" } }, { expiresIn: 900 });
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(presigned.query ?? {})) query.append(k, String(v));
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(presigned.headers)) headers[k] = String(v);
  return {
    iam_http_request_method: "GET",
    iam_request_url: b64(`${url.origin}${url.pathname}?${query.toString()}`),
    iam_request_body: "",
    iam_request_headers: b64(JSON.stringify(headers)),
  };
}
