// End-to-end: path help and OpenAPI of dist/vault-plugin-secrets-aws through a real OpenBao, and
// the same answers from Vault's own AWS engine built as an external plugin (the Go reference:
// VNP_REFERENCE_SECRETS_AWS, set by `npm test`, else the tool cache, where `npm run tools` builds it)
// mounted beside it. Without the reference the comparisons fail, naming it. Needs `npm run build` first.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { parseCliJson, registerAndMount, requireDistFile, requireGoReference, startServer, type DevServer, type VaultBody } from './lib.js';

// What may differ from the Go reference, and why; everything else must be equal.
const KNOWN_DIFFERENCES = [
  'help prose (synopsis, description, field descriptions, OpenAPI description/summary strings): written for this project, not copied from Vault; names, types, routes, parameters, operation IDs and structure must be equal',
] as const;

const PLUGIN_FILE = 'vault-plugin-secrets-aws';
const VERSION = 'v0.1.0';

type Json = Record<string, unknown>;

let server: DevServer | undefined;
let failed = false;
/** Why the Go reference is not mounted (it is missing, or its mount failed); undefined once mounted. */
let goMissing: string | undefined = 'beforeAll did not get to mount the Go reference';

/** Fails a comparison with the reason when the Go reference is not mounted beside ours. */
function requireGoMount(): void {
  if (goMissing !== undefined) throw new Error(`no Go reference to compare with: ${goMissing}`);
}

function srv(): DevServer {
  if (!server) throw new Error('server did not start (see beforeAll error)');
  return server;
}

async function pathHelpText(p: string): Promise<string> {
  const res = await srv().cli(['path-help', p]);
  expect(res.code, `path-help ${p}:\n${res.stdout}${res.stderr}`).toBe(0);
  return res.stdout.replace(/\n$/, '');
}

async function helpBody(p: string): Promise<Json> {
  const res = await srv().http('GET', `/v1/${p}?help=1`);
  expect(res.status, res.text).toBe(200);
  return res.json ?? {};
}

/** Key-sorted, indented JSON: a stable text for equality and for diffs. */
function canonical(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Json)[k])]));
    }
    return v;
  };
  return JSON.stringify(sortKeys(value), null, 2);
}

/** A line diff (longest common subsequence) in `- go` / `+ ts` form, for failure messages. */
function lineDiff(go: string, ts: string): string {
  const a = go.split('\n');
  const b = ts.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i]!;
      row[j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, row[j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push(`+ ${b[j]}`);
      j++;
    } else {
      out.push(`- ${a[i]}`);
      i++;
    }
  }
  return out.join('\n');
}

function expectSame(what: string, go: string, ts: string): void {
  expect(ts, `${what} differs from the Go reference (- go, + ts); known differences: ${KNOWN_DIFFERENCES.join('; ')}\n${lineDiff(go, ts)}`).toBe(go);
}

/**
 * Known difference 1: the prose is our own. Keeps the request, the route and the parameter
 * names with their types; every line of synopsis or description text becomes a placeholder.
 */
function withoutProse(help: string): string {
  return help
    .replace(/\n## DESCRIPTION\n[\s\S]*$/, '\n## DESCRIPTION\n\n<description>')
    .split('\n')
    .map((line) => (line === '' || /^(Request:|Matching Route:|## | {4}\S+ \([^)]*\)$)/.test(line) ? line : '<prose>'))
    .filter((line, i, all) => !(line === '<prose>' && all[i - 1] === '<prose>'))
    .join('\n');
}

/** Known difference 1 in OpenAPI: `description` and `summary` strings are prose. */
function withoutProseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutProseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Json)
      .filter(([key, v]) => !((key === 'description' || key === 'summary') && typeof v === 'string'))
      .map(([key, v]) => [key, withoutProseKeys(v)]),
  );
}

/** Known difference 2: the generator header of a per-path document. */
function withoutInfoHeader(doc: unknown): Json {
  const copy = structuredClone(doc) as Json;
  const info = copy['info'] as Json | undefined;
  if (info) {
    delete info['title'];
    delete info['description'];
  }
  return copy;
}

function mergedSchema(doc: Json, name: string): Json | undefined {
  return ((doc['components'] as Json | undefined)?.['schemas'] as Json | undefined)?.[name] as Json | undefined;
}

const LEASE_REQUEST_SCHEMA = {
  type: 'object',
  properties: {
    lease: { type: 'string', description: 'Lease of IAM user credentials, e.g. 30m or 3600 (seconds).' },
    lease_max: { type: 'string', description: 'Longest an IAM user credential may live, renewals included.' },
  },
};

function requestSchemaOf(doc: Json, item: Json | undefined): Json | undefined {
  const post = item?.['post'] as Json | undefined;
  const content = (post?.['requestBody'] as Json | undefined)?.['content'] as Json | undefined;
  const schema = (content?.['application/json'] as Json | undefined)?.['schema'] as Json | undefined;
  const ref = schema?.['$ref'];
  return typeof ref === 'string' ? mergedSchema(doc, ref.replace('#/components/schemas/', '')) : undefined;
}

describe('help and OpenAPI in a real dev server', () => {
  beforeAll(async () => {
    const file = requireDistFile(PLUGIN_FILE);
    server = await startServer({ startTimeoutMs: 60_000 });
    try {
      await registerAndMount(server, { file, type: 'secret', name: 'aws-help-e2e', mountPath: 'aws', version: VERSION });
    } catch (err) {
      failed = true;
      throw err;
    }
    // Our own tests do not need the reference: a missing one fails the comparisons only.
    try {
      // The Go build reports no version, so it is registered without -version.
      await registerAndMount(server, { file: requireGoReference(), type: 'secret', name: 'aws-go-reference', mountPath: 'aws-go', version: '' });
      goMissing = undefined;
    } catch (err) {
      goMissing = err instanceof Error ? err.message : String(err);
      failed = true;
    }
  }, 180_000);

  beforeEach((ctx) => {
    ctx.onTestFailed(() => {
      failed = true;
    });
  });

  afterAll(async () => {
    if (!server) return;
    if (failed) process.stderr.write(`\n[e2e] a test failed; server log kept at ${server.logFile}\n--- last lines ---\n${server.logTail(60)}\n`);
    await server.stop({ keepTmp: failed || process.env['VNP_KEEP_TMP'] === '1' });
  }, 30_000);

  it('bao path-help aws/config/lease describes lease and lease_max', async () => {
    const help = await pathHelpText('aws/config/lease');
    expect(help).toMatch(/^Request: {8}config\/lease\nMatching Route: \^config\/lease\$\n/);
    expect(help).toContain('## PARAMETERS\n\n    lease (string)\n\n        Lease of IAM user credentials, e.g. 30m or 3600 (seconds).\n');
    expect(help).toContain('\n    lease_max (string)\n\n        Longest an IAM user credential may live, renewals included.\n');
    expect(help).toContain('\n## DESCRIPTION\n');
  });

  it('bao path-help aws (root help) lists config/lease', async () => {
    const help = await pathHelpText('aws');
    expect(help).toMatch(/^## DESCRIPTION\n/);
    expect(help).toContain('\n## PATHS\n');
    expect(help).toContain('\n    ^config/lease$\n        Set the lease of IAM user credentials issued by this mount.');
  });

  it('per-path help carries the OpenAPI document of config/lease', async () => {
    const body = await helpBody('aws/config/lease');
    expect(body).toHaveProperty('see_also', null);
    const doc = body['openapi'] as Json;
    expect(doc).toMatchObject({ openapi: '3.0.2' });
    const item = (doc['paths'] as Json)['/config/lease'] as Json;
    expect(item).toMatchObject({
      get: { operationId: 'aws-read-lease-configuration' },
      post: { operationId: 'aws-configure-lease' },
    });
    expect(requestSchemaOf(doc, item)).toEqual(LEASE_REQUEST_SCHEMA);
  });

  it('GET /v1/sys/internal/specs/openapi contains /aws/config/lease with its request body', async () => {
    const res = await srv().http('GET', '/v1/sys/internal/specs/openapi');
    // A 200 also proves root help answered: the server fails the whole request on a plugin error.
    expect(res.status, res.text.slice(0, 2000)).toBe(200);
    const doc = res.json as Json;
    const item = (doc['paths'] as Json)['/aws/config/lease'] as Json | undefined;
    expect(item, Object.keys(doc['paths'] as Json).filter((p) => p.startsWith('/aws')).join('\n')).toBeDefined();
    expect(item).toMatchObject({
      description: 'Set the lease of IAM user credentials issued by this mount.',
      get: { operationId: 'aws-read-lease-configuration', tags: ['secrets'], responses: { '200': { description: 'OK' } } },
      post: { operationId: 'aws-configure-lease', tags: ['secrets'], requestBody: { required: true, content: { 'application/json': {} } } },
    });
    // The server decodes a plugin's document with mapstructure, which has no field for `$ref`, so
    // the body's reference arrives empty for every external plugin, Go ones included
    // (hashicorp/vault#30714); the schema itself is merged under its name. The Go reference mounted
    // beside ours names its schema the same and the merge keeps one, so compare without prose.
    expect(withoutProseKeys(mergedSchema(doc, 'AwsConfigureLeaseRequest'))).toEqual(withoutProseKeys(LEASE_REQUEST_SCHEMA));
  });

  it('path-help of config/lease matches the Go reference', async () => {
    requireGoMount();
    const [go, ts] = await Promise.all([pathHelpText('aws-go/config/lease'), pathHelpText('aws/config/lease')]);
    expectSame('path-help aws/config/lease', withoutProse(go), withoutProse(ts));
    // The difference is confined to the prose: both have a description.
    expect(ts.split('\n## DESCRIPTION\n')[1]?.trim()).not.toBe('');
  });

  it('per-path OpenAPI of config/lease matches the Go reference', async () => {
    requireGoMount();
    const [go, ts] = await Promise.all([helpBody('aws-go/config/lease'), helpBody('aws/config/lease')]);
    expect(ts['see_also']).toEqual(go['see_also']);
    expectSame('OpenAPI of aws/config/lease (per-path help)', canonical(withoutProseKeys(withoutInfoHeader(go['openapi']))), canonical(withoutProseKeys(withoutInfoHeader(ts['openapi']))));
  });

  it("the merged OpenAPI entry for config/lease matches the Go reference's", async () => {
    requireGoMount();
    const res = await srv().http('GET', '/v1/sys/internal/specs/openapi');
    expect(res.status).toBe(200);
    const doc = res.json as Json;
    const paths = doc['paths'] as Json;
    const go = paths['/aws-go/config/lease'] as Json | undefined;
    expect(go, 'the Go reference documents /aws-go/config/lease').toBeDefined();
    expectSame('/aws/config/lease in sys/internal/specs/openapi', canonical(withoutProseKeys(go)), canonical(withoutProseKeys(paths['/aws/config/lease'])));
    // Both mounts name their body schema AwsConfigureLeaseRequest and the merge keeps one; the
    // per-path documents above compare the two contents.
    expect(withoutProseKeys(mergedSchema(doc, 'AwsConfigureLeaseRequest'))).toEqual(withoutProseKeys(LEASE_REQUEST_SCHEMA));
  });

  it('parses CLI JSON of path-help (-format=json prints the OpenAPI document)', async () => {
    const doc = parseCliJson<VaultBody>(await srv().cli(['path-help', '-format=json', 'aws/config/lease']));
    expect(Object.keys((doc['paths'] as Json | undefined) ?? {})).toEqual(['/config/lease']);
  });
});
