/**
 * The routine run's configuration (stryker.config.mjs) with static mutants included: those in code that only
 * module loading runs (schemas, tables), each of which reruns every related test. For a file whose mutants are
 * all static, which the routine run never measures: `npm run mutate:static -- --mutate <file>`.
 */
import routine from '../stryker.config.mjs';

export default { ...routine, ignoreStatic: false };
