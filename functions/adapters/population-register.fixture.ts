import type { PopulationRegister, RegisteredPerson } from './population-register';

/**
 * FIXTURE DATA: clearly fake people standing in for the population register, which this
 * machine cannot reach. The INSZ numbers have valid check digits; names and addresses are
 * invented.
 */
const fixturePeople: readonly RegisteredPerson[] = [
  {
    insz: '85073003328',
    givenName: 'Testa',
    familyName: 'Fixture-Gent',
    address: { street: 'Voorbeeldstraat 1', postalCode: '9000', municipality: 'Gent', nisCode: '44021' },
  },
  {
    insz: '17073003384',
    givenName: 'Proef',
    familyName: 'Fixture-Aalst',
    address: { street: 'Proefplein 2', postalCode: '9300', municipality: 'Aalst', nisCode: '41002' },
  },
];

export const fixturePopulationRegister: PopulationRegister = {
  async findPerson(insz) {
    return fixturePeople.find((person) => person.insz === insz);
  },
};
