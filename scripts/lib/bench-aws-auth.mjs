// Login latency and throughput of the AWS auth method, ours beside the Go reference (Vault v1.21.4's
// builtin/credential/aws served as an external plugin), in the same run and the same OpenBao dev
// server: both are registered and mounted (auth/aws-ts, auth/aws-go), both configured against the
// same moto, and driven over Vault's HTTP API with the same requests:
//   iam  – a header-signed POST of sts:GetCallerIdentity by a moto IAM user (moto does not check
//          X-Amz-Date, so one signed request is replayed, as vault-benchmark's aws_auth does);
//   ec2  – an identity document of a moto instance (RunInstances) with its RSA SHA-256 `signature`,
//          checked against a test-only certificate registered with config/certificate type=identity;
//          the nonce of the first login is sent with every later one.
// Each at concurrency 1 and 16: p50/p99 per request and requests per second. moto answers with
// SigV4 checking off here (its checks cost the same for both plugins and are not what is measured).
// Plain Node ESM; node-forge (a dependency) makes the test certificate.

import { createSign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import forge from 'node-forge';

import { iamLoginFields, signedMotoCall, xmlText } from './dev-aws-auth.mjs';
import { startMoto } from './moto.mjs';
import { registerAndMount, startServer } from './openbao.mjs';

const SERVER_ID = 'bench.example.com';
const LEVELS = [1, 16];

/** A self-signed RSA certificate (test-only, made per run) and a signer for identity documents. */
function identitySigner() {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const attrs = [{ name: 'commonName', value: 'vnp bench identity (test only)' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const keyPem = forge.pki.privateKeyToPem(keys.privateKey);
  return {
    certPem: forge.pki.certificateToPem(cert),
    sign: (doc) => createSign('sha256').update(doc).sign(keyPem, 'base64'),
  };
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** `requests` calls of `once` with `concurrency` in flight; latencies in ms and requests/s. */
async function drive(once, requests, concurrency) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  let firstError = '';
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next++;
        const t = performance.now();
        const err = await once();
        latencies.push(performance.now() - t);
        if (err) {
          failures++;
          firstError ||= err;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { concurrency, requests, failures, first_error: firstError || undefined, p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99), rps: requests / seconds };
}

async function configureMount(server, mount, moto, certPem) {
  const must = async (args) => {
    const r = await server.cli(args);
    if (r.code !== 0) throw new Error(`bao ${args.slice(0, 2).join(' ')} on ${mount}: ${r.stderr || r.stdout}`);
  };
  const { accessKeyId, secretAccessKey } = moto.rootCredentials;
  const client = { access_key: accessKeyId, secret_key: secretAccessKey, endpoint: moto.endpoint, iam_endpoint: moto.endpoint,
    sts_endpoint: moto.endpoint, sts_region: 'us-east-1', iam_server_id_header_value: SERVER_ID };
  const written = await server.cli(['write', `${mount}/config/client`, ...Object.entries(client).map(([k, v]) => `${k}=${v}`)]);
  if (written.code !== 0 && /DeregisterRotationJob/.test(written.stderr + written.stdout)) {
    // Vault 1.21's config/client write always asks the host to deregister a rotation job, which
    // OpenBao's system view does not implement. Both plugins read Vault's storage layout, so the
    // entry is written as Vault would store it, through sys/raw, before the mount's first use.
    const auths = await server.http('GET', '/v1/sys/auth');
    const uuid = auths.json?.data?.[`${mount.replace(/^auth\//, '')}/`]?.uuid;
    if (!uuid) throw new Error(`no uuid for ${mount} in sys/auth`);
    const entry = { ...client, use_sts_region_from_client: false, allowed_sts_header_values: null, max_retries: -1, role_arn: '',
      identity_token_audience: '', identity_token_ttl: 0 };
    const raw = await server.http('PUT', `/v1/sys/raw/auth/${uuid}/config/client`, { value: JSON.stringify(entry) });
    if (raw.status !== 204 && raw.status !== 200) throw new Error(`sys/raw write of ${mount}/config/client: HTTP ${raw.status} ${raw.text}`);
  } else if (written.code !== 0) {
    throw new Error(`bao write ${mount}/config/client: ${written.stderr || written.stdout}`);
  }
  await must(['write', `${mount}/config/certificate/bench`, `aws_public_cert=${Buffer.from(certPem).toString('base64')}`, 'type=identity']);
  await must(['write', `${mount}/role/iam-bench`, 'auth_type=iam', 'bound_iam_principal_arn=arn:aws:iam::123456789012:user/bench-user', 'token_policies=bench']);
  await must(['write', `${mount}/role/ec2-bench`, 'auth_type=ec2', 'bound_account_id=123456789012', 'token_policies=bench']);
}

/**
 * Profiling runs only (VNP_BENCH_CPU_PROF=<dir>, never set by the bench itself): a shell script,
 * made in a temporary folder and registered in the plugin's place, runs the plugin under
 * `node --cpu-prof`, which writes a .cpuprofile into <dir> when the plugin exits. Nothing of this is
 * in the plugin: an operator's plugin directory only ever holds the built file.
 */
function profiledPlugin(file, dir) {
  const wrapperDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnp-prof-'));
  const wrapper = path.join(wrapperDir, path.basename(file));
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${q(process.execPath)} --cpu-prof --cpu-prof-dir=${q(path.resolve(dir))} ${q(path.resolve(file))} "$@"\n`, { mode: 0o755 });
  return wrapper;
}

/**
 * Run the auth bench. opts: { ours, reference, requests, log }. Resolves { ours: rows, reference: rows }
 * where rows = [{ login: 'iam'|'ec2', concurrency, p50_ms, p99_ms, rps, failures }].
 */
export async function benchAwsAuth({ ours, reference, requests = 200, log = () => {} }) {
  const moto = await startMoto({ sigv4: false, log });
  let server;
  try {
    const root = moto.rootCredentials;
    await signedMotoCall(moto, root, 'iam', { Action: 'CreateUser', UserName: 'bench-user', Version: '2010-05-08' });
    const keyXml = await signedMotoCall(moto, root, 'iam', { Action: 'CreateAccessKey', UserName: 'bench-user', Version: '2010-05-08' });
    const user = { accessKeyId: xmlText(keyXml, 'AccessKeyId'), secretAccessKey: xmlText(keyXml, 'SecretAccessKey') };
    const run = await signedMotoCall(moto, root, 'ec2', { Action: 'RunInstances', Version: '2016-11-15', ImageId: 'ami-12c6146b', MinCount: '1', MaxCount: '1', InstanceType: 't2.micro' }, { timeoutMs: 120_000 });
    const instanceId = xmlText(run, 'instanceId');
    const imageId = xmlText(run, 'imageId');
    if (!instanceId) throw new Error(`RunInstances gave no instance id: ${run.slice(0, 300)}`);
    const signer = identitySigner();
    const doc = JSON.stringify({ accountId: '123456789012', region: 'us-east-1', instanceId, imageId, pendingTime: '2026-01-01T00:00:00Z', instanceType: 't2.micro', version: '2017-09-30' }, null, 2);
    const ec2Fields = { identity: Buffer.from(doc).toString('base64'), signature: signer.sign(doc) };
    const iamFields = await iamLoginFields(user, SERVER_ID);

    server = await startServer({ log, rawStorage: true });
    const profileDir = process.env.VNP_BENCH_CPU_PROF;
    if (profileDir) log(`profiling ours: .cpuprofile files go to ${profileDir}`);
    const mounts = {
      ours: (await registerAndMount(server, { file: profileDir ? profiledPlugin(ours, profileDir) : ours, type: 'auth', name: 'aws-ts', mountPath: 'aws-ts' })).mountPath,
      reference: (await registerAndMount(server, { file: reference, type: 'auth', name: 'aws-go', mountPath: 'aws-go' })).mountPath,
    };
    const results = { ours: [], reference: [], errors: {} };
    for (const [who, mount] of Object.entries(mounts)) {
      try {
        results[who].push(...(await benchMount(server, mount, moto, signer, { ec2Fields, iamFields, requests, log, who })));
      } catch (err) {
        // One plugin failing (e.g. a path it lacks) still leaves the other's rows.
        results.errors[who] = err.message;
        log(`${who}: ${err.message}`);
      }
    }
    return results;
  } finally {
    await server?.stop();
    await moto.stop();
  }
}

async function benchMount(server, mount, moto, signer, { ec2Fields, iamFields, requests, log, who }) {
  const rows = [];
  await configureMount(server, mount, moto, signer.certPem);
  const login = async (body) => {
    const res = await fetch(`${server.addr}/v1/${mount}/login`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    return res.status === 200 ? { ok: true, json: JSON.parse(text) } : { ok: false, error: `HTTP ${res.status}: ${text.slice(0, 200)}` };
  };
  // ec2: the first login makes the access-list entry and hands out the nonce later logins carry.
  const first = await login({ role: 'ec2-bench', ...ec2Fields });
  if (!first.ok) throw new Error(`${who}: first ec2 login failed: ${first.error}`);
  const nonce = first.json.auth?.metadata?.nonce ?? '';
  const kinds = {
    iam: { role: 'iam-bench', ...iamFields },
    ec2: { role: 'ec2-bench', ...ec2Fields, nonce },
  };
  for (const [kind, body] of Object.entries(kinds)) {
    const once = async () => {
      const r = await login(body);
      return r.ok ? '' : r.error;
    };
    await drive(once, Math.min(20, requests), 4); // warm-up: plugin start, client caches
    for (const c of LEVELS) {
      log(`${who} ${kind} login c=${c}: ${requests} requests`);
      rows.push({ login: kind, ...(await drive(once, requests, c)) });
    }
  }
  return rows;
}

/** The table rows: metric | ours | go | ratio. */
export function authRows(results) {
  const rows = [];
  const keys = [...results.ours, ...results.reference].map((r) => `${r.login} ${r.concurrency}`);
  for (const key of [...new Set(keys)]) {
    const same = (r) => `${r.login} ${r.concurrency}` === key;
    const g = results.reference.find(same) ?? {};
    const o = { ...(results.ours.find(same) ?? {}), login: key.split(' ')[0], concurrency: Number(key.split(' ')[1]) };
    rows.push([`${o.login} login c=${o.concurrency} p50 (ms)`, o.p50_ms, g.p50_ms, 2]);
    rows.push([`${o.login} login c=${o.concurrency} p99 (ms)`, o.p99_ms, g.p99_ms, 2]);
    rows.push([`${o.login} login c=${o.concurrency} throughput (req/s)`, o.rps, g.rps, 0]);
    if (o.failures || g.failures) rows.push([`${o.login} login c=${o.concurrency} failures`, o.failures, g.failures, 0]);
  }
  return rows;
}
