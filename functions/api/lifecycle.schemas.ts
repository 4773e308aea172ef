import * as z from '../domain/zod';

// Built by `built`, so that a function's bundle leaves out those its route does not use (see api.schemas.ts).
const built = /* @__NO_SIDE_EFFECTS__ */ <T>(make: () => T): T => make();

/** The body of withdraw, suspend and resume: why, in the words the audit trail keeps. */
export const reasonRequest = built(() => z.strictObject({ reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)) }));

export const extendRequest = built(() => z.strictObject({ days: z.number().check(z.int(), z.gte(1), z.lte(365)), reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000)) }));

export const messageRequest = built(() => z.strictObject({
  name: z.string().check(z.maxLength(100), z.regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a message name such as payment-received')),
  data: z._default(z.record(z.string().check(z.maxLength(100)), z.unknown()), {}),
}));
