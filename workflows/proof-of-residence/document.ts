import type { CaseDocument } from '../../functions/domain/case';
import { brusselsDay, documentOf, formatInsz, type DocumentInput } from '../../functions/domain/document';

/**
 * The text of a proof of residence (attest van woonst) in Dutch and English. When the
 * register places the applicant in the tenant's municipality the address is certified;
 * otherwise the certificate rests on the check a clerk made.
 */
export function buildCertificate(input: DocumentInput): CaseDocument {
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
  return documentOf('certificate', input, { nl: 'Attest van woonst', en: 'Proof of residence' }, { nl, en });
}
