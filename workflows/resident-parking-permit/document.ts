import type { CaseDocument } from '../../functions/domain/case';
import { brusselsDay, documentOf, holderOf, type DocumentInput } from '../../functions/domain/document';

/** A resident parking permit (bewonerskaart) for one vehicle, in the tenant's name. */
export function buildParkingPermit(input: DocumentInput): CaseDocument {
  const { subject, tenant, person, now } = input;
  const plate = String(subject.data.licensePlate ?? '');
  const zone = typeof subject.data.zone === 'string' ? subject.data.zone : undefined;
  const holder = holderOf(subject, person);
  const validUntil = new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000);
  const from = brusselsDay(now);
  const until = brusselsDay(validUntil);
  return documentOf('permit', input, { nl: 'Bewonerskaart', en: 'Resident parking permit' }, {
    nl: `${tenant.name.nl} verleent ${holder} een bewonerskaart voor het voertuig ${plate}${zone ? ` in zone ${zone}` : ''}, geldig van ${from} tot ${until}. Referentie ${subject.number}.`,
    en: `${tenant.name.en} grants ${holder} a resident parking permit for vehicle ${plate}${zone ? ` in zone ${zone}` : ''}, valid from ${from} to ${until}. Reference ${subject.number}.`,
  });
}
