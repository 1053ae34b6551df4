#!/usr/bin/env node
// Runs the Go conformance harness (test/conformance) against the built plugins:
// `go test -count=1 -json ./...` with VNP_PLUGIN set to the plugin under test
// (the generic harness tests and the secrets differential suite use it) and
// VNP_PLUGIN_AUTH_AWS to our AWS auth method (the auth differential suite;
// default <repo>/dist/vault-plugin-auth-aws), a progress line per test on
// stderr, and a count of leaf tests by the rules of tally.mjs (skipped =
// failed; a package that fails to build or panics = failed).
//
// Library: `await runConformance({ pluginPath, env })`
//   -> { passed, failed, failures, exitCode }
//   `await conformanceAws({ log })` -> { env, stop }: a moto server for the harness and the
//   VNP_AWS_* variables naming it.
// CLI:     `node scripts/lib/go-harness.mjs <pluginPath> [go test args...]`
//   also provides what `npm test` provides: the Go references (scripts/lib/go-reference.mjs:
//   VNP_REFERENCE_SECRETS_AWS, VNP_REFERENCE_AUTH_AWS) and a moto server (VNP_AWS_ENDPOINT,
//   VNP_AWS_ACCESS_KEY, VNP_AWS_SECRET_KEY), unless those variables are set already.
//   When <pluginPath> is the auth method (vault-plugin-auth-aws), VNP_PLUGIN_AUTH_AWS is that file.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { ensureGoReference, REFERENCES } from './go-reference.mjs';
import { startMoto } from './moto.mjs';
import { settle, tallyGoEvents } from './tally.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const conformanceDir = path.resolve(here, '..', '..', 'test', 'conformance');
const distDir = path.resolve(here, '..', '..', 'dist');

/** Our AWS auth method, as the auth differential suite finds it (VNP_PLUGIN_AUTH_AWS). */
export const AUTH_AWS_PLUGIN_ENV = 'VNP_PLUGIN_AUTH_AWS';
const AUTH_AWS_PLUGIN_FILE = 'vault-plugin-auth-aws';

const color = (code, s, out) => (out.isTTY && !process.env.NO_COLOR ? `\x1b[${code}m${s}\x1b[0m` : s);

/**
 * @param {object} opts
 * @param {string} opts.pluginPath  plugin file under test (made absolute)
 * @param {string[]} [opts.goTestArgs]  extra `go test` arguments (e.g. ['-run', 'TestConfigLease'])
 * @param {string} [opts.timeout]  go test -timeout (default 5m)
 * @param {NodeJS.WritableStream} [opts.out]  where progress goes (default process.stderr)
 * @param {string} [opts.go]  go binary (default $GO or "go")
 * @param {Record<string, string>} [opts.env]  extra environment for go test (reference, moto)
 * @returns {Promise<{passed:number, failed:number, failures:string[], exitCode:number}>}
 */
export async function runConformance({ pluginPath, goTestArgs = [], timeout = '5m', out = process.stderr, go, env: extraEnv = {} } = {}) {
  if (!pluginPath) throw new Error('runConformance: pluginPath is required');
  const abs = path.resolve(pluginPath);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    throw new Error(`runConformance: plugin file not found: ${abs} (run npm run build first)`);
  }
  const goBin = go || process.env.GO || 'go';
  const args = ['test', '-count=1', '-json', `-timeout=${timeout}`, ...goTestArgs, './...'];
  const env = { ...process.env, ...extraEnv, VNP_PLUGIN: abs };
  // The auth suite compares our auth method whatever VNP_PLUGIN is; a missing file fails there, named.
  if (path.basename(abs) === AUTH_AWS_PLUGIN_FILE && !env[AUTH_AWS_PLUGIN_ENV]) env[AUTH_AWS_PLUGIN_ENV] = abs;
  env[AUTH_AWS_PLUGIN_ENV] ??= path.join(distDir, AUTH_AWS_PLUGIN_FILE);

  out.write(`conformance: ${goBin} ${args.join(' ')}  (VNP_PLUGIN=${abs})\n`);
  const child = spawn(goBin, args, { cwd: conformanceDir, env, stdio: ['ignore', 'pipe', 'pipe'] });

  /** Every event but output: what tallyGoEvents counts. */
  const events = [];
  /** @type {Map<string, string[]>} output lines per package/test */
  const outputs = new Map();
  const key = (ev) => `${ev.Package ?? ev.ImportPath ?? ''}\u0000${ev.Test ?? ''}`;
  const pkgShort = (p) => (p || '').replace(/^vaultnodeplugins\/conformance\/?/, '') || '.';

  const onEvent = (ev) => {
    if (ev.Action !== 'output' && ev.Action !== 'build-output') events.push(ev);
    const k = key(ev);
    switch (ev.Action) {
      case 'output':
      case 'build-output': {
        const text = ev.Output ?? '';
        if (!outputs.has(k)) outputs.set(k, []);
        outputs.get(k).push(text);
        if (ev.Action === 'build-output') out.write(text);
        break;
      }
      case 'pass':
      case 'fail':
      case 'skip': {
        const secs = typeof ev.Elapsed === 'number' ? ` (${ev.Elapsed.toFixed(2)}s)` : '';
        if (ev.Test) {
          const depth = ev.Test.split('/').length - 1;
          const indent = '  '.repeat(depth + 1);
          if (ev.Action === 'pass') {
            out.write(`${indent}${color('32', 'PASS', out)} ${ev.Test}${secs}\n`);
          } else if (ev.Action === 'skip') {
            const why = (outputs.get(k) || []).filter((l) => !/^(=== |--- )/.test(l.trim())).join('').trim();
            out.write(`${indent}${color('31', 'SKIP (counts as failed)', out)} ${ev.Test}${secs}${why ? ` — ${why.split('\n').pop()}` : ''}\n`);
          } else {
            out.write(`${indent}${color('31', 'FAIL', out)} ${ev.Test}${secs}\n`);
            const lines = (outputs.get(k) || []).filter((l) => !/^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (PASS|FAIL|SKIP))/.test(l));
            for (const l of lines) out.write(`${indent}    ${l.replace(/\n$/, '')}\n`);
          }
          outputs.delete(k);
        } else if (ev.Package) {
          if (ev.Action === 'fail') {
            out.write(`${color('31', 'FAIL', out)} package ${pkgShort(ev.Package)}${secs}\n`);
            // Output not tied to a test (panics, TestMain, build errors).
            const lines = (outputs.get(k) || []).filter((l) => !/^(FAIL|ok|PASS)\b/.test(l));
            for (const l of lines) out.write(`    ${l.replace(/\n$/, '')}\n`);
          } else if (ev.Action === 'pass') {
            out.write(`ok   package ${pkgShort(ev.Package)}${secs}\n`);
          }
          outputs.delete(k);
        }
        break;
      }
      default:
        break;
    }
  };

  const stdoutDone = new Promise((resolve) => {
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      if (!line.startsWith('{')) {
        out.write(`${line}\n`);
        return;
      }
      try {
        onEvent(JSON.parse(line));
      } catch {
        out.write(`${line}\n`);
      }
    });
    rl.on('close', resolve);
  });
  // go's own diagnostics (module download, build failures on older go).
  child.stderr.on('data', (chunk) => out.write(chunk));

  const exitCode = await new Promise((resolve, reject) => {
    child.on('error', (err) =>
      reject(new Error(`runConformance: cannot run ${goBin}: ${err.message} (Go 1.26 must be installed)`)),
    );
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  await stdoutDone;

  const tally = settle(tallyGoEvents(events), exitCode, 'go test');
  return { ...tally, exitCode };
}

/**
 * A moto server (AWS emulator, SigV4 checking off as in `npm run bench`: the Go reference and our
 * plugin talk to the same server) and the variables that tell the harness where it is.
 * @param {{ log?: (msg: string) => void }} [opts]
 * @returns {Promise<{ env: Record<string, string>, stop: () => Promise<void> }>}
 */
export async function conformanceAws({ log = () => {} } = {}) {
  const moto = await startMoto({ sigv4: false, log });
  return {
    env: {
      VNP_AWS_ENDPOINT: moto.endpoint,
      VNP_AWS_ACCESS_KEY: moto.rootCredentials.accessKeyId,
      VNP_AWS_SECRET_KEY: moto.rootCredentials.secretAccessKey,
    },
    stop: () => moto.stop(),
  };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [pluginPath, ...goTestArgs] = process.argv.slice(2);
  if (!pluginPath || pluginPath === '-h' || pluginPath === '--help') {
    process.stderr.write('usage: node scripts/lib/go-harness.mjs <pluginPath> [go test args, e.g. -run TestConfigLease]\n');
    process.exit(2);
  }
  const say = (msg) => process.stderr.write(`[conformance] ${msg}\n`);
  const env = {};
  let aws;
  try {
    for (const [reference, { harnessEnv }] of Object.entries(REFERENCES)) {
      if (process.env[harnessEnv]) continue;
      try {
        env[harnessEnv] = (await ensureGoReference({ log: say, reference })).path;
      } catch (err) {
        say(`no Go reference ${reference} (tests that need it will fail): ${err.message}`);
      }
    }
    if (!process.env.VNP_AWS_ENDPOINT) {
      aws = await conformanceAws({ log: say });
      Object.assign(env, aws.env);
    }
    const r = await runConformance({ pluginPath, goTestArgs, env });
    process.stdout.write(`conformance: ${r.passed} passed, ${r.failed} failed\n`);
    for (const f of r.failures) process.stderr.write(`  failed: ${f}\n`);
    process.exitCode = r.failed > 0 ? 1 : 0;
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  } finally {
    await aws?.stop();
  }
}
