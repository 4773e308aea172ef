/**
 * The order of a mutant's test files (jest.mutation.config.cjs): the mutated file's own test file
 * first (`case.ts` → `case.test.ts`, `case-*.test.ts`), then the files that failed last time, then
 * the quickest. A kill usually comes from the first of them, and the runner
 * (jest-circus-covering-files.cjs) skips the rest once a test has failed.
 */
const { basename } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const stem = (file) => basename(file).replace(/\.(test\.)?[cm]?[jt]s$/, '');

module.exports = class MutationSequencer extends Sequencer {
  constructor(options) {
    super(options);
    this.subjects = (options.globalConfig.nonFlagArgs ?? []).map(stem);
  }

  sort(tests) {
    const own = (test) => {
      const name = stem(test.path);
      return this.subjects.some((subject) => name === subject || name.startsWith(`${subject}-`)) ? 0 : 1;
    };
    const failed = (test) => (this.hasFailed(test) ? 0 : 1);
    const time = (test) => this.time(test) ?? Number.MAX_SAFE_INTEGER;
    return [...tests].sort((a, b) => own(a) - own(b) || failed(a) - failed(b) || time(a) - time(b));
  }
};
