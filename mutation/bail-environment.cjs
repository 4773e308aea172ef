/**
 * The test environment of the mutation run (jest.mutation.config.cjs): Node's, except that once a
 * test of a file has failed against a mutant, the file's remaining tests are skipped.
 *
 * One failing test kills a mutant; what the rest of the file would say changes nothing. Jest's
 * own `bail` stops only between files, and Stryker turns it off; mutation/jest-circus-covering-files.cjs
 * does that part. Within a file, a lint mutant ran every one of the ~200 lint tests that reach it,
 * seconds each, after the first had already failed.
 *
 * jest-circus announces each test (`test_start`) before it decides whether to skip it, and awaits
 * the environment's handler for every event, so marking the test `skip` there skips it as
 * `test.skip` would. Stryker's per-test coverage wraps this class and calls this handler first.
 * Outside a mutant's run (Stryker's initial run, which must pass whole) nothing is skipped.
 */
const { TestEnvironment } = require('jest-environment-node');

/** Set by Stryker for the length of one mutant's run. */
const activeMutant = () => process.env.__STRYKER_ACTIVE_MUTANT__;

class BailOnFirstFailureEnvironment extends TestEnvironment {
  #failedFor;

  async handleTestEvent(event) {
    const mutant = activeMutant();
    if (mutant === undefined) return;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') this.#failedFor = mutant;
    else if (event.name === 'test_start' && this.#failedFor === mutant) event.test.mode = 'skip';
  }
}

module.exports = BailOnFirstFailureEnvironment;
