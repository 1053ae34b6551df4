// Start a throw-away moto server (the AWS emulator, shared/reference/testing.md §3) on 127.0.0.1 for
// the AWS engines' tests and benchmarks. Plain Node ESM, no npm dependencies.
//
// Root credentials. Every server gets an IAM user `vnp-moto-admin` with an inline policy allowing
// every action on every resource and one access key; that key is returned as `rootCredentials`.
// It is created by the first requests the server sees, while moto still accepts anything, so it is
// a real moto user in both modes (GetCallerIdentity and GetUser-without-name resolve to it, which
// config/rotate-root relies on). Those bootstrap requests carry a dummy SigV4 `Authorization`
// header only because moto's server routes a request to a service by the credential scope in it.
//
// SigV4 checking (`sigv4: true`). moto authenticates nothing until its global count of requests
// reaches `INITIAL_NO_AUTH_ACTION_COUNT` (env var, default infinity; moto/settings.py). Past that,
// every service request goes through moto/iam/access_control.py: the access key must belong to an
// IAM user (or assumed role) moto knows, else `InvalidClientTokenId`; the signature is recomputed
// with botocore from the stored secret over the signed headers (Host included) and body, else
// `SignatureDoesNotMatch`; then the caller's IAM policies must allow the action (`AccessDenied`;
// sts:GetCallerIdentity is always allowed). `POST /moto-api/reset-auth` with a number as body sets
// that threshold at run time and zeroes the count (moto/moto_api/_internal/responses.py). So: the
// server starts with the default (off), we bootstrap the admin, then reset-auth `0` switches
// checking on for every later request. The /moto-api/* endpoints themselves are never checked.
//
// reset() wipes all state (POST /moto-api/reset), which also deletes the admin. To keep
// `rootCredentials` valid across resets (a config/root written once stays usable), moto's random
// generator is seeded (`POST /moto-api/seed?a=…`) right before each bootstrap: the same sequence of
// calls then yields the same user id and the same access key pair. With SigV4 on, checking is
// switched off around the reset and bootstrap and back on afterwards. Should moto ever produce a
// different key anyway, `rootCredentials` is updated in place and reset() reports it.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { URLSearchParams } from 'node:url';

import { freePort, killQuietly, readTail, removeTmpUnlessKept, trackServer, untrackServer, waitUntilReady } from './process.mjs';
import { ensureMoto } from './tools.mjs';


export const ADMIN_USER = 'vnp-moto-admin';
const ADMIN_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});
// Any fixed value works: it only has to make the bootstrap sequence (and so the key) repeatable.
const SEED = 4242;
// moto's server picks the service from the credential scope of a SigV4 Authorization header.
const DUMMY_IAM_AUTH =
  'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20200101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0';

/** Text of the first `<tag>…</tag>` in an XML answer (moto's IAM answers are flat enough). */
function xmlText(xml, tag) {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (!m) return undefined;
  return m[1].replace(/&(lt|gt|quot|apos|amp);/g, (_, e) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]);
}

async function post(endpoint, p, body, headers = {}) {
  const res = await fetch(`${endpoint}${p}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto ${p} → HTTP ${res.status}: ${text.slice(0, 500)}`);
  return text;
}

/**
 * One unauthenticated IAM query-protocol call (only valid while moto's auth checking is off), in
 * moto's default account or in `accountId` (moto's `x-moto-account-id` header).
 */
function iamCall(endpoint, params, accountId) {
  const body = new URLSearchParams({ Version: '2010-05-08', ...params }).toString();
  return post(endpoint, '/', body, {
    'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
    Authorization: DUMMY_IAM_AUTH,
    ...(accountId ? { 'x-moto-account-id': accountId } : {}),
  });
}

/** Create the admin user, its allow-all policy and its key in one account. */
async function createAdmin(endpoint, accountId) {
  await iamCall(endpoint, { Action: 'CreateUser', UserName: ADMIN_USER }, accountId);
  await iamCall(endpoint, { Action: 'PutUserPolicy', UserName: ADMIN_USER, PolicyName: 'allow-all', PolicyDocument: ADMIN_POLICY }, accountId);
  const xml = await iamCall(endpoint, { Action: 'CreateAccessKey', UserName: ADMIN_USER }, accountId);
  const accessKeyId = xmlText(xml, 'AccessKeyId');
  const secretAccessKey = xmlText(xml, 'SecretAccessKey');
  if (!accessKeyId || !secretAccessKey) throw new Error(`moto CreateAccessKey answer without a key: ${xml.slice(0, 300)}`);
  return { accessKeyId, secretAccessKey };
}

/**
 * Seed moto's randomness, then create the admin in the default account and in each extra account.
 * Returns { root, accounts: { [accountId]: keyPair } }.
 */
async function bootstrapAdmin(endpoint, extraAccounts = []) {
  await post(endpoint, `/moto-api/seed?a=${SEED}`, '');
  const root = await createAdmin(endpoint);
  const accounts = {};
  // moto resolves a request's account from its access key, so each key works in its own account.
  for (const accountId of extraAccounts) accounts[accountId] = await createAdmin(endpoint, accountId);
  return { root, accounts };
}

/** Set moto's no-auth threshold: '0' = check every request from now on, 'inf' = check nothing. */
function setAuthThreshold(endpoint, value) {
  return post(endpoint, '/moto-api/reset-auth', value);
}

/**
 * Start moto_server on a free 127.0.0.1 port.
 * options:
 *   sigv4          – check SigV4 signatures and IAM policies (default false)
 *   extraAccounts  – account ids besides moto's default 123456789012 that get their own admin user
 *                    (same name, policy) at start; their keys are in `accountCredentials[id]`
 *   log            – progress logger (msg) => void; default silent
 *   env            – extra environment for the server (e.g. MOTO_IAM_LOAD_MANAGED_POLICIES: 'true')
 *   bin            – moto_server executable (default: ensureMoto())
 *   startTimeoutMs – default 60 s
 *   keepTmp        – keep the temp dir with the log on stop() (also env VNP_KEEP_TMP=1)
 * Returns { endpoint, port, pid, sigv4, logFile, tmpDir, rootCredentials, reset(), stop(), logTail() }.
 */
export async function startMoto(options = {}) {
  const { sigv4 = false, extraAccounts = [], log = () => {}, env: extraEnv = {}, startTimeoutMs = 60_000 } = options;
  for (const id of extraAccounts) {
    if (!/^\d{12}$/.test(id)) throw new Error(`extraAccounts: ${JSON.stringify(id)} is not a 12-digit account id`);
  }
  const bin = options.bin ?? (await ensureMoto());
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vnp-moto-'));
  const logFile = path.join(tmpDir, 'moto.log');

  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return await launch({ bin, port, tmpDir, logFile, extraEnv, startTimeoutMs, log, sigv4, extraAccounts, keepTmp: options.keepTmp });
    } catch (err) {
      lastError = err;
      // Another process may have taken the port between our probe and moto's bind.
      if (!/address already in use/i.test(readTail(logFile, 20))) break;
      log(`port ${port} was taken meanwhile; retrying`);
    }
  }
  process.stderr.write(`[moto] server failed to start; log: ${logFile}\n${readTail(logFile, 30)}\n`);
  throw lastError;
}

async function launch(o) {
  const { bin, port, tmpDir, logFile, extraEnv, startTimeoutMs, log, sigv4, extraAccounts } = o;
  const endpoint = `http://127.0.0.1:${port}`;
  const serverEnv = { ...process.env, ...extraEnv };
  // Our own switch decides when checking starts; an inherited threshold would break the bootstrap.
  delete serverEnv.INITIAL_NO_AUTH_ACTION_COUNT;
  delete serverEnv.MOTO_PORT;
  const logFd = fs.openSync(logFile, 'a');
  log(`starting ${bin} -H 127.0.0.1 -p ${port}`);
  const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', logFd, logFd], env: serverEnv, cwd: tmpDir });
  fs.closeSync(logFd);

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve((exited = { code, signal })));
    child.on('error', (error) => resolve((exited = { code: null, signal: null, error })));
  });

  let stopped = false;
  const server = {
    endpoint,
    port,
    pid: child.pid,
    sigv4,
    logFile,
    tmpDir,
    /** The admin's key pair; kept valid across reset() (updated in place if moto ever changes it). */
    rootCredentials: { accessKeyId: '', secretAccessKey: '' },
    /** The admin key pair of each of `extraAccounts` (kept valid across reset() like rootCredentials). */
    accountCredentials: Object.fromEntries(extraAccounts.map((id) => [id, { accessKeyId: '', secretAccessKey: '' }])),
    logTail(lines = 40) {
      return readTail(logFile, lines);
    },
    /**
     * Wipe every moto resource and re-create the admin. Resolves to { credentialsChanged }.
     * Not safe to call while requests are in flight against this server.
     */
    async reset() {
      if (sigv4) await setAuthThreshold(endpoint, 'inf');
      await post(endpoint, '/moto-api/reset', '');
      const { root: creds, accounts } = await bootstrapAdmin(endpoint, extraAccounts);
      if (sigv4) await setAuthThreshold(endpoint, '0');
      const same = (a, b) => a.accessKeyId === b.accessKeyId && a.secretAccessKey === b.secretAccessKey;
      const credentialsChanged =
        !same(creds, server.rootCredentials) || extraAccounts.some((id) => !same(accounts[id], server.accountCredentials[id]));
      Object.assign(server.rootCredentials, creds);
      for (const id of extraAccounts) Object.assign(server.accountCredentials[id], accounts[id]);
      return { credentialsChanged };
    },
    _killNow() {
      if (exited === null) killQuietly(child.pid, 'SIGKILL');
    },
    /** Stop the server and remove its temp dir (unless kept). Idempotent. */
    async stop(stopOpts = {}) {
      if (stopped) return;
      stopped = true;
      untrackServer(server);
      if (exited === null) {
        killQuietly(child.pid, 'SIGTERM');
        const t = setTimeout(() => killQuietly(child.pid, 'SIGKILL'), 5_000);
        await exitPromise;
        clearTimeout(t);
      }
      removeTmpUnlessKept({ tmpDir, keep: stopOpts.keepTmp ?? (o.keepTmp || undefined), log, what: `moto log: ${logFile}` });
    },
  };
  trackServer(server);

  // Ready = the HTTP app answers. GET /moto-api/reset is cheap and side-effect free (it wants POST).
  await waitUntilReady({
    server,
    what: 'moto',
    logFile,
    timeoutMs: startTimeoutMs,
    exited: () => exited,
    probe: async () => {
      const res = await fetch(`${endpoint}/moto-api/reset`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return true;
    },
  });

  try {
    const { root, accounts } = await bootstrapAdmin(endpoint, extraAccounts);
    Object.assign(server.rootCredentials, root);
    for (const id of extraAccounts) Object.assign(server.accountCredentials[id], accounts[id]);
    if (sigv4) await setAuthThreshold(endpoint, '0');
  } catch (err) {
    await server.stop({ keepTmp: true });
    throw new Error(`moto bootstrap failed: ${err.message}; log: ${logFile}`, { cause: err });
  }
  log(`moto ready at ${endpoint} (sigv4 ${sigv4 ? 'on' : 'off'}, log ${logFile})`);
  return server;
}
