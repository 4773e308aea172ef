/**
 * The Java-free tests StrykerJS runs against every mutant (npm run mutate): the domain, the use
 * cases over in-memory ports, the commons they rely on, the catalogue and the workflow lint. They run as
 * CommonJS here (the same TypeScript, compiled by swc to `require`), since Jest's ESM mode
 * re-links every module for each of the thousands of runs and made a mutation run take hours.
 */
// The workflow lint's ASL check compiles asl-validator's schemas on every call; across the
// thousands of runs the same definitions come back, so their answers are kept (designer/asl-structure.ts).
process.env.LOKET_ASL_CACHE ??= require('node:path').join(require('node:os').tmpdir(), 'loket-asl-structure');

module.exports = {
  // Node's, except that a file's remaining tests are skipped once one has failed against the mutant (mutation/bail-environment.cjs).
  // An absolute path: Stryker's per-test coverage loads the environment from this setting itself, without <rootDir>.
  testEnvironment: require('node:path').join(__dirname, 'mutation', 'bail-environment.cjs'),
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testMatch: [
    '<rootDir>/tests/unit/domain/**/*.test.ts',
    '<rootDir>/tests/unit/use-cases/**/*.test.ts',
    '<rootDir>/tests/unit/commons/**/*.test.ts',
    '<rootDir>/tests/workflows/lint.test.ts',
    '<rootDir>/tests/workflows/data-flow.test.ts',
    '<rootDir>/tests/workflows/validate.test.ts',
    '<rootDir>/tests/workflows/expansion.test.ts',
    '<rootDir>/tests/workflows/catalogue.test.ts',
  ],
  // The step wrapper's tests load middy's ESM-only packages, and the Powertools module's tests
  // (logger masking, telemetry, tracing) load a module with a top-level await (it imports the
  // tracer only where tracing is on): neither can be required by this CommonJS run. None of those
  // files is mutated, and the full suite runs these tests.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/unit/commons/(step(-logging)?|logger-masking|telemetry|tracing)\\.test\\.ts$'],
  setupFiles: ['<rootDir>/tests/setup-env.ts'],
  // A related test file none of whose tests covers the mutant is not loaded (mutation/jest-circus-covering-files.cjs).
  // Stryker's per-test coverage accepts only a runner whose path names jest-circus, which this one wraps.
  testRunner: '<rootDir>/mutation/jest-circus-covering-files.cjs',
  testSequencer: '<rootDir>/mutation/sequencer.cjs',
};
