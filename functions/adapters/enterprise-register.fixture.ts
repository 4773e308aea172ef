import type { EnterpriseRegister, RegisteredEnterprise } from '../ports/registers.port';

/**
 * FIXTURE DATA: clearly fake enterprises standing in for the KBO, which this machine cannot
 * reach. The numbers have valid check digits; names and addresses are invented.
 */
export const fixtureEnterprises: readonly RegisteredEnterprise[] = [
  {
    kbo: '0999000129',
    name: 'Fixture Brasserie De Proef BV',
    legalForm: 'BV',
    active: true,
    seat: { street: 'Voorbeeldkaai 3', postalCode: '9000', municipality: 'Gent', nisCode: '44021' },
  },
  {
    kbo: '0999000228',
    name: 'Fixture Taverne Aalst BV',
    legalForm: 'BV',
    active: true,
    seat: { street: 'Proefstraat 4', postalCode: '9300', municipality: 'Aalst', nisCode: '41002' },
  },
  {
    kbo: '0999000327',
    name: 'Fixture Gesloten Zaak VOF',
    legalForm: 'VOF',
    active: false,
    seat: { street: 'Voorbeeldlaan 5', postalCode: '9000', municipality: 'Gent', nisCode: '44021' },
  },
];

export const fixtureEnterpriseRegister: EnterpriseRegister = {
  async findEnterprise(kbo) {
    return fixtureEnterprises.find((enterprise) => enterprise.kbo === kbo);
  },
};
