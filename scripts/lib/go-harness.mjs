#!/usr/bin/env node
// Runs the Go conformance harness (test/conformance) against one built plugin
// file: `go test -count=1 -json ./...` with VNP_PLUGIN set, a progress line
// per test on stderr, and a summary of test (not package) results.
//
// Library: `await runConformance({ pluginPath })`
//   -> { passed, failed, skipped, exitCode, packageFailures, failedTests }
// CLI:     `node scripts/lib/go-harness.mjs <pluginPath> [go test args...]`
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const conformanceDir = path.resolve(here, '..', '..', 'test', 'conformance');

const color = (code, s, out) => (out.isTTY && !process.env.NO_COLOR ? `\x1b[${code}m${s}\x1b[0m` : s);

/**
 * @param {object} opts
 * @param {string} opts.pluginPath  plugin file under test (made absolute)
 * @param {string[]} [opts.goTestArgs]  extra `go test` arguments (e.g. ['-run', 'TestConfigLease'])
 * @param {string} [opts.timeout]  go test -timeout (default 5m)
 * @param {NodeJS.WritableStream} [opts.out]  where progress goes (default process.stderr)
 * @param {string} [opts.go]  go binary (default $GO or "go")
 * @returns {Promise<{passed:number, failed:number, skipped:number, exitCode:number,
 *   packageFailures:string[], failedTests:string[]}>}
 */
export async function runConformance({ pluginPath, goTestArgs = [], timeout = '5m', out = process.stderr, go } = {}) {
  if (!pluginPath) throw new Error('runConformance: pluginPath is required');
  const abs = path.resolve(pluginPath);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    throw new Error(`runConformance: plugin file not found: ${abs} (run npm run build first)`);
  }
  const goBin = go || process.env.GO || 'go';
  const args = ['test', '-count=1', '-json', `-timeout=${timeout}`, ...goTestArgs, './...'];
  const env = { ...process.env, VNP_PLUGIN: abs };

  out.write(`conformance: ${goBin} ${args.join(' ')}  (VNP_PLUGIN=${abs})\n`);
  const child = spawn(goBin, args, { cwd: conformanceDir, env, stdio: ['ignore', 'pipe', 'pipe'] });

  const counts = { passed: 0, failed: 0, skipped: 0 };
  const failedTests = [];
  const packageFailures = [];
  /** @type {Map<string, string[]>} output lines per package/test */
  const outputs = new Map();
  const key = (ev) => `${ev.Package ?? ev.ImportPath ?? ''}\u0000${ev.Test ?? ''}`;
  const pkgShort = (p) => (p || '').replace(/^vaultnodeplugins\/conformance\/?/, '') || '.';

  const onEvent = (ev) => {
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
            counts.passed++;
            out.write(`${indent}${color('32', 'PASS', out)} ${ev.Test}${secs}\n`);
          } else if (ev.Action === 'skip') {
            counts.skipped++;
            const why = (outputs.get(k) || []).filter((l) => !/^(=== |--- )/.test(l.trim())).join('').trim();
            out.write(`${indent}${color('33', 'SKIP', out)} ${ev.Test}${secs}${why ? ` — ${why.split('\n').pop()}` : ''}\n`);
          } else {
            counts.failed++;
            failedTests.push(ev.Test);
            out.write(`${indent}${color('31', 'FAIL', out)} ${ev.Test}${secs}\n`);
            const lines = (outputs.get(k) || []).filter((l) => !/^\s*(=== (RUN|PAUSE|CONT|NAME)|--- (PASS|FAIL|SKIP))/.test(l));
            for (const l of lines) out.write(`${indent}    ${l.replace(/\n$/, '')}\n`);
          }
          outputs.delete(k);
        } else if (ev.Package) {
          if (ev.Action === 'fail') {
            packageFailures.push(ev.Package);
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
      case 'build-fail':
        packageFailures.push(`${ev.ImportPath} (build)`);
        break;
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

  return { ...counts, exitCode, packageFailures, failedTests };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [pluginPath, ...goTestArgs] = process.argv.slice(2);
  if (!pluginPath || pluginPath === '-h' || pluginPath === '--help') {
    process.stderr.write('usage: node scripts/lib/go-harness.mjs <pluginPath> [go test args, e.g. -run TestConfigLease]\n');
    process.exit(2);
  }
  try {
    const r = await runConformance({ pluginPath, goTestArgs });
    const summary = `${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`;
    process.stdout.write(`conformance: ${summary}\n`);
    if (r.packageFailures.length && r.failed === 0) {
      process.stderr.write(`conformance: package failures: ${r.packageFailures.join(', ')}\n`);
    }
    process.exit(r.exitCode !== 0 ? r.exitCode : r.failed > 0 ? 1 : 0);
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
