import type { Case, CaseDocument } from './case';
import type { LocalizedText } from './transaction-type';
import type { Tenant } from './tenant';

/** The register's view of the applicant, as far as the certificate needs it. */
export interface CertifiedPerson {
  readonly givenName: string;
  readonly familyName: string;
  readonly address: { readonly street: string; readonly postalCode: string; readonly municipality: string; readonly nisCode: string };
}

export const brusselsDay = (instant: Date) =>
  new Intl.DateTimeFormat('nl-BE', { timeZone: 'Europe/Brussels', day: '2-digit', month: '2-digit', year: 'numeric' }).format(instant);

/** `85073003328` → `85.07.30-033.28`, the way Belgian documents print a national number. */
export function formatInsz(insz: string): string {
  return `${insz.slice(0, 2)}.${insz.slice(2, 4)}.${insz.slice(4, 6)}-${insz.slice(6, 9)}.${insz.slice(9)}`;
}

/** The parts every document shares: its case's number as reference, the issue time, the applicant's language. */
export function documentOf(kind: CaseDocument['kind'], input: DocumentInput, title: LocalizedText, text: LocalizedText): CaseDocument {
  return {
    kind,
    reference: input.subject.number,
    issuedAt: input.now.toISOString(),
    language: input.subject.data.language === 'en' ? 'en' : 'nl',
    title,
    text,
  };
}

export interface DocumentInput {
  readonly subject: Case;
  readonly tenant: Tenant;
  readonly person?: CertifiedPerson;
  readonly now: Date;
}


/** Who holds a permit: the person's name, else their national or enterprise number. */
export function holderOf(subject: Case, person?: CertifiedPerson): string {
  if (person) return `${person.givenName} ${person.familyName}`;
  return 'insz' in subject.applicant ? formatInsz(subject.applicant.insz) : `KBO ${subject.applicant.kbo}`;
}
