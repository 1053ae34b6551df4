// The counting behind `npm test`'s final `N passed, N failed` line (scripts/lib/tally.mjs). The
// inputs are trimmed copies of what vitest's JSON reporter and `go test -json` really produced for
// throw-away suites: a beforeAll that throws, skips, a build error, a panic, TestMain exiting.
import { describe, expect, it } from 'vitest';

import { settle, tallyGoEvents, tallyVitestReport, type GoTestEvent, type VitestReport } from '../../scripts/lib/tally.mjs';

const test = (fullName: string, status: string) => ({ fullName, status });

describe('tallyVitestReport', () => {
  it('counts passing and failing test cases one each', () => {
    const report: VitestReport = {
      testResults: [{ name: 'a.test.ts', status: 'failed', assertionResults: [test('ok', 'passed'), test('bad', 'failed')] }],
    };
    expect(tallyVitestReport(report)).toEqual({ passed: 1, failed: 1, failures: ['a.test.ts > bad'] });
  });

  it('counts every test of a describe whose beforeAll threw as failed (vitest reports them skipped)', () => {
    const report: VitestReport = {
      testResults: [
        {
          name: 'setup.test.ts',
          status: 'failed',
          message: '',
          assertionResults: [test('broken setup one', 'skipped'), test('broken setup two', 'skipped'), test('broken setup nested three', 'skipped'), test('fine ok', 'passed')],
        },
      ],
    };
    const tally = tallyVitestReport(report);
    expect(tally.passed).toBe(1);
    expect(tally.failed).toBe(3);
    expect(tally.failures[0]).toBe('setup.test.ts > broken setup one (skipped: counts as failed)');
  });

  it('counts skipped and todo tests as failed, even in a file vitest calls passed', () => {
    const report: VitestReport = {
      testResults: [{ name: 'b.test.ts', status: 'passed', assertionResults: [test('run', 'passed'), test('skip', 'skipped'), test('later', 'todo'), test('p', 'pending')] }],
    };
    const tally = tallyVitestReport(report);
    expect(tally).toMatchObject({ passed: 1, failed: 3 });
    expect(tally.failures).toEqual(['b.test.ts > skip (skipped: counts as failed)', 'b.test.ts > later (todo: counts as failed)', 'b.test.ts > p (pending: counts as failed)']);
  });

  it('counts a file that did not load as one failure, with its message', () => {
    const report: VitestReport = {
      testResults: [{ name: 'c.test.ts', status: 'failed', message: "Cannot find module './gone.js'\nmore", assertionResults: [] }],
    };
    expect(tallyVitestReport(report)).toEqual({ passed: 0, failed: 1, failures: ["c.test.ts: the file failed outside its tests: Cannot find module './gone.js'"] });
  });

  it('counts a failed afterAll as one failure beside the tests that passed', () => {
    const report: VitestReport = {
      testResults: [{ name: 'd.test.ts', status: 'failed', message: 'teardown boom', assertionResults: [test('x', 'passed')] }],
    };
    expect(tallyVitestReport(report)).toMatchObject({ passed: 1, failed: 1 });
  });

  it('adds nothing for a file that failed because of its failing tests', () => {
    const report: VitestReport = { testResults: [{ name: 'e.test.ts', status: 'failed', assertionResults: [test('x', 'failed')] }] };
    expect(tallyVitestReport(report)).toMatchObject({ passed: 0, failed: 1 });
  });
});

const ev = (Action: string, Package: string, Test?: string, extra: Partial<GoTestEvent> = {}): GoTestEvent => ({ Action, Package, ...(Test ? { Test } : {}), ...extra });

describe('tallyGoEvents', () => {
  it('counts leaf tests only, however deep', () => {
    const p = 'm/ok';
    const events = [
      ev('start', p),
      ev('run', p, 'TestParent'),
      ev('run', p, 'TestParent/a'),
      ev('pause', p, 'TestParent/a'),
      ev('run', p, 'TestParent/b'),
      ev('run', p, 'TestParent/b/deep'),
      ev('pass', p, 'TestParent/b/deep'),
      ev('pass', p, 'TestParent/b'),
      ev('cont', p, 'TestParent/a'),
      ev('pass', p, 'TestParent/a'),
      ev('pass', p, 'TestParent'),
      ev('run', p, 'TestLeaf'),
      ev('pass', p, 'TestLeaf'),
      ev('pass', p),
    ];
    expect(tallyGoEvents(events)).toEqual({ passed: 3, failed: 0, failures: [] });
  });

  it('counts a failing subtest once, not again for its parent', () => {
    const p = 'm/x';
    const events = [ev('run', p, 'TestA'), ev('run', p, 'TestA/sub'), ev('fail', p, 'TestA/sub'), ev('fail', p, 'TestA'), ev('fail', p)];
    expect(tallyGoEvents(events)).toEqual({ passed: 0, failed: 1, failures: ['m/x TestA/sub'] });
  });

  it('counts a parent that failed outside its passing subtests', () => {
    const p = 'm/x';
    const events = [ev('run', p, 'TestA'), ev('run', p, 'TestA/sub'), ev('pass', p, 'TestA/sub'), ev('fail', p, 'TestA'), ev('fail', p)];
    expect(tallyGoEvents(events)).toEqual({ passed: 1, failed: 1, failures: ['m/x TestA (failed outside its subtests)'] });
  });

  it('counts a skipped test as failed', () => {
    const p = 'm/x';
    const events = [ev('run', p, 'TestS'), ev('skip', p, 'TestS'), ev('run', p, 'TestP'), ev('run', p, 'TestP/s'), ev('skip', p, 'TestP/s'), ev('pass', p, 'TestP'), ev('pass', p)];
    expect(tallyGoEvents(events)).toEqual({
      passed: 0,
      failed: 2,
      failures: ['m/x TestS (skipped: counts as failed)', 'm/x TestP/s (skipped: counts as failed)'],
    });
  });

  it('counts a package that does not build as one failure', () => {
    const events: GoTestEvent[] = [
      { Action: 'build-fail', ImportPath: 'm/bad [m/bad.test]' },
      ev('start', 'm/bad'),
      ev('fail', 'm/bad', undefined, { FailedBuild: 'm/bad [m/bad.test]' }),
    ];
    const tally = tallyGoEvents(events);
    expect(tally).toMatchObject({ passed: 0, failed: 1 });
    expect(tally.failures[0]).toMatch(/^m\/bad \(package failed/);
  });

  it('counts a build failure no package event reports', () => {
    expect(tallyGoEvents([{ Action: 'build-fail', ImportPath: 'm/lib' }])).toEqual({ passed: 0, failed: 1, failures: ['m/lib (build failed)'] });
  });

  it('counts a panic once: the test that panicked, not also its package', () => {
    const p = 'm/panic';
    const events = [
      ev('run', p, 'TestA'),
      ev('pass', p, 'TestA'),
      ev('run', p, 'TestB'),
      ev('run', p, 'TestB/sub'),
      ev('fail', p, 'TestB/sub'),
      ev('fail', p, 'TestB'),
      ev('fail', p),
    ];
    expect(tallyGoEvents(events)).toEqual({ passed: 1, failed: 1, failures: ['m/panic TestB/sub'] });
  });

  it('counts a package that failed with no failing test (TestMain exit, panic outside a test)', () => {
    const tally = tallyGoEvents([ev('start', 'm/main'), ev('fail', 'm/main')]);
    expect(tally).toMatchObject({ passed: 0, failed: 1 });
  });

  it('counts a test that started and never finished as failed', () => {
    const p = 'm/t';
    const tally = tallyGoEvents([ev('run', p, 'TestHang'), ev('fail', p)]);
    expect(tally).toEqual({ passed: 0, failed: 1, failures: ['m/t TestHang (started, never finished)'] });
  });

  it('keeps tests of different packages apart', () => {
    const events = [ev('run', 'm/a', 'TestX'), ev('pass', 'm/a', 'TestX'), ev('run', 'm/b', 'TestX'), ev('run', 'm/b', 'TestX/y'), ev('pass', 'm/b', 'TestX/y'), ev('pass', 'm/b', 'TestX')];
    expect(tallyGoEvents(events)).toEqual({ passed: 2, failed: 0, failures: [] });
  });

  it('ignores packages without tests', () => {
    expect(tallyGoEvents([ev('start', 'm/none'), ev('skip', 'm/none')])).toEqual({ passed: 0, failed: 0, failures: [] });
  });
});

describe('settle', () => {
  it('adds one failure when the runner failed with nothing counted failed', () => {
    expect(settle({ passed: 4, failed: 0, failures: [] }, 1, 'go test')).toEqual({ passed: 4, failed: 1, failures: ['go test exited 1 with no failing test reported'] });
  });

  it('leaves a tally alone when failures explain the exit status, or it is 0', () => {
    const failing = { passed: 1, failed: 2, failures: ['a', 'b'] };
    expect(settle(failing, 1, 'x')).toBe(failing);
    const passing = { passed: 1, failed: 0, failures: [] };
    expect(settle(passing, 0, 'x')).toBe(passing);
  });
});
