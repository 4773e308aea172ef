/**
 * The tests that need no Java, no DynamoDB Local and no network: the domain, the use cases
 * (over in-memory ports) and the workflow lint. StrykerJS runs these for every mutant.
 */
import base from './jest.config.js';

export default {
  ...base,
  testMatch: ['<rootDir>/tests/unit/**/*.test.ts', '<rootDir>/tests/workflows/lint.test.ts'],
};
