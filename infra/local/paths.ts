import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root, whatever the working directory. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * Git-ignored state of `npm start`: DynamoDB Local's data, the dev signing key, published events.
 * LOKET_STATE_DIR moves it, so that a second stack (a benchmark, a crash test) keeps its own state.
 */
export const localStateDirectory = process.env.LOKET_STATE_DIR ? resolve(process.env.LOKET_STATE_DIR) : join(projectRoot, '.loket');
export const devKeyFile = join(localStateDirectory, 'dev-signing-key.json');
