/*
 * `npm run test:leftovers`: Jest's node environment that, half a second after each suite's
 * teardown, notes what the suite left keeping its worker alive (timers, sockets, servers, child
 * processes), by type, in reports/leftover-handles.tsv: worker pid, suite, what it added, all there
 * is. A worker that still holds something when Jest ends it is what Jest reports as "a worker
 * process has failed to exit gracefully", without naming the suite; this names it.
 */
const { appendFileSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

const report = join(__dirname, '..', '..', 'reports', 'leftover-handles.tsv');
const byType = (resources) => resources.reduce((counts, type) => ({ ...counts, [type]: (counts[type] ?? 0) + 1 }), {});

module.exports = class LeftoverHandlesEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.suite = context.testPath;
  }

  async setup() {
    await super.setup();
    this.before = byType(process.getActiveResourcesInfo());
  }

  async teardown() {
    await super.teardown();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = byType(process.getActiveResourcesInfo());
    const added = Object.fromEntries(Object.entries(now).flatMap(([type, count]) => (count > (this.before[type] ?? 0) ? [[type, count - (this.before[type] ?? 0)]] : [])));
    mkdirSync(join(report, '..'), { recursive: true });
    appendFileSync(report, `${process.pid}\t${this.suite}\t${JSON.stringify(added)}\t${JSON.stringify(now)}\n`);
  }
};
