/**
 * Mutation testing (`npm run mutate`): StrykerJS changes one thing at a time in the rules that
 * matter (the domain, the use cases, the workflow lint) and runs the Java-free tests
 * (jest.unit.config.js) against each change. A mutant that no test notices is a rule no
 * test protects. The HTML and JSON reports go to reports/mutation/. Runs are incremental: a
 * mutant whose code and covering tests did not change keeps its last result
 * (reports/stryker-incremental.json; `npm run mutate -- --force` runs everything again).
 */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: { projectType: 'custom', configFile: 'jest.unit.config.js', enableFindRelatedTests: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ['functions/domain/**/*.ts', 'functions/use-cases/**/*.ts', 'functions/commons/transient-errors.ts', 'designer/lint.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: 90 },
  ignorePatterns: ['cdk.out', '.loket', 'bench-results', 'diagrams', 'reports', 'coverage'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  // Only mutants in changed code, or covered by changed tests, run again; the rest keep their last result.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
};
