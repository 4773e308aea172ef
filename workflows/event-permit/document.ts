import type { CaseDocument } from '../../functions/domain/case';
import { documentOf, holderOf, type DocumentInput } from '../../functions/domain/document';

/** An event permit (evenementenvergunning), final once the objection period has passed. */
export function buildEventPermit(input: DocumentInput): CaseDocument {
  const { subject, tenant, person } = input;
  const event = String(subject.data.eventName ?? '');
  const location = String(subject.data.location ?? '');
  const date = String(subject.data.date ?? '');
  const holder = holderOf(subject, person);
  return documentOf('permit', input, { nl: 'Evenementenvergunning', en: 'Event permit' }, {
    nl: `Het college van burgemeester en schepenen van ${tenant.name.nl} verleent ${holder} een vergunning voor het evenement "${event}" op ${date} te ${location}, onder de voorwaarden uit de adviezen van politie, brandweer en mobiliteit. De bezwaartermijn is verstreken. Referentie ${subject.number}.`,
    en: `The board of mayor and aldermen of ${tenant.name.en} grants ${holder} a permit for the event "${event}" on ${date} at ${location}, under the conditions in the advice of police, fire service and mobility. The objection period has passed. Reference ${subject.number}.`,
  });
}
