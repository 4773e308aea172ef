import * as z from 'zod';

const title = /* @__PURE__ */ z.string().min(1).max(200);
/** A template file in the type's folder: a plain name, never a path. */
const templateFile = /* @__PURE__ */ z
  .string()
  .max(100)
  .regex(/^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.txt$/, 'a file name in the type folder ending in .txt, e.g. document.nl.txt');

/** The document a type issues, as `type.json` declares it under `document`. */
export const documentDeclarationSchema = /* @__PURE__ */ z
  .object({
    kind: z.enum(['certificate', 'permit']),
    title: z.object({ nl: title, en: title }).strict(),
    /** The template of the document's text in each language, a file in the type's folder. */
    template: z.object({ nl: templateFile, en: templateFile }).strict(),
    /** Days the document is valid from its issue; gives the field `validUntil`. */
    validForDays: z.number().int().positive().max(3660).optional(),
  })
  .strict();

export type DocumentDeclaration = z.infer<typeof documentDeclarationSchema>;
