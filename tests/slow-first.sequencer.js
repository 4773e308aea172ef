import { relative } from 'node:path';
import Sequencer from '@jest/test-sequencer';

/**
 * Seconds a test file took in a CI run (2 workers on 2 shared cores), for the files of 10 s or
 * more, and for the infra, route-matrix and faults files what they took once their syntheses were
 * shared and their polling thinned: the order on a machine whose jest cache holds no timings yet
 * (a fresh clone). Jest's own
 * order then is by file size, which put the 49-line app.test.ts, among the slowest, near the end,
 * where the one worker still busy ran it while the other idled.
 */
const ciSeconds = {
  'tests/infra/app.test.ts': 200,
  'tests/e2e/faults.e2e.test.ts': 140,
  'tests/e2e/personal-data.e2e.test.ts': 92,
  'tests/e2e/case-management.e2e.test.ts': 61,
  'tests/e2e/route-matrix.e2e.test.ts': 40,
  'tests/workflows/execution-timeout.workflow.test.ts': 45,
  'tests/e2e/crash-recovery.e2e.test.ts': 41,
  'tests/e2e/audit-trail.e2e.test.ts': 28,
  'tests/workflows/event-permit.workflow.test.ts': 28,
  'tests/workflows/terrace-permit.workflow.test.ts': 27,
  'tests/e2e/catalogue.e2e.test.ts': 27,
  'tests/e2e/proof-of-residence.e2e.test.ts': 26,
  'tests/workflows/resident-parking-permit.workflow.test.ts': 25,
  'tests/e2e/retention.e2e.test.ts': 25,
  'tests/workflows/run-tool.test.ts': 25,
  'tests/workflows/tree-felling-permit.workflow.test.ts': 25,
  'tests/e2e/bad-input.fuzz.e2e.test.ts': 24,
  'tests/e2e/outbox.e2e.test.ts': 24,
  'tests/e2e/operations-runbook.e2e.test.ts': 23,
  'tests/infra/environments.test.ts': 22,
  'tests/workflows/change-of-address.workflow.test.ts': 21,
  'tests/workflows/lint.test.ts': 20,
  'tests/e2e/versions.e2e.test.ts': 20,
  'tests/e2e/webhooks.e2e.test.ts': 19,
  'tests/workflows/proof-of-residence.timeout.workflow.test.ts': 18,
  'tests/workflows/proof-of-residence.workflow.test.ts': 18,
  'tests/workflows/rerun.workflow.test.ts': 17,
  'tests/workflows/jsonata.workflow.test.ts': 17,
  'tests/e2e/case-events.e2e.test.ts': 15,
  'tests/stepfunctions/stepfunctions-executions.test.ts': 13,
  'tests/infra/monitoring.construct.test.ts': 12,
};

/**
 * Longest first, so that the two workers finish close together: by the time jest measured in
 * this checkout's last run, or else by the CI figures above, or else (a new file) after those,
 * by size, as jest does. A file that failed last time still runs first.
 */
export default class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const expected = (test) => this.time(test) ?? (ciSeconds[relative(test.context.config.rootDir, test.path).split('\\').join('/')] ?? -1) * 1000;
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    return [...tests].sort((a, b) => {
      const failed = Number(this.hasFailed(b)) - Number(this.hasFailed(a));
      if (failed !== 0) return failed;
      return expected(b) - expected(a) || size(b) - size(a);
    });
  }
}
