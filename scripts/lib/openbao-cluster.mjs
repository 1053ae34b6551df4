// A throw-away OpenBao HA cluster on 127.0.0.1: N servers with integrated storage (Raft), for the
// high-availability e2e tests. Plain Node ESM, no npm dependencies.
//
// Unlike the dev server (openbao.mjs) every node gets a real configuration file: `storage "raft"`
// with its own data directory and node_id, a TCP listener without TLS on a free port, api_addr and
// cluster_addr (the cluster port carries request forwarding and Raft; OpenBao always speaks TLS on
// it with certificates it generates), its own plugin_directory, and sys/raw enabled so a test can
// age WAL entries. Node 1 is initialized (Shamir 1 of 1) and unsealed; the others join its Raft
// cluster (`operator raft join`) and are unsealed with the same key. `performance_multiplier = 1`
// gives Raft its fastest timing, so a new leader is elected within seconds of losing one.
//
// Standby nodes of OpenBao 2.5+ serve reads themselves and forward what must write; plugins on them
// see the replication state ReplicationPerformanceStandby.
//
// The plugin catalog is replicated through Raft, but every node runs the plugin from its own
// plugin_directory: registerPlugin() copies the file into each one before registering it.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { copyPlugin, defaultPluginVersion, findProcessesUsing, runCli, sha256File, vaultHttp } from './openbao.mjs';
import { freePort, killQuietly, readTail, removeTmpUnlessKept, sleep, trackServer, untrackServer } from './process.mjs';
import { ensureBao } from './tools.mjs';

/** Distinct free ports (freePort() may hand out the same port twice before anything binds it). */
async function freePorts(count) {
  const ports = new Set();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function nodeConfig({ dataDir, pluginDir, apiPort, clusterPort, nodeId }) {
  return `storage "raft" {
  path = ${JSON.stringify(dataDir)}
  node_id = ${JSON.stringify(nodeId)}
  performance_multiplier = 1
}
listener "tcp" {
  address = "127.0.0.1:${apiPort}"
  cluster_address = "127.0.0.1:${clusterPort}"
  tls_disable = true
}
api_addr = "http://127.0.0.1:${apiPort}"
cluster_addr = "https://127.0.0.1:${clusterPort}"
plugin_directory = ${JSON.stringify(pluginDir)}
raw_storage_endpoint = true
`;
}

/** GET sys/health without following redirects: 200 active, 429 standby, 501 uninitialized, 503 sealed. */
async function health(addr) {
  try {
    const res = await fetch(`${addr}/v1/sys/health`, { signal: AbortSignal.timeout(3000) });
    const json = await res.json().catch(() => null);
    return { status: res.status, json };
  } catch {
    return { status: 0, json: null };
  }
}

async function until(what, fn, timeoutMs, node) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (node?.exitInfo) throw new Error(`${node.name} exited while waiting for ${what}; log ${node.logFile}:\n${readTail(node.logFile, 30)}`);
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) {
      const tail = node ? `; log ${node.logFile}:\n${readTail(node.logFile, 30)}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${tail}`);
    }
    await sleep(200);
  }
}

function must(res, what) {
  if (res.code !== 0) throw new Error(`${what} failed (exit ${res.code}):\n${res.stdout}${res.stderr}`);
  return res;
}

/**
 * Start a cluster.
 * options: size (default 3), log (msg) => void, logLevel (default 'debug': plugin stderr is logged
 * at debug level), startTimeoutMs (whole start-up, default 120 s), env (extra server environment),
 * keepTmp.
 * Returns { nodes, token, unsealKey, tmpDir, active(timeoutMs), standbys(), registerPlugin(spec),
 *           kill(node), stop() }; each node: { name, addr, pid, pluginDir, logFile, alive,
 *           http(method, path, body, opts), cli(args, opts), health(), logText(), pluginProcesses() }.
 */
export async function startCluster(options = {}) {
  const { size = 3, log = () => {}, logLevel = 'debug', startTimeoutMs = 120_000, env: extraEnv = {} } = options;
  const bin = options.bin ?? (await ensureBao());
  const deadline = Date.now() + startTimeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());
  const tmpDir = fs.realpathSync(fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'vnp-bao-ha-')));
  const cluster = { nodes: [], token: '', unsealKey: '', tmpDir };

  const serverEnv = { ...process.env, ...extraEnv };
  for (const k of ['VAULT_ADDR', 'VAULT_TOKEN', 'BAO_ADDR', 'BAO_TOKEN']) delete serverEnv[k];

  function launch(node) {
    const logFd = fs.openSync(node.logFile, 'a');
    const args = ['server', `-config=${node.configFile}`, `-log-level=${logLevel}`];
    log(`starting ${node.name}: ${bin} ${args.join(' ')}`);
    const child = spawn(bin, args, { stdio: ['ignore', logFd, logFd], env: serverEnv, cwd: node.dir });
    fs.closeSync(logFd);
    node.pid = child.pid;
    node.exitInfo = null;
    node.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => resolve((node.exitInfo = { code, signal })));
      child.on('error', (error) => resolve((node.exitInfo = { code: null, signal: null, error })));
    });
  }

  function makeNode(i, apiPort, clusterPort) {
    const name = `node${i + 1}`;
    const dir = path.join(tmpDir, name);
    const dataDir = path.join(dir, 'raft');
    const pluginDir = path.join(dir, 'plugins');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.mkdirSync(pluginDir, { mode: 0o755 });
    const configFile = path.join(dir, 'config.hcl');
    fs.writeFileSync(configFile, nodeConfig({ dataDir, pluginDir, apiPort, clusterPort, nodeId: name }));
    const addr = `http://127.0.0.1:${apiPort}`;
    const node = {
      name,
      addr,
      dir,
      pluginDir,
      configFile,
      logFile: path.join(dir, 'server.log'),
      pid: 0,
      exitInfo: null,
      exited: Promise.resolve(null),
      get alive() {
        return node.exitInfo === null;
      },
      health: () => health(addr),
      cli(args, opts = {}) {
        const clientEnv = { VAULT_ADDR: addr, BAO_ADDR: addr, VAULT_TOKEN: cluster.token, BAO_TOKEN: cluster.token };
        return runCli(bin, args, { ...process.env, ...clientEnv, ...(opts.env ?? {}) }, opts.timeoutMs ?? 60_000, opts.input);
      },
      http(method, p, body, opts = {}) {
        // Redirects are not followed: a standby that does not know the leader yet answers 307.
        return vaultHttp(addr, cluster.token, method, p, body, { redirect: 'manual', ...opts });
      },
      logText() {
        try {
          return fs.readFileSync(node.logFile, 'utf8');
        } catch {
          return '';
        }
      },
      pluginProcesses: (basename) => findProcessesUsing(pluginDir, basename),
    };
    return node;
  }

  /** SIGKILL the node and the plugin processes it started: the machine is gone, nothing shuts down. */
  async function kill(node) {
    if (node.alive) killQuietly(node.pid, 'SIGKILL');
    await node.exited;
    for (const p of findProcessesUsing(node.pluginDir)) killQuietly(p.pid, 'SIGKILL');
  }

  let stopped = false;
  Object.assign(cluster, {
    kill,
    /** The node that answers sys/health with 200, once exactly one does. */
    async active(timeoutMs = 60_000) {
      return until(
        'an active node',
        async () => {
          const live = cluster.nodes.filter((n) => n.alive);
          const states = await Promise.all(live.map((n) => n.health()));
          const active = live.filter((_, i) => states[i].status === 200);
          return active.length === 1 ? active[0] : undefined;
        },
        timeoutMs,
      );
    },
    /** Live nodes that report themselves standby (429). */
    async standbys() {
      const live = cluster.nodes.filter((n) => n.alive);
      const states = await Promise.all(live.map((n) => n.health()));
      return live.filter((_, i) => states[i].status === 429);
    },
    /**
     * Copy the plugin file into every node's plugin directory, register it through the active node
     * and (unless mount === false) enable it at `mountPath`. spec: { file, type, name, mountPath, version }.
     */
    async registerPlugin(spec) {
      const version = spec.version ?? defaultPluginVersion();
      let copy = '';
      for (const node of cluster.nodes) copy = copyPlugin(node.pluginDir, spec.file);
      const active = await cluster.active();
      const command = path.basename(copy);
      must(
        await active.cli(['plugin', 'register', `-sha256=${sha256File(copy)}`, `-command=${command}`, `-version=${version}`, spec.type, spec.name]),
        `plugin register ${spec.name}`,
      );
      if (spec.mount !== false) {
        const verb = spec.type === 'secret' ? 'secrets' : 'auth';
        must(await active.cli([verb, 'enable', `-path=${spec.mountPath}`, `-plugin-version=${version}`, spec.name]), `${verb} enable ${spec.mountPath}`);
      }
      return { ...spec, version, command };
    },
    async stop(stopOpts = {}) {
      if (stopped) return;
      stopped = true;
      untrackServer(cluster);
      for (const node of cluster.nodes) if (node.alive) killQuietly(node.pid, 'SIGTERM');
      const timer = setTimeout(() => cluster._killNow(), 10_000);
      await Promise.all(cluster.nodes.map((n) => n.exited));
      clearTimeout(timer);
      for (const node of cluster.nodes) for (const p of findProcessesUsing(node.pluginDir)) killQuietly(p.pid, 'SIGKILL');
      removeTmpUnlessKept({ tmpDir, keep: stopOpts.keepTmp ?? (options.keepTmp || undefined), log, what: 'cluster logs' });
    },
    _killNow() {
      for (const node of cluster.nodes) {
        if (node.alive) killQuietly(node.pid, 'SIGKILL');
        for (const p of findProcessesUsing(node.pluginDir)) killQuietly(p.pid, 'SIGKILL');
      }
    },
  });
  trackServer(cluster);

  try {
    const ports = await freePorts(size * 2);
    for (let i = 0; i < size; i++) cluster.nodes.push(makeNode(i, ports[2 * i], ports[2 * i + 1]));
    for (const node of cluster.nodes) launch(node);

    const [first, ...others] = cluster.nodes;
    await until(`${first.name} listening`, async () => (await first.health()).status === 501, left(), first);
    const init = must(await first.cli(['operator', 'init', '-key-shares=1', '-key-threshold=1', '-format=json']), 'operator init');
    const keys = JSON.parse(init.stdout);
    cluster.unsealKey = keys.unseal_keys_b64[0];
    cluster.token = keys.root_token;
    must(await first.cli(['operator', 'unseal', cluster.unsealKey]), `unseal ${first.name}`);
    await until(`${first.name} active`, async () => (await first.health()).status === 200, left(), first);
    log(`${first.name} active at ${first.addr}`);

    for (const node of others) {
      await until(`${node.name} listening`, async () => (await node.health()).status !== 0, left(), node);
      must(await node.cli(['operator', 'raft', 'join', first.addr]), `raft join ${node.name}`);
      must(await node.cli(['operator', 'unseal', cluster.unsealKey]), `unseal ${node.name}`);
    }
    for (const node of others) {
      await until(`${node.name} standby`, async () => (await node.health()).status === 429, left(), node);
      log(`${node.name} standby at ${node.addr}`);
    }
    return cluster;
  } catch (err) {
    await cluster.stop({ keepTmp: true });
    throw err;
  }
}
