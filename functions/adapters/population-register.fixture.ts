import type { PopulationRegister, RegisteredPerson } from '../ports/registers.port';

/**
 * FIXTURE DATA: clearly fake people standing in for the population register, which this
 * machine cannot reach. The INSZ numbers have valid check digits; names and addresses are
 * invented.
 */
export const fixturePeople: readonly RegisteredPerson[] = [
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

/** Moves registered in this execution environment; a fixture has no durable register behind it. */
const moves = new Map<string, RegisteredPerson['address']>();

export const fixturePopulationRegister: PopulationRegister = {
  async findPerson(insz) {
    const person = fixturePeople.find((candidate) => candidate.insz === insz);
    const moved = moves.get(insz);
    return person && moved ? { ...person, address: moved } : person;
  },

  async registerMove(insz, move) {
    moves.set(insz, { street: move.street, postalCode: move.postalCode, municipality: move.municipality, nisCode: move.nisCode });
  },
};
