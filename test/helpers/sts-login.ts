// Client side of the AWS auth method's iam login, written with the AWS SDK for JavaScript's own
// signer (@smithy/signature-v4), so the signatures are the SDK's and not ours: a header-signed POST
// of sts:GetCallerIdentity (what Vault's `vault login -method=aws` sends) and a presigned GET (what
// SDK v2 presigners produce, accepted since Vault 1.15). Each returns the four `iam_*` login fields.
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The login fields, base64 where Vault wants base64 (url, body, headers as JSON). */
export interface IamLoginFields {
  iam_http_request_method: "GET" | "POST";
  iam_request_url: string;
  iam_request_body: string;
  iam_request_headers: string;
}

export interface SignOptions {
  /** Region of the credential scope (default us-east-1). */
  region?: string;
  /** Value of X-Vault-AWS-IAM-Server-ID, signed with the rest. */
  serverId?: string;
  /** Host the request is addressed and signed to (default sts.amazonaws.com). */
  host?: string;
  /** Extra headers to sign and send (used to forge requests). */
  extraHeaders?: Record<string, string>;
  /** Form body to sign instead of GetCallerIdentity's (POST only; used to forge requests). */
  body?: string;
  /** Query string to add to the URL (used to forge requests). */
  query?: Record<string, string>;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The SDK's Checksum interface over node:crypto (hash, or HMAC when given a secret). */
class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {
    throw new Error("not supported");
  }
}

export const GET_CALLER_IDENTITY_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

function signer(creds: AwsCredentials, region: string): SignatureV4 {
  return new SignatureV4({ service: "sts", region, credentials: creds, sha256: NodeSha256 });
}

const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");

function headersJson(headers: Record<string, string>): string {
  // Vault's header map: name → list of values.
  return b64(JSON.stringify(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]))));
}

function queryString(query: Record<string, string | string[] | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === null) continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  }
  return params.toString();
}

/** A header-signed POST of GetCallerIdentity. */
export async function signedPostLogin(creds: AwsCredentials, opts: SignOptions = {}): Promise<IamLoginFields> {
  const host = opts.host ?? "sts.amazonaws.com";
  const body = opts.body ?? GET_CALLER_IDENTITY_BODY;
  const headers: Record<string, string> = {
    host,
    "content-type": "application/x-www-form-urlencoded; charset=utf-8",
    ...(opts.serverId !== undefined ? { "x-vault-aws-iam-server-id": opts.serverId } : {}),
    ...(opts.extraHeaders ?? {}),
  };
  const signed = await signer(creds, opts.region ?? "us-east-1").sign({
    method: "POST",
    protocol: "https:",
    hostname: host,
    path: "/",
    query: opts.query ?? {},
    headers,
    body,
  });
  const qs = opts.query ? `?${queryString(opts.query)}` : "";
  return {
    iam_http_request_method: "POST",
    iam_request_url: b64(`https://${host}/${qs}`),
    iam_request_body: b64(body),
    iam_request_headers: headersJson(signed.headers),
  };
}

/** A presigned GET of GetCallerIdentity (the signature in the query string). */
export async function presignedGetLogin(creds: AwsCredentials, opts: SignOptions = {}): Promise<IamLoginFields> {
  const host = opts.host ?? "sts.amazonaws.com";
  const headers: Record<string, string> = {
    host,
    ...(opts.serverId !== undefined ? { "x-vault-aws-iam-server-id": opts.serverId } : {}),
    ...(opts.extraHeaders ?? {}),
  };
  const presigned = await signer(creds, opts.region ?? "us-east-1").presign(
    {
      method: "GET",
      protocol: "https:",
      hostname: host,
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15", ...(opts.query ?? {}) },
      headers,
    },
    { expiresIn: 900 },
  );
  return {
    iam_http_request_method: "GET",
    iam_request_url: b64(`https://${host}/?${queryString(presigned.query ?? {})}`),
    iam_request_body: "",
    iam_request_headers: headersJson(presigned.headers),
  };
}

/** Re-sign check for a presigned GET: the signature the SDK computes for the same request and time. */
export async function expectedPresignSignature(creds: AwsCredentials, url: URL, headers: Record<string, string>): Promise<string> {
  const q = url.searchParams;
  const credential = (q.get("X-Amz-Credential") ?? "").split("/");
  const region = credential[2] ?? "";
  const date = q.get("X-Amz-Date") ?? "";
  const signingDate = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
  const signedNames = (q.get("X-Amz-SignedHeaders") ?? "").split(";");
  const query: Record<string, string> = {};
  for (const [k, v] of q) if (!k.startsWith("X-Amz-") || k === "X-Amz-Security-Token") query[k] = v;
  delete query["X-Amz-Security-Token"];
  const signedHeaders = Object.fromEntries(signedNames.map((n) => [n, headers[n] ?? ""]));
  const again = await signer(creds, region).presign(
    { method: "GET", protocol: "https:", hostname: signedHeaders["host"] ?? "", path: url.pathname, query, headers: signedHeaders },
    { signingDate, expiresIn: Number(q.get("X-Amz-Expires") ?? "900") },
  );
  const sig = again.query?.["X-Amz-Signature"];
  return typeof sig === "string" ? sig : "";
}
