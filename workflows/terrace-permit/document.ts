import type { CaseDocument } from '../../functions/domain/case';
import { documentOf, type DocumentInput } from '../../functions/domain/document';

/** A terrace permit (terrasvergunning) for a business, for one season. */
export function buildTerracePermit(input: DocumentInput): CaseDocument {
  const { subject, tenant } = input;
  const kbo = 'kbo' in subject.applicant ? subject.applicant.kbo : '';
  const address = String(subject.data.terraceAddress ?? '');
  const area = String(subject.data.areaSquareMeters ?? '');
  const from = String(subject.data.seasonFrom ?? '');
  const to = String(subject.data.seasonTo ?? '');
  return documentOf('permit', input, { nl: 'Terrasvergunning', en: 'Terrace permit' }, {
    nl: `${tenant.name.nl} verleent de onderneming met ondernemingsnummer ${kbo} een vergunning voor een terras van ${area} m² op ${address}, van ${from} tot ${to}. Referentie ${subject.number}.`,
    en: `${tenant.name.en} grants the business with enterprise number ${kbo} a permit for a terrace of ${area} m² at ${address}, from ${from} to ${to}. Reference ${subject.number}.`,
  });
}
