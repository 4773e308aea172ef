import { expect } from '@jest/globals';
import { freshInsz } from '../support/identities';
import { eventually } from '../support/test-stack';
import { describeScenarios } from '../support/workflow-scenarios';

describeScenarios('change-of-address', [
  {
    name: 'the officer confirms: registered, and the register knows the new address (once-only)',
    outcomes: { 'police-check': 'positive' },
    expectedStatus: 'registered',
    // The police check records "police-check" itself (version 2).
    expectedPath: ['LookUpApplicant', 'KnownInRegister', 'PoliceCheck', 'CheckOutcome', 'UpdateRegister', 'RecordRegistered'],
    check: async (_closed, stack) => {
      // The person moved from Aalst to Gent: Gent's proof of residence now goes straight through.
      const portal = await stack.token({ tenant: '44021', roles: ['portal'] });
      const proof = await stack.call('POST', '/v1/cases', { token: portal, body: { type: 'proof-of-residence', applicant: { insz: '17073003384' }, data: {} } });
      const issued = await eventually(() => stack.call('GET', `/v1/cases/${proof.body.id}`, { token: portal }), (r) => r.body.status.final);
      expect(issued.body.status.code).toBe('issued');
      expect(issued.body.documents[0].text.nl).toContain('Nieuwstraat 12, 9000 Gent');
    },
  },
  { name: 'the officer finds nobody living there: rejected', outcomes: { 'police-check': 'negative' }, expectedStatus: 'rejected', expectedPath: ['PoliceCheck', 'RecordRejected'] },
  {
    name: 'the officer does not report in time: escalated to a clerk, who confirms',
    timeouts: { PoliceCheck: 30 },
    outcomes: { 'verify-address': 'positive' },
    expectedStatus: 'registered',
    expectedPath: ['PoliceCheck', 'RecordEscalated', 'VerifyAddress', 'UpdateRegister', 'RecordRegistered'],
  },
  {
    name: 'escalated, and the clerk rejects',
    timeouts: { PoliceCheck: 30 },
    outcomes: { 'verify-address': 'negative' },
    expectedStatus: 'rejected',
    expectedPath: ['RecordEscalated', 'VerifyAddress', 'RecordRejected'],
  },
  {
    name: 'escalated, and the clerk does not act in time either: expired',
    timeouts: { PoliceCheck: 30, VerifyAddress: 30 },
    expectedStatus: 'expired',
    expectedPath: ['RecordEscalated', 'VerifyAddress', 'RecordExpired'],
  },
  {
    name: 'someone the register does not know: rejected',
    request: { applicant: { insz: freshInsz() }, data: { newAddress: { street: 'Nieuwstraat 1', postalCode: '9000', municipality: 'Gent' }, movingDate: '2026-11-01' } },
    expectedStatus: 'rejected',
    expectedPath: ['LookUpApplicant', 'RecordUnknownPerson'],
  },
  { name: 'withdrawn while the officer is to visit', withdrawAt: 'police-check', expectedStatus: 'withdrawn' },
  {
    name: 'every step fails once transiently and is retried: still registered',
    outcomes: { 'police-check': 'positive' },
    transientFailures: 1,
    expectedStatus: 'registered',
  },
]);
