import * as z from 'zod';

// Marked `@__PURE__`, so that a function's bundle leaves out those its route does not use (see api.schemas.ts).

/** The body of withdraw, suspend and resume: why, in the words the audit trail keeps. */
export const reasonRequest = /* @__PURE__ */ z.object({ reason: z.string().trim().min(1).max(2000) }).strict();

export const extendRequest = /* @__PURE__ */ z
  .object({ days: z.number().int().min(1).max(365), reason: z.string().trim().min(1).max(2000) })
  .strict();

export const messageRequest = /* @__PURE__ */ z
  .object({
    name: z.string().max(100).regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a message name such as payment-received'),
    data: z.record(z.string().max(100), z.unknown()).default({}),
  })
  .strict();
