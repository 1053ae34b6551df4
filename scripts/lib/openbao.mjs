// Start a throw-away OpenBao (or HashiCorp Vault, via VAULT_BIN) dev server with a plugin directory,
// and register/mount our plugin files in it. Used by the e2e tests and `npm run dev`.
// Plain Node ESM, no npm dependencies. Everything listens on 127.0.0.1 only.
//
// Plugin directory: we pass a tiny HCL file with `plugin_directory = "<dir>"` through `-config`
// together with `-dev`. Both OpenBao and Vault merge -config files into the dev configuration
// (checked with OpenBao 2.6.1: `sys/config/state/sanitized` shows the directory, and the log says
// "successfully setup plugin catalog"). We do NOT use `-dev-plugin-dir`: it auto-registers every file
// in the directory before the server reports ready, without a type, so core runs each file to probe
// the database protocol first and then backend v5/v4 — slower, and any registration error aborts the
// start-up. Explicit registration with a type and a version (registerAndMount) avoids all of that.
//
// The directory is a real path (fs.realpathSync): core compares it with the symlink-resolved
// directory of the command and refuses plugins "outside of configured plugin directory" otherwise.
// Plugin files are copied (never symlinked) into it; the catalog SHA-256 is taken from the copy.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort, killQuietly, portFree, readTail, removeTmpUnlessKept, sleep, trackServer, untrackServer, waitUntilReady } from './process.mjs';
import { ensureBao } from './tools.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `v` + package.json version: what our plugins report through the PluginVersion RPC. */
export function defaultPluginVersion() {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  return `v${pkg.version}`;
}

export function sha256File(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A free port P on 127.0.0.1 such that P+1 (the dev server's cluster port) is free too. */
export async function freePortPair() {
  for (let i = 0; i < 50; i++) {
    const port = await freePort();
    if (port < 65535 && (await portFree(port + 1))) return port;
  }
  throw new Error('no free port pair found on 127.0.0.1');
}

/**
 * Processes whose command line mentions a file inside `dir` (plugin processes: for a
 * `#!/usr/bin/env node` file the cmdline is `node <dir>/<file>`). Linux /proc only.
 * Returns [{ pid, args }].
 */
export function findProcessesUsing(dir, basename) {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const out = [];
  let entries;
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid) continue;
    let raw;
    try {
      raw = fs.readFileSync(`/proc/${e}/cmdline`, 'utf8');
    } catch {
      continue; // gone, or not ours to read
    }
    if (!raw) continue; // zombie / kernel thread
    const args = raw.split('\0').filter(Boolean);
    const hit = args.some(
      (a) => a.startsWith(prefix) && (basename === undefined || path.basename(a) === basename),
    );
    if (hit) out.push({ pid, args });
  }
  return out;
}

/** Copy `file` into `pluginDir` (skipped when the same bytes are already there); returns the copy's path. */
export function copyPlugin(pluginDir, file) {
  const src = path.resolve(file);
  if (!fs.existsSync(src)) throw new Error(`plugin file not found: ${src}`);
  const dest = path.join(pluginDir, path.basename(src));
  if (!(fs.existsSync(dest) && sha256File(dest) === sha256File(src))) {
    // Write next to it and rename: a running plugin process keeps its old inode.
    const tmp = `${dest}.tmp-${process.pid}`;
    fs.copyFileSync(src, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, dest);
  }
  return dest;
}

/**
 * Start a dev server.
 * options:
 *   plugins   – plugin files (paths, or objects with a `file`) to copy into the plugin directory
 *   port      – listen port (default: a free one); the cluster port is port+1
 *   log       – progress logger (msg) => void; default: silent
 *   logLevel  – server log level (default 'debug': plugin stderr is logged at debug level)
 *   bin       – server binary (default: ensureBao(), i.e. VAULT_BIN or the pinned OpenBao)
 *   env       – extra environment for the server process (plugins inherit it)
 *   startTimeoutMs – default 60 s
 *   keepTmp   – do not delete the temp dir on stop() (also env VNP_KEEP_TMP=1)
 *   rawStorage – enable sys/raw (`raw_storage_endpoint = true`), so a test can read and rewrite
 *               a mount's storage, e.g. to age a WAL entry instead of waiting minutes for it
 * Returns { addr, token, bin, pid, pluginDir, tmpDir, logFile, env, exited, cli(args, opts),
 *           http(method, path, body), pluginProcesses(basename?), logTail(lines), stop({ keepTmp }) }.
 */
export async function startServer(options = {}) {
  const {
    plugins = [],
    log = () => {},
    logLevel = 'debug',
    env: extraEnv = {},
    startTimeoutMs = 60_000,
  } = options;
  const bin = options.bin ?? (await ensureBao());
  const portGiven = options.port !== undefined && options.port !== null;
  const token = 'root';

  const tmpDir = fs.realpathSync(fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'vnp-bao-')));
  const pluginDir = path.join(tmpDir, 'plugins');
  fs.mkdirSync(pluginDir, { mode: 0o755 });
  const configFile = path.join(tmpDir, 'config.hcl');
  const rawStorage = options.rawStorage ? 'raw_storage_endpoint = true\n' : '';
  fs.writeFileSync(configFile, `plugin_directory = ${JSON.stringify(pluginDir)}\n${rawStorage}`);
  const logFile = path.join(tmpDir, 'server.log');

  for (const p of plugins) copyPlugin(pluginDir, typeof p === 'string' ? p : p.file);

  let lastError;
  for (let attempt = 0; attempt < (portGiven ? 1 : 3); attempt++) {
    const port = portGiven ? Number(options.port) : await freePortPair();
    const addr = `http://127.0.0.1:${port}`;
    try {
      const server = await launch({ bin, addr, port, token, tmpDir, pluginDir, configFile, logFile, logLevel, extraEnv, startTimeoutMs, log, keepTmp: options.keepTmp });
      return server;
    } catch (err) {
      lastError = err;
      const inUse = /address already in use/i.test(readTail(logFile, 40));
      if (!inUse || portGiven) break;
      log(`port ${port} was taken meanwhile; retrying`);
    }
  }
  process.stderr.write(`[openbao] server failed to start; log: ${logFile}\n${readTail(logFile, 30)}\n`);
  throw lastError;
}

async function launch(o) {
  const { bin, addr, port, token, tmpDir, pluginDir, configFile, logFile, logLevel, extraEnv, startTimeoutMs, log } = o;
  const clientEnv = { VAULT_ADDR: addr, VAULT_TOKEN: token, BAO_ADDR: addr, BAO_TOKEN: token };
  const logFd = fs.openSync(logFile, 'a');
  const args = [
    'server',
    '-dev',
    `-dev-root-token-id=${token}`,
    `-dev-listen-address=127.0.0.1:${port}`,
    '-dev-no-store-token', // don't write ~/.vault-token
    `-config=${configFile}`,
    `-log-level=${logLevel}`,
  ];
  log(`starting ${bin} ${args.join(' ')}`);
  const serverEnv = { ...process.env, ...extraEnv };
  // A stray client setting in our own environment must not leak into the server.
  for (const k of ['VAULT_ADDR', 'VAULT_TOKEN', 'BAO_ADDR', 'BAO_TOKEN']) delete serverEnv[k];
  const child = spawn(bin, args, { stdio: ['ignore', logFd, logFd], env: serverEnv, cwd: tmpDir });
  fs.closeSync(logFd);

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
    child.on('error', (err) => {
      exited = { code: null, signal: null, error: err };
      resolve(exited);
    });
  });

  let stopped = false;
  const server = {
    addr,
    token,
    bin,
    pid: child.pid,
    pluginDir,
    tmpDir,
    logFile,
    env: clientEnv,
    /** Resolves with { code, signal } when the server process exits. */
    exited: exitPromise,
    /** Run the CLI (`bao`/`vault`) against this server. */
    cli(cliArgs, opts = {}) {
      return runCli(bin, cliArgs, { ...process.env, ...clientEnv, ...(opts.env ?? {}) }, opts.timeoutMs ?? 60_000, opts.input);
    },
    /** HTTP API call; `p` is '/v1/…' or a path relative to /v1/. */
    http(method, p, body, opts = {}) {
      return vaultHttp(addr, token, method, p, body, opts);
    },
    /** Live processes running a file from this server's plugin directory. */
    pluginProcesses(basename) {
      return findProcessesUsing(pluginDir, basename);
    },
    logTail(lines = 40) {
      return readTail(logFile, lines);
    },
    _killNow() {
      if (exited === null) killQuietly(child.pid, 'SIGKILL');
      for (const p of findProcessesUsing(pluginDir)) killQuietly(p.pid, 'SIGKILL');
    },
    /** Stop the server and every plugin process it started; remove the temp dir. Idempotent. */
    async stop(stopOpts = {}) {
      if (stopped) return;
      stopped = true;
      untrackServer(server);
      if (exited === null) {
        killQuietly(child.pid, 'SIGTERM');
        const t = setTimeout(() => killQuietly(child.pid, 'SIGKILL'), 10_000);
        await exitPromise;
        clearTimeout(t);
      }
      // The server kills its plugins on shutdown; make sure, since a plugin could ignore it.
      for (let i = 0; i < 20; i++) {
        const left = findProcessesUsing(pluginDir);
        if (!left.length) break;
        if (i >= 4) for (const p of left) killQuietly(p.pid, 'SIGKILL');
        await sleep(100);
      }
      removeTmpUnlessKept({ tmpDir, keep: stopOpts.keepTmp ?? (o.keepTmp || undefined), log, what: `server log: ${logFile}` });
    },
  };
  trackServer(server);

  // Wait for GET /v1/sys/health → 200 (initialized, unsealed, active).
  await waitUntilReady({
    server,
    what: 'server',
    logFile,
    timeoutMs: startTimeoutMs,
    exited: () => exited,
    probe: async () => {
      const res = await fetch(`${addr}/v1/sys/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return res.status === 200;
    },
  });
  log(`server ready at ${addr} (log ${logFile})`);
  return server;
}

export function runCli(bin, args, env, timeoutMs, input) {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      stderr += `\n[openbao] CLI timed out after ${timeoutMs} ms`;
      killQuietly(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: `${stderr}${err.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
}

/** Throw with the CLI output when `res` is not a success. */
function must(res, what) {
  if (res.code !== 0) {
    throw new Error(`${what} failed (exit ${res.code}):\n${res.stdout}${res.stderr}`);
  }
  return res;
}

/**
 * Copy `file` into the server's plugin directory, register it in the catalog with its SHA-256 and
 * version, and enable it at `mountPath`.
 *   plugin register -sha256=<sha> -command=<basename> -version=<v> <secret|auth> <name>
 *   secrets enable -path=<mount> -plugin-version=<v> <name>     (auth enable … for type 'auth')
 * `mountPath` for auth plugins may be given as 'auth/aws' or 'aws'. `mount: false` registers only.
 * Returns { name, type, mountPath, version, sha256, command, file }.
 */
export async function registerAndMount(server, spec) {
  const { file, type, name } = spec;
  if (type !== 'secret' && type !== 'auth') throw new Error(`plugin type must be 'secret' or 'auth', got ${type}`);
  const version = spec.version ?? defaultPluginVersion();
  const copy = copyPlugin(server.pluginDir, file);
  const sha = sha256File(copy);
  const command = path.basename(copy);
  must(
    await server.cli([
      'plugin',
      'register',
      `-sha256=${sha}`,
      `-command=${command}`,
      ...(version ? [`-version=${version}`] : []),
      type,
      name,
    ]),
    `plugin register ${type} ${name}`,
  );
  let mountPath = (spec.mountPath ?? name).replace(/^\/+|\/+$/g, '');
  if (type === 'auth') mountPath = mountPath.replace(/^auth\//, '');
  if (spec.mount !== false) {
    const verb = type === 'secret' ? 'secrets' : 'auth';
    must(
      await server.cli([verb, 'enable', `-path=${mountPath}`, ...(version ? [`-plugin-version=${version}`] : []), name]),
      `${verb} enable -path=${mountPath} ${name}`,
    );
  }
  return { name, type, mountPath: type === 'auth' ? `auth/${mountPath}` : mountPath, version, sha256: sha, command, file: copy };
}

/**
 * Describe a built plugin from its file name (the project's naming rule):
 *   vault-plugin-secrets-<x> → { type: 'secret', name: '<x>-ts',      mountPath: '<x>' }
 *   vault-plugin-auth-<x>    → { type: 'auth',   name: '<x>-auth-ts', mountPath: 'auth/<x>' }
 * Returns null for other names.
 */
export function pluginFromFile(file) {
  const m = /^vault-plugin-(secrets|auth)-([a-z0-9][a-z0-9-]*)$/.exec(path.basename(file));
  if (!m) return null;
  const engine = m[2];
  return m[1] === 'secrets'
    ? { file, type: 'secret', name: `${engine}-ts`, mountPath: engine }
    : { file, type: 'auth', name: `${engine}-auth-ts`, mountPath: `auth/${engine}` };
}

/**
 * One HTTP API call to a server at `addr`; `p` is '/v1/…' or a path relative to /v1/. Resolves
 * { status, json (null when the body is not JSON), text }. `opts`: token, headers, timeoutMs,
 * redirect ('follow' by default; a cluster test passes 'manual' to see a standby's 307).
 */
export async function vaultHttp(addr, token, method, p, body, opts = {}) {
  const url = `${addr}${p.startsWith('/v1/') ? p : `/v1/${p.replace(/^\/+/, '')}`}`;
  const headers = { 'X-Vault-Token': opts.token ?? token, ...(opts.headers ?? {}) };
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(url, { method, headers, body: payload, redirect: opts.redirect ?? 'follow', signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, json, text };
}
