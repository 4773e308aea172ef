/** Jest runs the TypeScript sources as native ES modules (NODE_OPTIONS=--experimental-vm-modules). */
const swc = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', experimental: { keepImportAttributes: true } },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  setupFiles: ['<rootDir>/tests/setup-env.ts'],
  testTimeout: 60_000,
  maxWorkers: 2,
  /*
   * How long Jest waits for a worker to end once its suites are done, before it kills it with
   * "a worker process has failed to exit gracefully" (500 ms by default). A worker that ran the
   * e2e suites holds a large heap (1.3 GB, 2.3 GB resident, measured), and Node took 0.75–0.85 s
   * to tear that down after the worker's last 'exit' event, with nothing of the tests left running
   * in it (`npm run test:leftovers`): the kill, not a leak, was what Jest reported.
   */
  workerGracefulExitTimeout: 5000,
  testSequencer: '<rootDir>/tests/slow-first.sequencer.js',
};
