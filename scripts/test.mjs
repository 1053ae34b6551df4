#!/usr/bin/env node
// `npm test`: everything, in order — generated-code check, typecheck, lint, build, unit tests,
// the Go conformance harness, and the end-to-end suites against the built plugins and a real
// OpenBao (pinned tools install themselves on first use). Ends with one line
// `N passed, N failed` counting every test case and every check step.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runConformance } from "./lib/go-harness.mjs";

const root = new URL("..", import.meta.url).pathname;
const bin = (name) => join(root, "node_modules/.bin", name);
const totals = { passed: 0, failed: 0, skipped: 0 };
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

/** A check that is one pass/fail item in the summary. */
async function step(title, command, args) {
  banner(title);
  const code = await run(command, args);
  if (code === 0) totals.passed++;
  else {
    totals.failed++;
    failures.push(title);
  }
  return code === 0;
}

/** A vitest project whose test cases are counted one by one. */
async function vitestProject(project) {
  banner(`vitest: ${project}`);
  const dir = mkdtempSync(join(tmpdir(), "vnp-vitest-"));
  const report = join(dir, "report.json");
  const code = await run(bin("vitest"), ["run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
  try {
    const json = JSON.parse(readFileSync(report, "utf8"));
    totals.passed += json.numPassedTests;
    totals.failed += json.numFailedTests;
    totals.skipped += json.numPendingTests + json.numTodoTests;
    // A suite that failed to load has no test cases: count it as a failure.
    const broken = json.testResults.filter((r) => r.status === "failed" && r.assertionResults.length === 0).length;
    totals.failed += broken;
    if (json.numFailedTests > 0 || broken > 0 || code !== 0) failures.push(`vitest ${project}`);
    if (code !== 0 && json.numFailedTests === 0 && broken === 0) totals.failed++;
  } catch {
    totals.failed++;
    failures.push(`vitest ${project} (no report, exit ${code})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function conformance() {
  banner("Go conformance harness (test/conformance)");
  try {
    const result = await runConformance({ pluginPath: join(root, "dist/vault-plugin-secrets-aws") });
    totals.passed += result.passed;
    totals.failed += result.failed;
    totals.skipped += result.skipped;
    if (result.exitCode !== 0 && result.failed === 0) totals.failed++;
    if (result.exitCode !== 0) failures.push("Go conformance harness");
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    totals.failed++;
    failures.push("Go conformance harness");
  }
}

await step("generated code is current", "node", ["scripts/gen-proto.mjs", "--check"]);
await step("typecheck", bin("tsc"), ["--noEmit"]);
await step("lint", bin("eslint"), ["."]);
const built = await step("build", "node", ["scripts/build.mjs"]);
await vitestProject("unit");
if (built) {
  await conformance();
  await vitestProject("e2e");
} else {
  totals.failed++;
  failures.push("conformance and e2e skipped: the build failed");
}

if (failures.length > 0) process.stdout.write(`\nfailed: ${failures.join("; ")}\n`);
const skipped = totals.skipped > 0 ? `, ${totals.skipped} skipped` : "";
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed${skipped}\n`);
process.exitCode = totals.failed > 0 ? 1 : 0;
