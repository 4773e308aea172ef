import { config } from 'zod/mini';
// Named imports from 'zod/v4/core', not `core` from 'zod/mini': that namespace would bring every locale into each bundle.
import { $constructor, $ZodError, _parse, type $Parse, type $ZodErrorClass, type $ZodIssue } from 'zod/v4/core';
import { en } from 'zod/locales';

/*
 * The schema language of Loket's functions: zod's functional build, `zod/mini`, with the English
 * messages the classic build sets by default. Import it as `import * as z from '…/domain/zod'`.
 *
 * A function's bundle loads only what its schemas use. The classic build's method chains, which
 * every schema carries, cost each function about 25 ms of init over this build's (issue 14); a
 * bundle that loads both gains nothing, so no function's code imports 'zod' itself, except where
 * only the classic build offers what is needed (`fromJSONSchema`).
 */
config(en());

export * from 'zod/mini';

/**
 * What `parse` throws, named as the classic build names it: every type's Catch lists a step's
 * invalid input as `ZodError` (`caseErrors`), where the functional build's own error is `$ZodError`.
 */
export const ZodError: $ZodErrorClass = $constructor('ZodError', (inst: $ZodError, issues: $ZodIssue[]) => {
  $ZodError.init(inst, issues);
  inst.name = 'ZodError';
}, undefined, { Parent: Error });

/** The value `schema` makes of `input`, or a `ZodError` that lists every issue. */
export const parse: $Parse = _parse(ZodError);
