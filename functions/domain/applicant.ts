import * as z from './zod';
import { isValidInsz, isValidKbo, normalizeInsz, normalizeKbo } from './identifiers';

/** Room for the number with separators, e.g. 85.07.30-033.28 or BE 0123.456.789. */
const withSeparators = 20;

const inszSchema = z
  .pipe(z.string().check(z.maxLength(withSeparators)), z.transform(normalizeInsz))
  .check(z.refine(isValidInsz, 'not a valid INSZ: expected 11 digits with correct check digits'));
const kboSchema = z
  .pipe(z.string().check(z.maxLength(withSeparators)), z.transform(normalizeKbo))
  .check(z.refine(isValidKbo, 'not a valid KBO enterprise number: expected 10 digits with correct check digits'));

export type Applicant = { readonly insz: string } | { readonly kbo: string };

/**
 * A citizen by national number (INSZ) or a business by enterprise number (KBO), check digits
 * verified. One object with two optional fields, rather than a union, so that an error names
 * the exact field (`applicant.insz`).
 */
export const applicantSchema = z.pipe(
  z
    .strictObject({ insz: z.optional(inszSchema), kbo: z.optional(kboSchema) })
    .check(z.refine((value) => (value.insz === undefined) !== (value.kbo === undefined), { message: 'give exactly one of insz (a citizen) or kbo (a business)' })),
  z.transform((value): Applicant => (value.insz !== undefined ? { insz: value.insz } : { kbo: value.kbo as string })),
);

export function applicantKind(applicant: Applicant): 'citizen' | 'business' {
  return 'insz' in applicant ? 'citizen' : 'business';
}

/** The identifier that indexes a tenant's cases by applicant. */
export function applicantId(applicant: Applicant): string {
  return 'insz' in applicant ? applicant.insz : applicant.kbo;
}
