#!/usr/bin/env node
// `npm run tools`: install every pinned external tool into the cache (see scripts/lib/tools.mjs),
// and build the Go reference plugins there (scripts/lib/go-reference.mjs: Vault's AWS secrets engine
// and AWS auth method).
//   node scripts/tools.mjs            install all, print "name<TAB>path" per tool on stdout
//   node scripts/tools.mjs bao        install only the named ones
// Progress goes to stderr.

import { ensureGoReference } from './lib/go-reference.mjs';
import { cacheDir, TOOL_INSTALLERS as PINNED } from './lib/tools.mjs';

const TOOL_INSTALLERS = {
  ...PINNED,
  'go-reference': async () => (await ensureGoReference({ reference: 'secrets-aws' })).path,
  'go-reference-auth-aws': async () => (await ensureGoReference({ reference: 'auth-aws' })).path,
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(
    `usage: node scripts/tools.mjs [${Object.keys(TOOL_INSTALLERS).join('|')} ...]\n` +
      `cache: ${cacheDir()} (override with VNP_CACHE)\n`,
  );
  process.exit(0);
}
const names = wanted.length ? wanted : Object.keys(TOOL_INSTALLERS);

let failed = false;
for (const name of names) {
  const install = TOOL_INSTALLERS[name];
  if (!install) {
    process.stderr.write(`unknown tool "${name}"; known: ${Object.keys(TOOL_INSTALLERS).join(', ')}\n`);
    failed = true;
    continue;
  }
  try {
    const where = await install();
    process.stdout.write(`${name}\t${where}\n`);
  } catch (err) {
    process.stderr.write(`${name}: ${err.message}\n`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
