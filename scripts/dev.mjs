#!/usr/bin/env node
// `npm run dev`: build the plugins, start an OpenBao dev server on 127.0.0.1:8200 (VNP_DEV_PORT to
// change; the cluster port is the next one), register and mount every dist/vault-plugin-* file, print
// how to talk to it, and stay in the foreground until Ctrl-C.
//   --no-build   skip `node scripts/build.mjs`
//   --no-moto    do not start moto (the local AWS emulator the aws/ and auth/aws/ mounts are pointed at)
// VAULT_BIN=/path/to/vault runs HashiCorp Vault instead of the pinned OpenBao.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { seedAwsAuth } from './lib/dev-aws-auth.mjs';
import { startMoto } from './lib/moto.mjs';
import { pluginFromFile, registerAndMount, REPO_ROOT, startServer } from './lib/openbao.mjs';

const out = (s = '') => process.stdout.write(`${s}\n`);
const note = (s) => process.stderr.write(`[dev] ${s}\n`);

if (!process.argv.includes('--no-build')) {
  note('building: node scripts/build.mjs');
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    note(`build failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`);
    process.exit(1);
  }
}

const distDir = path.join(REPO_ROOT, 'dist');
const plugins = (fs.existsSync(distDir) ? fs.readdirSync(distDir) : [])
  .sort()
  .map((f) => pluginFromFile(path.join(distDir, f)))
  .filter((p) => p && fs.statSync(p.file).isFile());
if (!plugins.length) note(`no dist/vault-plugin-* files found in ${distDir}; starting the server anyway`);

const port = Number(process.env.VNP_DEV_PORT || 8200);
let server;
let moto;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  note('stopping…');
  try {
    await server?.stop();
  } catch (err) {
    note(`stop failed: ${err.message}`);
  }
  try {
    await moto?.stop();
  } catch (err) {
    note(`moto stop failed: ${err.message}`);
  }
  process.exit(code);
}
// Ctrl-C reaches the whole foreground process group: the server begins its own shutdown too;
// stop() waits for it, kills any plugin process left and removes the temp dir.
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
process.on('SIGHUP', () => shutdown(0));

try {
  server = await startServer({ port, log: note });
} catch (err) {
  note(`${err.message}`);
  note(`is something already listening on 127.0.0.1:${port} or ${port + 1}? set VNP_DEV_PORT to use another port`);
  process.exit(1);
}

server.exited.then(({ code, signal }) => {
  if (stopping) return;
  note(`server exited unexpectedly (${signal ?? `exit ${code}`}); log ${server.logFile}:\n${server.logTail(30)}`);
  void shutdown(1);
});

const mounted = [];
for (const p of plugins) {
  try {
    const m = await registerAndMount(server, p);
    mounted.push(m);
    note(`mounted ${m.name} (${m.type}, ${m.version}) at ${m.mountPath}/`);
  } catch (err) {
    note(`could not register/mount ${path.basename(p.file)}: ${err.message}`);
    note(`server log: ${server.logFile}`);
  }
}

// Point aws/ and auth/aws/ at a local moto so credentials can be issued and logins made right away,
// with no AWS account.
const cli = path.basename(server.bin) === 'vault' ? 'vault' : 'bao';
const awsMount = mounted.find((m) => m.type === 'secret' && m.mountPath === 'aws');
const awsAuthMount = mounted.find((m) => m.type === 'auth' && m.mountPath === 'auth/aws');
let awsAuthLines = [];
if ((awsMount || awsAuthMount) && !process.argv.includes('--no-moto')) {
  try {
    moto = await startMoto({ sigv4: false, log: note });
    note(`moto (AWS emulator) at ${moto.endpoint}`);
  } catch (err) {
    note(`moto not started (${err.message}); configure aws/config/root and auth/aws/config/client yourself`);
  }
}
if (awsMount && moto) {
  try {
    const { accessKeyId, secretAccessKey } = moto.rootCredentials;
    await server.cli(['write', 'aws/config/root', `access_key=${accessKeyId}`, `secret_key=${secretAccessKey}`, 'region=us-east-1',
      `iam_endpoint=${moto.endpoint}`, `sts_endpoint=${moto.endpoint}`]);
    await server.cli(['write', 'aws/roles/deploy', 'credential_type=iam_user',
      'policy_document={"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}']);
    note('aws/config/root points at moto; role aws/roles/deploy written');
  } catch (err) {
    note(`aws/ not configured (${err.message})`);
  }
}
if (awsAuthMount && moto) {
  try {
    awsAuthLines = (await seedAwsAuth({ server, moto, mount: 'aws', cli })).lines;
    note('auth/aws/config/client points at moto; roles auth/aws/role/dev (iam) and auth/aws/role/web (ec2) written');
  } catch (err) {
    note(`auth/aws/ not configured (${err.message})`);
  }
}

out();
out(`# server ${server.addr}  (log: ${server.logFile})`);
out(`# ${cli} binary: ${server.bin}`);
out(`export VAULT_ADDR=${server.addr} VAULT_TOKEN=${server.token}`);
out(`export BAO_ADDR=${server.addr} BAO_TOKEN=${server.token}`);
out(`alias ${cli}=${JSON.stringify(server.bin)}`);
out();
if (mounted.length) {
  out('# mounted plugins:');
  for (const m of mounted) out(`#   ${m.mountPath}/  ${m.name} ${m.version} (${m.type})  ${m.command}`);
}
out('# examples:');
if (awsMount) {
  out(`${cli} write aws/config/lease lease=30m lease_max=12h`);
  out(`${cli} read aws/config/lease`);
  if (moto) {
    out(`${cli} read aws/creds/deploy          # an IAM user in the local moto`);
    out(`${cli} lease revoke -prefix aws/creds/deploy`);
  }
}
for (const line of awsAuthLines) out(line);
out(`${cli} plugin list -detailed secret`);
out(`${cli} auth list -detailed`);
out(`${cli} secrets list -detailed`);
out(`# after a rebuild: node scripts/dev.mjs again (plugins are copied and registered by SHA-256 at start)`);
out();
note('running; Ctrl-C to stop');
