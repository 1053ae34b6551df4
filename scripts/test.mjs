#!/usr/bin/env node
// `npm test`: everything, in order — generated-code check, typecheck, lint, build, unit tests,
// the Go reference plugin (Vault v1.21.4's builtin AWS engine, built once into the tool cache),
// the Go conformance harness (with the reference and a moto server), and the end-to-end suites
// against the built plugins and a real OpenBao (pinned tools install themselves on first use).
//
// Ends with one line `N passed, N failed` (CI reads it) counting every test case and every check
// step. The rule: nothing is skipped. A test that did not run and pass counts as failed — skipped
// and todo tests included, and every test of a suite whose setup failed — and a step that cannot
// run (no Go reference, no build) counts as failed with its reason; scripts/lib/tally.mjs has the
// exact counting rules. So there is no "skipped" figure.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { conformanceAws, runConformance } from "./lib/go-harness.mjs";
import { ensureGoReference, REFERENCES, referenceLabel } from "./lib/go-reference.mjs";
import { settle, tallyVitestReport } from "./lib/tally.mjs";

const root = new URL("..", import.meta.url).pathname;
const bin = (name) => join(root, "node_modules/.bin", name);
const totals = { passed: 0, failed: 0 };
const failures = [];

function run(command, args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...extraEnv } });
    child.on("exit", (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
    child.on("error", (err) => {
      process.stderr.write(`${command}: ${err.message}\n`);
      resolve(127);
    });
  });
}

function banner(title) {
  process.stdout.write(`\n=== ${title} ===\n`);
}

function count(tally) {
  totals.passed += tally.passed;
  totals.failed += tally.failed;
  failures.push(...tally.failures);
}

function failStep(title, reason) {
  process.stderr.write(`${title}: ${reason}\n`);
  count({ passed: 0, failed: 1, failures: [`${title}: ${reason}`] });
}

const message = (err) => (err instanceof Error ? err.message : String(err));

/** A check that is one pass/fail item in the summary. */
async function step(title, command, args) {
  banner(title);
  const code = await run(command, args);
  if (code === 0) totals.passed++;
  else failStep(title, `exit ${code}`);
  return code === 0;
}

/** A vitest project whose test cases are counted one by one. */
async function vitestProject(project, env = {}) {
  banner(`vitest: ${project}`);
  const dir = mkdtempSync(join(tmpdir(), "vnp-vitest-"));
  const report = join(dir, "report.json");
  const code = await run(bin("vitest"), ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], env);
  try {
    let json;
    try {
      json = JSON.parse(readFileSync(report, "utf8"));
    } catch {
      failStep(`vitest ${project}`, `no report (exit ${code})`);
      return;
    }
    for (const file of json.testResults) file.name = relative(root, file.name);
    count(settle(tallyVitestReport(json), code, `vitest ${project}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One Go reference plugin, as a counted step; its path, or undefined with the failure counted. */
async function goReference(reference) {
  const title = `Go reference plugin (${referenceLabel(reference)})`;
  banner(title);
  try {
    const ref = await ensureGoReference({ reference });
    process.stdout.write(`${ref.path} (${ref.label})\n`);
    totals.passed++;
    return ref.path;
  } catch (err) {
    failStep(title, message(err));
    return undefined;
  }
}

async function conformance(referenceEnv) {
  banner("Go conformance harness (test/conformance)");
  let aws;
  try {
    aws = await conformanceAws({ log: (msg) => process.stderr.write(`[moto] ${msg}\n`) });
    const result = await runConformance({ pluginPath: join(root, "dist/vault-plugin-secrets-aws"), env: { ...referenceEnv, ...aws.env } });
    count(result);
  } catch (err) {
    failStep("Go conformance harness", message(err));
  } finally {
    await aws?.stop();
  }
}

await step("generated code is current", "node", ["scripts/gen-proto.mjs", "--check"]);
await step("typecheck", bin("tsc"), ["--noEmit"]);
await step("lint", bin("eslint"), ["."]);
const built = await step("build", "node", ["scripts/build.mjs"]);
await vitestProject("unit");
// Without a reference the suites still run: what needs it fails, naming what is missing.
const referenceEnv = {};
for (const [reference, { harnessEnv }] of Object.entries(REFERENCES)) {
  const file = await goReference(reference);
  if (file) referenceEnv[harnessEnv] = file;
}
if (built) {
  await conformance(referenceEnv);
  await vitestProject("e2e", referenceEnv);
} else {
  failStep("conformance and e2e", "not run: the build failed");
}

if (failures.length > 0) process.stdout.write(`\nfailed:\n${failures.map((f) => `  ${f}`).join("\n")}\n`);
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed\n`);
process.exitCode = totals.failed > 0 ? 1 : 0;
