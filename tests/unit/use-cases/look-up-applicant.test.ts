import { describe, expect, test } from '@jest/globals';
import { fixtureEnterpriseRegister } from '../../../functions/adapters/enterprise-register.fixture';
import { fixturePopulationRegister } from '../../../functions/adapters/population-register.fixture';
import type { Applicant } from '../../../functions/domain/applicant';
import { lookUpEnterprise, lookUpPerson } from '../../../functions/use-cases/look-up-applicant';
import { aCase, accessDoubles, inMemoryCaseStore, testUlid } from '../../support/in-memory-ports';

const store = inMemoryCaseStore();
const access = accessDoubles();
let sequence = 0;

/** A case of the tenant for the applicant; the look-ups get its id only, as the workflow passes nothing else. */
function caseFor(tenant: string, applicant: Applicant, typeKey: string): string {
  sequence += 1;
  const subject = aCase({ id: testUlid(sequence), typeKey, tenant, applicant, sequence, now: new Date('2026-11-09T10:00:00Z'), dueAt: new Date('2026-11-16T22:59:59.999Z') });
  store.seedCase(subject);
  return subject.id;
}

const person = (tenant: string, insz: string) => lookUpPerson({ cases: store, population: fixturePopulationRegister, ...access })({ caseId: caseFor(tenant, { insz }, 'proof-of-residence') });
const enterprise = (tenant: string, kbo: string) => lookUpEnterprise({ cases: store, enterprises: fixtureEnterpriseRegister, ...access })({ caseId: caseFor(tenant, { kbo }, 'terrace-permit') });

describe('looking up a person, from the case id alone', () => {
  test('found and residing in the tenant', async () => {
    await expect(person('44021', '85073003328')).resolves.toEqual({ found: true, residesInTenant: true });
  });

  test('found but living in another municipality', async () => {
    await expect(person('41002', '85073003328')).resolves.toEqual({ found: true, residesInTenant: false });
  });

  test('unknown to the register', async () => {
    await expect(person('44021', '90010100131')).resolves.toEqual({ found: false, residesInTenant: false });
  });

  test('a case that does not exist is not found; a business applicant is an error', async () => {
    await expect(lookUpPerson({ cases: store, population: fixturePopulationRegister, ...access })({ caseId: testUlid(999) })).rejects.toMatchObject({ kind: 'not-found', message: `case ${testUlid(999)} does not exist` });
    await expect(lookUpPerson({ cases: store, population: fixturePopulationRegister, ...access })({ caseId: caseFor('44021', { kbo: '0999000129' }, 'terrace-permit') })).rejects.toThrow(
      'has no citizen applicant',
    );
  });
});

describe('looking up an enterprise, from the case id alone', () => {
  test('found, active, with its seat in the tenant', async () => {
    await expect(enterprise('44021', '0999000129')).resolves.toEqual({ found: true, active: true, seatInTenant: true });
  });

  test('is a recorded read of personal data: which step, which case, which register', async () => {
    await enterprise('44021', '0999000129');
    const record = access.processingLog.records.at(-1)!;
    expect(record).toMatchObject({ tenant: '44021', action: 'register.lookup', purpose: 'enterprise register for terrace-permit', actor: { subject: 'system:look-up-enterprise' } });
    expect(record.caseId).toBeDefined();
  });

  test('found with its seat elsewhere', async () => {
    await expect(enterprise('44021', '0999000228')).resolves.toEqual({ found: true, active: true, seatInTenant: false });
  });

  test('found but no longer active', async () => {
    await expect(enterprise('44021', '0999000327')).resolves.toEqual({ found: true, active: false, seatInTenant: true });
  });

  test('unknown to the register', async () => {
    await expect(enterprise('44021', '0999000426')).resolves.toEqual({ found: false, active: false, seatInTenant: false });
  });

  test('a citizen applicant is an error', async () => {
    await expect(lookUpEnterprise({ cases: store, enterprises: fixtureEnterpriseRegister, ...access })({ caseId: caseFor('44021', { insz: '85073003328' }, 'proof-of-residence') })).rejects.toThrow(
      'has no business applicant',
    );
  });
});
