// How `npm test` counts: pure functions from a runner's report to { passed, failed, failures }.
// CI trusts the final `N passed, N failed` line, so these are unit-tested
// (test/scripts/tally.test.ts). The rule: a test that did not run and pass is a failure.
//
// vitest (its JSON reporter's report):
//   - every test case counts once: `passed` passes, anything else fails — `failed`, but also
//     `skipped`, `pending` and `todo`, because we allow no skipped comparisons; a describe whose
//     beforeAll threw reports its tests as `skipped`, so each of them counts as failed;
//   - a file that failed without any failing test case in it (it did not load, or a hook outside
//     the tests such as afterAll threw) counts as one more failure.
// go test -json (its event stream):
//   - only leaf tests count (a test with no subtests); a parent whose own code failed while none
//     of its subtests did counts as one failure, otherwise parents are not counted;
//   - `skip` counts as failed, as does a test that started and never finished (killed, timed out);
//   - a package that failed with no failing test counted in it (build error, panic outside a test,
//     TestMain exit) counts as one failure, as does a build failure no package event reports.
// A runner that exits non-zero with nothing counted failed adds one failure (settle()).

/**
 * @param {{ testResults: Array<{ name: string, status: string, message?: string,
 *   assertionResults: Array<{ fullName?: string, title?: string, status: string }> }> }} report
 */
export function tallyVitestReport(report) {
  const tally = { passed: 0, failed: 0, failures: [] };
  for (const file of report.testResults) {
    let failedHere = 0;
    for (const test of file.assertionResults) {
      if (test.status === 'passed') {
        tally.passed++;
        continue;
      }
      failedHere++;
      const why = test.status === 'failed' ? '' : ` (${test.status}: counts as failed)`;
      tally.failures.push(`${file.name} > ${test.fullName ?? test.title ?? '?'}${why}`);
    }
    if (file.status === 'failed' && failedHere === 0) {
      failedHere++;
      const msg = (file.message ?? '').split('\n')[0].trim();
      tally.failures.push(`${file.name}: the file failed outside its tests${msg ? `: ${msg}` : ''}`);
    }
    tally.failed += failedHere;
  }
  return tally;
}

/**
 * @param {Array<{ Action: string, Package?: string, Test?: string, ImportPath?: string, FailedBuild?: string }>} events
 */
export function tallyGoEvents(events) {
  /** @type {Map<string, { pkg: string, test: string, state: string }>} */
  const tests = new Map();
  /** @type {Map<string, string>} package → 'pass' | 'fail' (last seen) */
  const packages = new Map();
  const failedBuilds = new Set();
  const reportedBuilds = new Set();
  for (const ev of events) {
    if (ev.Action === 'build-fail' && ev.ImportPath) failedBuilds.add(ev.ImportPath);
    if (!ev.Package) continue;
    if (ev.FailedBuild) reportedBuilds.add(ev.FailedBuild);
    if (!ev.Test) {
      if (ev.Action === 'pass' || ev.Action === 'fail') packages.set(ev.Package, ev.Action);
      continue;
    }
    const key = `${ev.Package}\u0000${ev.Test}`;
    if (ev.Action === 'run' && !tests.has(key)) tests.set(key, { pkg: ev.Package, test: ev.Test, state: 'running' });
    else if (ev.Action === 'pass' || ev.Action === 'fail' || ev.Action === 'skip') {
      tests.set(key, { pkg: ev.Package, test: ev.Test, state: ev.Action });
    }
  }

  const parents = new Set();
  for (const { pkg, test } of tests.values()) {
    const cut = test.lastIndexOf('/');
    // Every prefix is a parent: TestA/b/c makes TestA/b and TestA parents.
    for (let i = cut; i > 0; i = test.lastIndexOf('/', i - 1)) parents.add(`${pkg}\u0000${test.slice(0, i)}`);
  }

  const tally = { passed: 0, failed: 0, failures: [] };
  const failedPackages = new Set();
  const fail = (pkg, what) => {
    tally.failed++;
    tally.failures.push(`${pkg} ${what}`);
    failedPackages.add(pkg);
  };
  const hasFailingDescendant = (pkg, test) =>
    [...tests.values()].some((t) => t.pkg === pkg && t.test.startsWith(`${test}/`) && t.state !== 'pass');
  for (const [key, t] of tests) {
    if (parents.has(key)) {
      if (t.state === 'fail' && !hasFailingDescendant(t.pkg, t.test)) fail(t.pkg, `${t.test} (failed outside its subtests)`);
      continue;
    }
    if (t.state === 'pass') tally.passed++;
    else if (t.state === 'fail') fail(t.pkg, t.test);
    else if (t.state === 'skip') fail(t.pkg, `${t.test} (skipped: counts as failed)`);
    else fail(t.pkg, `${t.test} (started, never finished)`);
  }
  for (const [pkg, state] of packages) {
    if (state === 'fail' && !failedPackages.has(pkg)) fail(pkg, '(package failed with no failing test: build error, panic or TestMain)');
  }
  for (const build of failedBuilds) {
    if (!reportedBuilds.has(build)) {
      tally.failed++;
      tally.failures.push(`${build} (build failed)`);
    }
  }
  return tally;
}

/**
 * One more failure when a runner exited non-zero although nothing it reported failed (an
 * unhandled error, a crash): its exit status is the last word.
 * @template {{ passed: number, failed: number, failures: string[] }} T
 * @param {T} tally
 * @param {number} exitCode
 * @param {string} what
 * @returns {T}
 */
export function settle(tally, exitCode, what) {
  if (exitCode === 0 || tally.failed > 0) return tally;
  return { ...tally, failed: tally.failed + 1, failures: [...tally.failures, `${what} exited ${exitCode} with no failing test reported`] };
}
