// Types of tally.mjs for the unit tests (test/scripts/tally.test.ts).
export interface Tally {
  passed: number;
  failed: number;
  /** One line per failure, naming the file or package and the test. */
  failures: string[];
}

export interface VitestReport {
  testResults: Array<{
    name: string;
    status: string;
    message?: string;
    assertionResults: Array<{ fullName?: string; title?: string; status: string }>;
  }>;
}

export interface GoTestEvent {
  Action: string;
  Package?: string;
  Test?: string;
  ImportPath?: string;
  FailedBuild?: string;
}

export function tallyVitestReport(report: VitestReport): Tally;
export function tallyGoEvents(events: readonly GoTestEvent[]): Tally;
export function settle<T extends Tally>(tally: T, exitCode: number, what: string): T;
