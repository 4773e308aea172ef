import * as z from './zod';

// Built by `built`, so that a bundle that validates no type leaves them out (see functions/api/api.schemas.ts).
const built = /* @__NO_SIDE_EFFECTS__ */ <T>(make: () => T): T => make();

const title = built(() => z.string().check(z.minLength(1), z.maxLength(200)));
/** A template file in the type's folder: a plain name, never a path. */
const templateFile = built(() => z.string().check(z.maxLength(100), z.regex(/^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.txt$/, 'a file name in the type folder ending in .txt, e.g. document.nl.txt')));

/** The document a type issues, as `type.json` declares it under `document`. */
export const documentDeclarationSchema = built(() => z.strictObject({
  kind: z.enum(['certificate', 'permit']),
  title: z.strictObject({ nl: title, en: title }),
  /** The template of the document's text in each language, a file in the type's folder. */
  template: z.strictObject({ nl: templateFile, en: templateFile }),
  /** Days the document is valid from its issue; gives the field `validUntil`. */
  validForDays: z.optional(z.number().check(z.int(), z.positive(), z.lte(3660))),
}));

export type DocumentDeclaration = z.infer<typeof documentDeclarationSchema>;
