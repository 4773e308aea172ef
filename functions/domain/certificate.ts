import type { CaseDocument } from './case';
import type { DocumentInput } from './document';
import { brusselsDay, documentOf, formatInsz, holderOf } from './document';

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

const builders: Record<string, (input: DocumentInput) => CaseDocument> = {
  'proof-of-residence': buildCertificate,
  'resident-parking-permit': buildParkingPermit,
  'event-permit': buildEventPermit,
  'terrace-permit': buildTerracePermit,
};

/** The document a type's case ends with. */
export function buildDocument(typeKey: string, input: DocumentInput): CaseDocument {
  const build = builders[typeKey];
  if (!build) throw new Error(`no document is defined for type '${typeKey}'`);
  return build(input);
}
