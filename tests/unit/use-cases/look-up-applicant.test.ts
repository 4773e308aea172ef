import { describe, expect, test } from '@jest/globals';
import { fixtureEnterpriseRegister } from '../../../functions/adapters/enterprise-register.fixture';
import { fixturePopulationRegister } from '../../../functions/adapters/population-register.fixture';
import { lookUpEnterprise, lookUpPerson } from '../../../functions/use-cases/look-up-applicant';

const person = lookUpPerson({ population: fixturePopulationRegister });
const enterprise = lookUpEnterprise({ enterprises: fixtureEnterpriseRegister });

describe('looking up a person', () => {
  test('found and residing in the tenant', async () => {
    await expect(person({ tenant: '44021', insz: '85073003328' })).resolves.toEqual({ found: true, residesInTenant: true });
  });

  test('found but living in another municipality', async () => {
    await expect(person({ tenant: '41002', insz: '85073003328' })).resolves.toEqual({ found: true, residesInTenant: false });
  });

  test('unknown to the register', async () => {
    await expect(person({ tenant: '44021', insz: '90010100131' })).resolves.toEqual({ found: false, residesInTenant: false });
  });
});

describe('looking up an enterprise', () => {
  test('found, active, with its seat in the tenant', async () => {
    await expect(enterprise({ tenant: '44021', kbo: '0999000129' })).resolves.toEqual({ found: true, active: true, seatInTenant: true });
  });

  test('found with its seat elsewhere', async () => {
    await expect(enterprise({ tenant: '44021', kbo: '0999000228' })).resolves.toEqual({ found: true, active: true, seatInTenant: false });
  });

  test('found but no longer active', async () => {
    await expect(enterprise({ tenant: '44021', kbo: '0999000327' })).resolves.toEqual({ found: true, active: false, seatInTenant: true });
  });

  test('unknown to the register', async () => {
    await expect(enterprise({ tenant: '44021', kbo: '0999000426' })).resolves.toEqual({ found: false, active: false, seatInTenant: false });
  });
});
