#!/usr/bin/env node
// `npm run bench`: side-by-side performance of our AWS secrets plugin and a Go reference build of
// the same engine, both driven exactly as Vault drives an external plugin (go-plugin v5, AutoMTLS,
// InmemStorage served over the broker) by the Go command test/conformance/cmd/bench.
//
//   node scripts/bench.mjs [--no-build] [--requests N] [--launches N] [--ours FILE]
//                          [--reference FILE] [--json] [--no-creds] [--creds-requests N]
//                          [--no-auth | --auth-only] [--auth-requests N]
//
// The AWS auth method's rows (scripts/lib/bench-aws-auth.mjs): iam and ec2 login p50/p99 and
// throughput at concurrency 1 and 16, dist/vault-plugin-auth-aws beside the Go reference of
// builtin/credential/aws, both mounted in one OpenBao dev server against one moto. To see where our
// plugin spends its CPU, VNP_BENCH_CPU_PROF=<dir> runs it under `node --cpu-prof` for that run
// (a .cpuprofile per plugin process in <dir>, written when OpenBao stops it).
//
// The creds rows issue iam_user and assumed_role credentials against moto on 127.0.0.1 (started
// here, scripts/lib/moto.mjs), the same server for both plugins.
//
// Steps: build dist/ (node scripts/build.mjs), build the Go bench command into
// ${VNP_CACHE:-~/.cache/vault-node-plugins}/bin/, obtain the Go reference plugin (below), run the bench
// on both files, print metric | ours | go reference | ratio and the targets.
//
// Go reference plugin: --reference FILE, else scripts/lib/go-reference.mjs ($VNP_GO_REFERENCE, the
// cached build, or a build of Vault v1.21.4's builtin/logical/aws served as an external plugin).
// Progress goes to stderr; the table (or --json) goes to stdout. Not part of `npm test`.
//
// Plain Node ESM, no npm dependencies.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { authRows, benchAwsAuth } from './lib/bench-aws-auth.mjs';
import { ensureGoReference, isExecutableFile as isExecutable, referenceLabel } from './lib/go-reference.mjs';
import { cacheDir } from './lib/tools.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const conformanceDir = path.join(root, 'test', 'conformance');

const TARGETS = { throughputRatio: 1.0, startMs: 150, idleRssMb: 60 };

function parseArgs(argv) {
  const o = { build: true, requests: 5000, launches: 10, json: false, ours: null, reference: null, creds: true, credsRequests: 200, auth: true, authOnly: false, authRequests: 200 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--no-build') o.build = false;
    else if (a === '--json') o.json = true;
    else if (a === '--no-creds') o.creds = false;
    else if (a === '--no-auth') o.auth = false;
    else if (a === '--auth-only') o.authOnly = true;
    else if (a === '--auth-requests') o.authRequests = Number(val());
    else if (a === '--creds-requests') o.credsRequests = Number(val());
    else if (a === '--requests') o.requests = Number(val());
    else if (a === '--launches') o.launches = Number(val());
    else if (a === '--ours') o.ours = path.resolve(val());
    else if (a === '--reference') o.reference = path.resolve(val());
    else if (a === '-h' || a === '--help') {
      process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 25).join('\n') + '\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}


const say = (msg) => process.stderr.write(`[bench] ${msg}\n`);

/** Runs a command; resolves { code, stdout, stderr }. stderr is echoed unless quiet. */
function run(cmd, args, { cwd = root, env = process.env, quiet = false, capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!capture && !quiet) process.stderr.write(d);
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      if (!quiet) process.stderr.write(d);
    });
    child.on('error', (err) => reject(new Error(`cannot run ${cmd}: ${err.message}`)));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function must(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}`);
  return r;
}

async function buildBenchCommand(binDir) {
  const out = path.join(binDir, 'vnp-bench');
  say(`building the Go bench command -> ${out}`);
  await must('go', ['build', '-o', out, './cmd/bench'], { cwd: conformanceDir });
  return out;
}

/** Returns { path, label } of the Go reference plugin. */
async function goReference(opts) {
  if (opts.reference) {
    if (!isExecutable(opts.reference)) throw new Error(`Go reference ${opts.reference} is not an executable file`);
    return { path: opts.reference, label: `given: ${path.basename(opts.reference)}` };
  }
  return ensureGoReference({ log: say, reference: 'secrets-aws' });
}

async function bench(benchBin, pluginPath, opts, aws) {
  say(`benchmarking ${pluginPath}`);
  const awsArgs = aws
    ? ['-aws-endpoint', aws.endpoint, '-aws-access-key', aws.accessKeyId, '-aws-secret-key', aws.secretAccessKey, '-creds-requests', String(opts.credsRequests)]
    : [];
  const r = await must(
    benchBin,
    ['-plugin', pluginPath, '-launches', String(opts.launches), '-requests', String(opts.requests), '-concurrency', '1,16', ...awsArgs],
    { capture: true },
  );
  return JSON.parse(r.stdout);
}

/** moto on loopback for the creds latency rows; both plugins issue against the same server. */
async function startAws() {
  const { startMoto } = await import(pathToFileURL(path.join(root, 'scripts', 'lib', 'moto.mjs')).href);
  const moto = await startMoto({ sigv4: false, log: say });
  const creds = moto.rootCredentials ?? { accessKeyId: 'test', secretAccessKey: 'test' };
  return { endpoint: moto.endpoint, accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, reset: () => moto.reset(), stop: () => moto.stop() };
}

function fmt(v, digits = 1) {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  if (typeof v === 'string') return v;
  return v.toFixed(digits);
}

function table(ours, ref, refLabel) {
  const byC = (r, c) => r.read.find((x) => x.concurrency === c) || {};
  const rows = [
    // [metric, ours, ref, digits, higherIsBetter]
    ['start-to-handshake median (ms)', ours.start.median_ms, ref.start.median_ms, 1, false],
  ];
  for (const c of [1, 16]) {
    const o = byC(ours, c);
    const g = byC(ref, c);
    rows.push([`read c=${c} p50 (ms)`, o.p50_ms, g.p50_ms, 3, false]);
    rows.push([`read c=${c} p99 (ms)`, o.p99_ms, g.p99_ms, 3, false]);
    rows.push([`read c=${c} throughput (req/s)`, o.rps, g.rps, 0, true]);
  }
  for (const o of ours.creds ?? []) {
    const g = (ref.creds ?? []).find((x) => x.role === o.role) || {};
    rows.push([`creds ${o.credential_type} p50 (ms)`, o.p50_ms, g.p50_ms, 2, false]);
    rows.push([`creds ${o.credential_type} p99 (ms)`, o.p99_ms, g.p99_ms, 2, false]);
  }
  rows.push(['RSS idle after Setup (MB)', ours.rss.idle_mb, ref.rss.idle_mb, 1, false]);
  rows.push([`RSS after ${ours.rss.requests_before_after_sample} requests (MB)`, ours.rss.after_requests_mb, ref.rss.after_requests_mb, 1, false]);
  rows.push(['file size (MB)', ours.size_bytes / 1e6, ref.size_bytes / 1e6, 1, false]);

  const header = ['metric', 'ours', 'go reference', 'ratio (ours/go)'];
  const body = rows.map(([m, o, g, d]) => [m, fmt(o, d), fmt(g, d), o && g ? `${(o / g).toFixed(2)}x` : '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const out = [];
  out.push(`ours:         ${ours.plugin} (${ours.plugin_version || 'no version'})`);
  out.push(`go reference: ${ref.plugin} (${refLabel})`);
  out.push(`host: ${ours.host_cpus} CPUs; ${ours.read[0]?.requests ?? '?'} reads per level after ${ours.rss.requests_before_after_sample - ours.read.reduce((a, r) => a + r.requests, 0)} warm-up/setup requests`);
  out.push('');
  out.push(line(header));
  out.push(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of body) out.push(line(r));
  out.push('');

  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  const targets = [];
  for (const c of [1, 16]) {
    const ratio = byC(ours, c).rps / byC(ref, c).rps;
    targets.push([`throughput c=${c} >= ${TARGETS.throughputRatio.toFixed(1)}x Go reference`, `${ratio.toFixed(2)}x`, ratio >= TARGETS.throughputRatio]);
  }
  targets.push([`start <= ${TARGETS.startMs} ms`, `${fmt(ours.start.median_ms)} ms`, ours.start.median_ms <= TARGETS.startMs]);
  targets.push([`idle RSS <= ${TARGETS.idleRssMb} MB`, `${fmt(ours.rss.idle_mb)} MB`, ours.rss.idle_mb <= TARGETS.idleRssMb]);
  out.push('targets:');
  for (const [name, value, ok] of targets) out.push(`  ${verdict(ok).padEnd(7)}  ${name} (ours: ${value})`);
  return { text: out.join('\n') + '\n', targets: targets.map(([name, value, ok]) => ({ name, value, met: ok })) };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const cache = cacheDir();
  const binDir = path.join(cache, 'bin');
  fs.mkdirSync(binDir, { recursive: true });

  if (opts.build && !opts.ours) {
    say('node scripts/build.mjs');
    await must(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { quiet: false });
  }
  const secrets = opts.authOnly ? undefined : await benchSecrets(opts, binDir);
  const auth = opts.auth || opts.authOnly ? await benchAuth(opts) : undefined;
  if (opts.json) {
    process.stdout.write(JSON.stringify({ ...(secrets?.json ?? {}), ...(auth ? { aws_auth: auth.json } : {}) }, null, 2) + '\n');
  } else {
    if (secrets) process.stdout.write(secrets.text);
    if (auth) process.stdout.write(`${secrets ? '\n' : ''}${auth.text}`);
  }
}

async function benchSecrets(opts, binDir) {
  const ours = opts.ours || path.join(root, 'dist', 'vault-plugin-secrets-aws');
  if (!isExecutable(ours)) throw new Error(`plugin file ${ours} missing or not executable (run npm run build)`);

  const benchBin = await buildBenchCommand(binDir);
  const ref = await goReference(opts);
  say(`go reference: ${ref.path} (${ref.label})`);

  const aws = opts.creds ? await startAws() : undefined;
  let oursRes;
  let refRes;
  try {
    oursRes = await bench(benchBin, ours, opts, aws);
    await aws?.reset();
    refRes = await bench(benchBin, ref.path, opts, aws);
  } finally {
    await aws?.stop();
  }
  const t = table(oursRes, refRes, ref.label);
  return { text: t.text, json: { ours: oursRes, reference: { label: ref.label, ...refRes }, targets: t.targets } };
}

/** The AWS auth method's login rows (scripts/lib/bench-aws-auth.mjs). */
async function benchAuth(opts) {
  const ours = path.join(root, 'dist', 'vault-plugin-auth-aws');
  if (!isExecutable(ours)) throw new Error(`plugin file ${ours} missing or not executable (run npm run build)`);
  const ref = await ensureGoReference({ reference: 'auth-aws', log: say });
  const label = referenceLabel('auth-aws');
  say(`aws auth: ours ${ours}, go reference ${ref.path} (${label})`);
  const results = await benchAwsAuth({ ours, reference: ref.path, requests: opts.authRequests, log: say });
  const header = ['metric', 'ours', 'go reference', 'ratio (ours/go)'];
  const body = authRows(results).map(([m, o, g, d]) => [m, fmt(o, d), fmt(g, d), o && g ? `${(o / g).toFixed(2)}x` : '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const out = [
    `AWS auth method logins through one OpenBao dev server and one moto (${opts.authRequests} logins per row)`,
    `ours:         ${ours}`,
    `go reference: ${ref.path} (${label})`,
    '',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...body.map(line),
  ];
  const failures = [...results.ours, ...results.reference].filter((r) => r.failures);
  for (const f of failures) out.push(`  failures: ${f.login} c=${f.concurrency}: ${f.failures} (first: ${f.first_error})`);
  return { text: out.join('\n') + '\n', json: { label, ...results } };
}

main().catch((err) => {
  process.stderr.write(`[bench] ${err.message}\n`);
  process.exit(1);
});
