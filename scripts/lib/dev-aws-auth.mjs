// `npm run dev` for the AWS auth method: point auth/aws at the local moto, create an IAM user there
// with a key, bind a role to it, and build ready-to-run login commands. OpenBao's CLI has no
// `login -method=aws`, so the `bao` line carries a GetCallerIdentity request signed here (with the
// AWS SDK for JavaScript's signer) — moto does not check X-Amz-Date, so it stays valid for the
// whole dev session. A HashiCorp `vault` CLI signs its own (`vault login -method=aws`).
// Plain Node ESM; @smithy/signature-v4 is a devDependency.

import { createHash, createHmac } from 'node:crypto';
import { URLSearchParams } from 'node:url';

import { SignatureV4 } from '@smithy/signature-v4';

export const DEV_SERVER_ID = 'vault.example.com';
const GET_CALLER_IDENTITY = 'Action=GetCallerIdentity&Version=2011-06-15';

class NodeSha256 {
  constructor(secret) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data) {
    this.h.update(data);
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
}

/**
 * One SigV4-signed query-protocol call to moto (`service` "iam" or "ec2"); resolves the XML answer.
 * moto's first EC2 call loads its AMI catalogue, which takes a while on a busy machine: callers
 * making one pass a longer `timeoutMs`.
 */
export async function signedMotoCall(moto, creds, service, params, { timeoutMs = 15_000 } = {}) {
  const body = new URLSearchParams(params).toString();
  const url = new URL(moto.endpoint);
  const signer = new SignatureV4({ service, region: 'us-east-1', credentials: creds, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const res = await fetch(`${moto.endpoint}/`, { method: 'POST', headers: signed.headers, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto ${params.Action} → HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/** The text of the first `<tag>` element of an AWS query-protocol answer ("" when absent). */
export const xmlText = (xml, tag) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1] ?? '';

/** The four iam_* login fields for a header-signed POST of GetCallerIdentity. */
export async function iamLoginFields(creds, serverId = DEV_SERVER_ID) {
  const host = 'sts.amazonaws.com';
  const signer = new SignatureV4({ service: 'sts', region: 'us-east-1', credentials: creds, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'https:',
    hostname: host,
    path: '/',
    headers: { host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'x-vault-aws-iam-server-id': serverId },
    body: GET_CALLER_IDENTITY,
  });
  const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');
  const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, [v]]));
  return {
    iam_http_request_method: 'POST',
    iam_request_url: b64(`https://${host}/`),
    iam_request_body: b64(GET_CALLER_IDENTITY),
    iam_request_headers: b64(JSON.stringify(headers)),
  };
}

/**
 * Configure `auth/<mount>` against moto and return the lines to print.
 * `cli` is 'bao' or 'vault'; `server.cli(args)` runs the server's CLI.
 */
export async function seedAwsAuth({ server, moto, mount = 'aws', cli }) {
  const must = async (args) => {
    const r = await server.cli(args);
    if (r.code !== 0) throw new Error(`${cli} ${args.slice(0, 2).join(' ')} failed: ${r.stderr || r.stdout}`);
  };
  const root = moto.rootCredentials;
  await must(['write', `auth/${mount}/config/client`, `access_key=${root.accessKeyId}`, `secret_key=${root.secretAccessKey}`,
    `endpoint=${moto.endpoint}`, `iam_endpoint=${moto.endpoint}`, `sts_endpoint=${moto.endpoint}`, 'sts_region=us-east-1',
    `iam_server_id_header_value=${DEV_SERVER_ID}`]);
  // An IAM user in moto with a key: the AWS principal that logs in.
  await signedMotoCall(moto, root, 'iam', { Action: 'CreateUser', UserName: 'dev-user', Version: '2010-05-08' });
  const keyXml = await signedMotoCall(moto, root, 'iam', { Action: 'CreateAccessKey', UserName: 'dev-user', Version: '2010-05-08' });
  const user = { accessKeyId: xmlText(keyXml, 'AccessKeyId'), secretAccessKey: xmlText(keyXml, 'SecretAccessKey') };
  const arn = 'arn:aws:iam::123456789012:user/dev-user';
  await must(['write', `auth/${mount}/role/dev`, 'auth_type=iam', `bound_iam_principal_arn=${arn}`, 'token_policies=default', 'token_ttl=1h']);
  await must(['write', `auth/${mount}/role/web`, 'auth_type=ec2', 'bound_ami_id=ami-0123456789abcdef0', 'role_tag=VaultRole', 'token_policies=default']);

  const f = await iamLoginFields(user);
  const lines = [
    `# auth/${mount}/ (AWS auth method) is configured against moto; IAM user ${arn} is bound to role "dev"`,
    `${cli} read auth/${mount}/config/client`,
    `${cli} read auth/${mount}/role/dev`,
    `${cli} write auth/${mount}/login role=dev iam_http_request_method=POST iam_request_url=${f.iam_request_url} \\`,
    `  iam_request_body=${f.iam_request_body} \\`,
    `  iam_request_headers=${f.iam_request_headers}`,
  ];
  if (cli === 'vault') {
    lines.push(`AWS_ACCESS_KEY_ID=${user.accessKeyId} AWS_SECRET_ACCESS_KEY=${user.secretAccessKey} \\`);
    lines.push(`  vault login -method=aws -path=${mount} role=dev header_value=${DEV_SERVER_ID} region=us-east-1`);
  } else {
    lines.push(`# (OpenBao's CLI has no "login -method=aws": the line above carries a request signed for dev-user)`);
  }
  lines.push(`${cli} write auth/${mount}/role/web/tag policies=default max_ttl=30m   # a role tag for the ec2 role "web"`);
  lines.push(`${cli} list auth/${mount}/roles`);
  return { lines, user };
}
