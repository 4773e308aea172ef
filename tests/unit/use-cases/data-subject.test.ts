import { beforeEach, describe, expect, test } from '@jest/globals';
import { fixturePopulationRegister } from '../../../functions/adapters/population-register.fixture';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { Case } from '../../../functions/domain/case';
import { encodeCursor } from '../../../functions/domain/page-cursor';
import { exportDataSubject, processingLogOf } from '../../../functions/use-cases/data-subject';
import { lookUpPerson } from '../../../functions/use-cases/look-up-applicant';
import { caseHistory, getCase, searchCases } from '../../../functions/use-cases/read-cases';
import type { InMemoryCaseStore } from '../../support/in-memory-ports';
import { aCase, aTask, accessDoubles, callerOf, clerkOf, inMemoryCaseStore, portalOf, testPseudonyms, testUlid } from '../../support/in-memory-ports';

const insz = '85073003328';
const dpo = callerOf('44021', ['dpo'], 'dpo@gent');
let store: InMemoryCaseStore;
let access: ReturnType<typeof accessDoubles>;
let subject: Case;

beforeEach(() => {
  store = inMemoryCaseStore();
  access = accessDoubles();
  subject = store.seedCase(aCase({ id: testUlid(1), typeKey: 'proof-of-residence', applicant: { insz }, now: new Date('2026-11-09T10:00:00Z'), dueAt: new Date('2026-11-16T22:59:59.999Z') }));
  store.seedCase(aCase({ id: testUlid(2), typeKey: 'proof-of-residence', applicant: { insz: '17073003384' }, sequence: 2, now: new Date('2026-11-09T10:00:00Z'), dueAt: new Date('2026-11-16T22:59:59.999Z') }));
});

describe('every read of personal data is in the processing log', () => {
  test('reading a case, its history, a search by applicant and a register look-up each leave a record: who, role, when, case, person (pseudonym), purpose', async () => {
    const person = await testPseudonyms.of(insz);
    await getCase({ cases: store, catalogue, ...access })({ caller: clerkOf(), caseId: subject.id, purpose: 'checking the address' });
    await caseHistory({ cases: store, reads: store, seal: store.seal, ...access })({ caller: clerkOf(), caseId: subject.id, purpose: 'case-history' });
    await searchCases({ reads: store, catalogue, ...access })({ caller: portalOf(), applicant: insz, limit: 10, purpose: 'search-cases-by-applicant' });
    await lookUpPerson({ cases: store, population: fixturePopulationRegister, ...access })({ caseId: subject.id });
    expect(access.processingLog.records).toEqual([
      { tenant: '44021', at: '2026-11-10T09:00:00.000Z', actor: { subject: clerkOf().subject, roles: ['clerk'] }, person, caseId: subject.id, action: 'case.read', purpose: 'checking the address' },
      { tenant: '44021', at: '2026-11-10T09:00:00.000Z', actor: { subject: clerkOf().subject, roles: ['clerk'] }, person, caseId: subject.id, action: 'case.history', purpose: 'case-history' },
      { tenant: '44021', at: '2026-11-10T09:00:00.000Z', actor: { subject: portalOf().subject, roles: ['portal'] }, person, action: 'case.search', purpose: 'search-cases-by-applicant' },
      { tenant: '44021', at: '2026-11-10T09:00:00.000Z', actor: { subject: 'system:look-up-person', roles: [] }, person, caseId: subject.id, action: 'register.lookup', purpose: 'population register for proof-of-residence' },
    ]);
    expect(JSON.stringify(access.processingLog.records)).not.toContain(insz);
  });

  test('a search by enterprise number leaves a record of that enterprise (its pseudonym), not of a person', async () => {
    const kbo = '0403170701';
    await searchCases({ reads: store, catalogue, ...access })({ caller: portalOf(), applicant: kbo, limit: 10, purpose: 'search-cases-by-applicant' });
    expect(access.processingLog.records).toEqual([
      { tenant: '44021', at: '2026-11-10T09:00:00.000Z', actor: { subject: portalOf().subject, roles: ['portal'] }, person: await testPseudonyms.of(kbo), action: 'case.search', purpose: 'search-cases-by-applicant' },
    ]);
  });

  test('a search without an applicant names nobody and leaves no record; a refused read leaves none either', async () => {
    await searchCases({ reads: store, catalogue, ...access })({ caller: clerkOf(), status: 'submitted', limit: 10, purpose: 'x' });
    await expect(getCase({ cases: store, catalogue, ...access })({ caller: clerkOf('41002'), caseId: subject.id, purpose: 'x' })).rejects.toMatchObject({ kind: 'not-found' });
    expect(access.processingLog.records).toEqual([]);
  });

  test('a read that cannot be logged is not served', async () => {
    access.processingLog.record = async () => {
      throw new Error('log unavailable');
    };
    await expect(getCase({ cases: store, catalogue, ...access })({ caller: clerkOf(), caseId: subject.id, purpose: 'x' })).rejects.toThrow('log unavailable');
  });
});

describe('the data protection officer', () => {
  test('lists who processed a person’s data in the tenant, pages it, and is recorded doing so', async () => {
    for (let i = 0; i < 3; i++) await getCase({ cases: store, catalogue, ...access })({ caller: clerkOf(), caseId: subject.id, purpose: `read ${i}` });
    const logOf = processingLogOf(access);
    const first = await logOf({ caller: dpo, applicant: { insz }, limit: 2, purpose: 'access request 12' });
    expect(first.items.map((record) => record.purpose)).toEqual(['read 0', 'read 1']);
    const second = await logOf({ caller: dpo, applicant: { insz }, limit: 2, cursor: first.nextCursor, purpose: 'access request 12' });
    expect(second.items.map((record) => record.purpose)).toEqual(['read 2', 'access request 12']);
    expect(access.processingLog.records.at(-1)).toMatchObject({ action: 'data-subject.processing-log', actor: { subject: 'dpo@gent' } });
  });

  test('a cursor is bound to the person, the tenant and the page size', async () => {
    for (let i = 0; i < 3; i++) await getCase({ cases: store, catalogue, ...access })({ caller: clerkOf(), caseId: subject.id, purpose: 'x' });
    const logOf = processingLogOf(access);
    const first = await logOf({ caller: dpo, applicant: { insz }, limit: 2, purpose: 'x' });
    await expect(logOf({ caller: dpo, applicant: { insz: '17073003384' }, limit: 2, cursor: first.nextCursor, purpose: 'x' })).rejects.toMatchObject({ kind: 'validation' });
    await expect(logOf({ caller: callerOf('41002', ['dpo']), applicant: { insz }, limit: 2, cursor: first.nextCursor, purpose: 'x' })).rejects.toMatchObject({ kind: 'validation' });
    await expect(logOf({ caller: dpo, applicant: { insz }, limit: 3, cursor: first.nextCursor, purpose: 'x' })).rejects.toMatchObject({ kind: 'validation' });
  });

  test('a cursor another listing made over the same tenant, person and page size is refused: the log marks its own', async () => {
    for (let i = 0; i < 3; i++) await getCase({ cases: store, catalogue, ...access })({ caller: clerkOf(), caseId: subject.id, purpose: 'x' });
    const person = await testPseudonyms.of(insz);
    const foreign = encodeCursor({ tenant: '44021', person, limit: 2 }, `2026-11-10T09:00:00.000Z#${testUlid(1)}`);
    await expect(processingLogOf(access)({ caller: dpo, applicant: { insz }, limit: 2, cursor: foreign, purpose: 'x' })).rejects.toMatchObject({ kind: 'validation' });
  });

  test('sees another tenant’s records of the same person not at all', async () => {
    await getCase({ cases: store, catalogue, ...access })({ caller: clerkOf(), caseId: subject.id, purpose: 'x' });
    const page = await processingLogOf(access)({ caller: callerOf('41002', ['dpo']), applicant: { insz }, limit: 10, purpose: 'x' });
    expect(page.items.map((record) => record.action)).toEqual([]);
  });

  test('exports every case of the person with its audit trail, and the processing log, and is recorded', async () => {
    await getCase({ cases: store, catalogue, ...access })({ caller: clerkOf(), caseId: subject.id, purpose: 'x' });
    const held = await exportDataSubject({ cases: store, reads: store, ...access })({ caller: dpo, applicant: { insz }, purpose: 'access request 12' });
    expect(held.person).toBe(await testPseudonyms.of(insz));
    expect(held.cases.map(({ case: found }) => found.id)).toEqual([subject.id]);
    expect(held.cases[0]!.history.map((event) => event.action)).toEqual(['case.submitted']);
    expect(held.accessRecords.map((record) => record.action)).toEqual(['case.read']);
    expect(access.processingLog.records.at(-1)).toMatchObject({ action: 'data-subject.export', purpose: 'access request 12' });
  });

  test("exports each case's tasks with the officer's outcome and reasons, which are about the person too", async () => {
    const completion = { outcome: 'approve', by: 'clerk@gent', at: '2026-11-10T09:00:00.000Z', reason: 'spoke with the applicant at the desk' };
    const task = store.seedTask({
      ...aTask(subject, { id: testUlid(50), name: 'verify-residence', token: 'token-50', now: new Date('2026-11-09T10:00:00Z'), dueAt: new Date('2026-11-12T22:59:59.999Z') }),
      status: 'completed',
      completion,
    });
    const held = await exportDataSubject({ cases: store, reads: store, ...access })({ caller: dpo, applicant: { insz }, purpose: 'access request 12' });
    expect(held.cases[0]!.tasks).toEqual([expect.objectContaining({ id: task.id, status: 'completed', completion })]);
  });

  test('exports every case of a person with more than a page of them, and every record of a processing log longer than a page', async () => {
    for (let i = 0; i < 100; i++) {
      store.seedCase(aCase({ id: testUlid(100 + i), typeKey: 'proof-of-residence', applicant: { insz }, sequence: 3 + i, now: new Date('2026-11-09T11:00:00Z'), dueAt: new Date('2026-11-16T22:59:59.999Z') }));
    }
    for (let i = 0; i < 101; i++) await getCase({ cases: store, catalogue, ...access })({ caller: clerkOf(), caseId: subject.id, purpose: `read ${i}` });
    const held = await exportDataSubject({ cases: store, reads: store, ...access })({ caller: dpo, applicant: { insz }, purpose: 'access request 12' });
    expect(held.cases).toHaveLength(101);
    expect(new Set(held.cases.map(({ case: found }) => found.id)).size).toBe(101);
    expect(held.accessRecords).toHaveLength(101);
    expect(held.accessRecords.at(-1)).toMatchObject({ purpose: 'read 100' });
  });

  test('leaves out a case the search still lists but the store no longer holds', async () => {
    const gone = { get: async () => undefined, tasksOfCase: store.tasksOfCase };
    const held = await exportDataSubject({ cases: gone, reads: store, ...access })({ caller: dpo, applicant: { insz }, purpose: 'access request 12' });
    expect(held.cases).toEqual([]);
  });

  test('is the only role that may ask', async () => {
    for (const caller of [clerkOf(), portalOf(), callerOf('44021', ['operator'])]) {
      await expect(processingLogOf(access)({ caller, applicant: { insz }, limit: 10, purpose: 'x' })).rejects.toMatchObject({ kind: 'forbidden' });
      await expect(exportDataSubject({ cases: store, reads: store, ...access })({ caller, applicant: { insz }, purpose: 'x' })).rejects.toMatchObject({ kind: 'forbidden' });
    }
    expect(access.processingLog.records).toEqual([]);
  });
});
