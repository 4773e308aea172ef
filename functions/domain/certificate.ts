import type { Case, CaseDocument } from './case';
import type { Tenant } from './tenant';

/** The register's view of the applicant, as far as the certificate needs it. */
export interface CertifiedPerson {
  readonly givenName: string;
  readonly familyName: string;
  readonly address: { readonly street: string; readonly postalCode: string; readonly municipality: string; readonly nisCode: string };
}

const brusselsDay = (instant: Date) =>
  new Intl.DateTimeFormat('nl-BE', { timeZone: 'Europe/Brussels', day: '2-digit', month: '2-digit', year: 'numeric' }).format(instant);

/** `85073003328` → `85.07.30-033.28`, the way Belgian documents print a national number. */
export function formatInsz(insz: string): string {
  return `${insz.slice(0, 2)}.${insz.slice(2, 4)}.${insz.slice(4, 6)}-${insz.slice(6, 9)}.${insz.slice(9)}`;
}

/**
 * The text of a proof of residence (attest van woonst) in Dutch and English. When the
 * register places the applicant in the tenant's municipality the address is certified;
 * otherwise the certificate rests on the check a clerk made.
 */
export function buildCertificate(input: { subject: Case; tenant: Tenant; person?: CertifiedPerson; now: Date }): CaseDocument {
  const { subject, tenant, person, now } = input;
  const insz = 'insz' in subject.applicant ? formatInsz(subject.applicant.insz) : '';
  const name = person ? `${person.givenName} ${person.familyName}` : insz;
  const registered = person !== undefined && person.address.nisCode === tenant.id;
  const address = person ? `${person.address.street}, ${person.address.postalCode} ${person.address.municipality}` : '';
  const purpose = typeof subject.data.purpose === 'string' ? subject.data.purpose : undefined;
  const day = brusselsDay(now);
  const nl = [
    `${tenant.name.nl} verklaart dat ${name} (rijksregisternummer ${insz})`,
    registered
      ? `volgens het bevolkingsregister zijn of haar hoofdverblijfplaats heeft op het adres ${address}.`
      : `na controle door de gemeentelijke diensten verblijft op het grondgebied van ${tenant.name.nl}.`,
    `Afgeleverd op ${day}${purpose ? ` voor: ${purpose}` : ''}. Referentie ${subject.number}.`,
  ].join(' ');
  const en = [
    `${tenant.name.en} certifies that ${name} (national number ${insz})`,
    registered
      ? `has their main residence at ${address} according to the population register.`
      : `resides within ${tenant.name.en}, as checked by municipal staff.`,
    `Issued on ${day}${purpose ? ` for: ${purpose}` : ''}. Reference ${subject.number}.`,
  ].join(' ');
  return {
    kind: 'certificate',
    reference: subject.number,
    issuedAt: now.toISOString(),
    language: subject.data.language === 'en' ? 'en' : 'nl',
    title: { nl: 'Attest van woonst', en: 'Proof of residence' },
    text: { nl, en },
  };
}
