/**
 * Mutation testing (`npm run mutate`): StrykerJS changes one thing at a time in the rules that
 * matter (the domain, the use cases, the catalogue, the workflow lint) and runs the Java-free tests
 * (jest.mutation.config.cjs) against each change. A mutant that no test notices is a rule no
 * test protects. The HTML and JSON reports go to reports/mutation/. Runs are incremental: a
 * mutant whose code and covering tests did not change keeps its last result
 * (reports/stryker-incremental.json; `npm run mutate -- --force` runs everything again).
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // Each mutant runs only the test files that import its file (directly or through others), and
  // in those only the tests that reached it: loading all 30 files for every mutant took ten times longer.
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.cjs', enableFindRelatedTests: true },
  // A mutant that does not compile is not a test's merit: the TypeScript checker sorts those out first.
  checkers: ['typescript'],
  // The checker's project: the files mutated and the tests run, with what they import; not the CDK stack, the bench or the
  // adapters no test here loads. Checking every mutant against the whole project (5,216 files) made the workflow lint's
  // mutants pass at 6 a minute; this one, at 25. A mutant that breaks only a file outside it is tested, not set aside.
  // tests/unit/mutation/checker-project.test.ts holds it to stryker's `mutate` and jest.mutation.config.cjs's tests.
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['functions/domain/**/*.ts', 'functions/use-cases/**/*.ts', 'functions/catalogue/catalogue.ts', 'functions/commons/transient-errors.ts', 'functions/commons/source-mapped-stack.ts', 'designer/lint.ts', 'designer/data-flow.ts', 'designer/step-contracts.ts'],
  coverageAnalysis: 'perTest',
  // Module-level mutants (schemas, permission and holiday tables) would each rerun every test: ~7 % of
  // the mutants, half of the time. They are left out of the routine run; `npm run mutate:static` includes them (mutation/static.config.mjs).
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20000,
  // mutant-log appends each result as it comes (reports/mutation/mutants.jsonl), so that a run stopped
  // before its end keeps what it measured; `npm run mutate:score` reads it.
  plugins: ['@stryker-mutator/*', './mutation/mutant-log.reporter.mjs'],
  reporters: ['clear-text', 'progress', 'html', 'json', 'mutant-log'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  ignorePatterns: ['cdk.out', '.loket', 'bench-results', 'diagrams', 'reports', 'coverage', '/mutation/*', '!/mutation/jest-circus-covering-files.cjs', '!/mutation/sequencer.cjs', '!/mutation/bail-environment.cjs'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // Only mutants in changed code, or covered by changed tests, run again; the rest keep their last result.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
};
