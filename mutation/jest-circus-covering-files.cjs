/**
 * The test runner of the mutation run (jest.mutation.config.cjs): jest-circus, except that a test
 * file none of whose tests covers the mutant is not loaded at all.
 *
 * StrykerJS runs each mutant with a test-name pattern that selects the tests covering it, and
 * `findRelatedTests` over the mutated file. Jest still loads every related file and only then
 * skips the tests outside the pattern; for a domain file that 40 test files import, those loads
 * were most of the run. This runner remembers each file's test names from every run without a
 * pattern (Stryker's initial run, at the start of each mutation run, runs them all), and answers
 * a file whose names all fall outside the pattern with those tests pending: what jest would have
 * reported after loading it. A file it has no names for, or any run without a pattern, goes to
 * jest-circus unchanged.
 *
 * Mutants that run while a file loads (module-level code) are Stryker's static mutants, which it
 * runs without a pattern, so this never hides one.
 *
 * Once a test has failed, the mutant is killed: the files after it in the same run are answered
 * the same way, as Stryker turns jest's own `bail` off. mutation/sequencer.cjs runs the mutated
 * file's own tests first, where a kill is most likely.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const circus = require('jest-circus/runner').default;
const { createEmptyTestResult } = require('@jest/test-result');

/** Inside the project's Stryker temp folder: the sandbox of a mutation run, deleted with it. */
const namesFile = (rootDir, testPath) =>
  join(rootDir, '.stryker-tmp', 'test-names', `${createHash('sha256').update(testPath).digest('hex').slice(0, 24)}.json`);

function rememberedNames(rootDir, testPath) {
  try {
    return JSON.parse(readFileSync(namesFile(rootDir, testPath), 'utf8'));
  } catch {
    return undefined;
  }
}

function remember(rootDir, testPath, names) {
  const file = namesFile(rootDir, testPath);
  mkdirSync(join(file, '..'), { recursive: true });
  // Written whole, then renamed: a reader in another worker never sees half a list.
  writeFileSync(`${file}.${process.pid}`, JSON.stringify(names));
  renameSync(`${file}.${process.pid}`, file);
}

/** The result jest gives a file whose every test the pattern skipped. */
function allPending(testPath, names) {
  const result = createEmptyTestResult();
  return {
    ...result,
    testFilePath: testPath,
    skipped: true,
    numPendingTests: names.length,
    testResults: names.map((fullName) => ({
      ancestorTitles: [],
      duration: null,
      failureDetails: [],
      failureMessages: [],
      fullName,
      numPassingAsserts: 0,
      status: 'pending',
      title: fullName,
    })),
  };
}

/** Set by Stryker for the length of one mutant's run. */
const activeMutant = () => process.env.__STRYKER_ACTIVE_MUTANT__;
/** The mutant a failing test already killed: the rest of its run changes nothing (Stryker turns jest's own bail off). */
let killed;

module.exports = async function coveringFilesRunner(globalConfig, config, environment, runtime, testPath, sendMessageToJest) {
  const pattern = globalConfig.testNamePattern;
  if (pattern) {
    const names = rememberedNames(config.rootDir, testPath);
    // The same test as jest-circus applies to each test's id (its describe titles and its own, joined by spaces).
    const selects = new RegExp(pattern, 'i');
    const mutant = activeMutant();
    const done = mutant !== undefined && killed === mutant;
    if (names && names.length > 0 && (done || !names.some((name) => selects.test(name)))) return allPending(testPath, names);
    const result = await circus(globalConfig, config, environment, runtime, testPath, sendMessageToJest);
    if (mutant !== undefined && (result.numFailingTests > 0 || result.testExecError)) killed = mutant;
    return result;
  }
  const result = await circus(globalConfig, config, environment, runtime, testPath, sendMessageToJest);
  remember(config.rootDir, testPath, result.testResults.map((test) => test.fullName));
  return result;
};
