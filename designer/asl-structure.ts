import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const validateAsl = require('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };
const validatorVersion = (require('asl-validator/package.json') as { version: string }).version;

/** Whether a definition keeps the Amazon States Language specification, and if not, why. */
export interface AslStructure {
  readonly isValid: boolean;
  readonly errors: string;
}

/**
 * Checks a definition against the ASL specification with asl-validator. Patched
 * (patches/asl-validator+4.0.0.patch), it compiles its JSON Schemas once in a process, about half a
 * second, rather than on every call. With `LOKET_ASL_CACHE` naming a folder, the answers are kept
 * there under a hash of the validator's version and the definition: mutation testing lints the
 * same few dozen definitions in a fresh process for every mutant, and would otherwise spend that
 * half second compiling the same schemas each time.
 */
export function checkAslStructure(definition: unknown): AslStructure {
  const cacheDirectory = process.env.LOKET_ASL_CACHE;
  const cached = cacheDirectory
    ? join(cacheDirectory, `${createHash('sha256').update(validatorVersion).update('\0').update(JSON.stringify(definition)).digest('hex')}.json`)
    : undefined;
  if (cached) {
    try {
      return JSON.parse(readFileSync(cached, 'utf8')) as AslStructure;
    } catch {
      // not checked before: check it now
    }
  }
  const validation = validateAsl(structuredClone(definition));
  const structure: AslStructure = { isValid: validation.isValid, errors: validation.isValid ? '' : validation.errorsText('; ') };
  if (cacheDirectory && cached) {
    mkdirSync(cacheDirectory, { recursive: true });
    writeFileSync(cached, JSON.stringify(structure));
  }
  return structure;
}
