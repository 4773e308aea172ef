import { beforeEach, describe, expect, test } from '@jest/globals';
import { fixturePopulationRegister } from '../../../functions/adapters/population-register.fixture';
import type { AddressChange } from '../../../functions/ports/registers.port';
import { registerMove } from '../../../functions/use-cases/register-move';
import type { InMemoryCaseStore } from '../../support/in-memory-ports';
import { aCase, inMemoryCaseStore, testUlid } from '../../support/in-memory-ports';

const submittedAt = new Date('2026-11-09T10:00:00Z');
const move = { newAddress: { street: 'Nieuwstraat 12', postalCode: '9000', municipality: 'Gent' }, movingDate: '2026-11-15' };

let store: InMemoryCaseStore;
let moves: Array<{ insz: string; move: AddressChange }>;
const population = { registerMove: async (insz: string, change: AddressChange) => void moves.push({ insz, move: change }) };

beforeEach(() => {
  store = inMemoryCaseStore();
  moves = [];
});

describe('registering a move', () => {
  test('records the new address in the tenant’s municipality from the moving date', async () => {
    const subject = store.seedCase(aCase({ id: testUlid(1), typeKey: 'change-of-address', applicant: { insz: '17073003384' }, data: move, now: submittedAt, dueAt: submittedAt }));
    await expect(registerMove({ cases: store, population })({ caseId: subject.id })).resolves.toEqual({ registered: true });
    expect(moves).toEqual([
      { insz: '17073003384', move: { street: 'Nieuwstraat 12', postalCode: '9000', municipality: 'Gent', nisCode: '44021', from: '2026-11-15' } },
    ]);
  });

  test('the fixture register then knows the person at the new address', async () => {
    const subject = store.seedCase(aCase({ id: testUlid(1), typeKey: 'change-of-address', applicant: { insz: '17073003384' }, data: move, now: submittedAt, dueAt: submittedAt }));
    await registerMove({ cases: store, population: fixturePopulationRegister })({ caseId: subject.id });
    expect((await fixturePopulationRegister.findPerson('17073003384'))!.address).toEqual({ street: 'Nieuwstraat 12', postalCode: '9000', municipality: 'Gent', nisCode: '44021' });
  });

  test('a case without a citizen applicant is an error and registers nothing', async () => {
    const subject = store.seedCase(aCase({ id: testUlid(2), typeKey: 'change-of-address', applicant: { kbo: '0999000129' }, data: move, now: submittedAt, dueAt: submittedAt }));
    await expect(registerMove({ cases: store, population })({ caseId: subject.id })).rejects.toThrow(`case ${subject.id} has no citizen applicant`);
    expect(moves).toEqual([]);
  });

  test('data without a move fails loudly and registers nothing', async () => {
    const subject = store.seedCase(aCase({ id: testUlid(3), typeKey: 'change-of-address', data: { movingDate: '2026-11-15' }, now: submittedAt, dueAt: submittedAt }));
    await expect(registerMove({ cases: store, population })({ caseId: subject.id })).rejects.toThrow();
    expect(moves).toEqual([]);
  });

  test('a missing case is not-found', async () => {
    await expect(registerMove({ cases: store, population })({ caseId: testUlid(9) })).rejects.toMatchObject({ kind: 'not-found', message: `case ${testUlid(9)} does not exist` });
  });
});
