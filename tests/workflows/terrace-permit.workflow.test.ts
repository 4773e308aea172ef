import { expect } from '@jest/globals';
import { describeScenarios } from '../support/workflow-scenarios';

const documents = { 'documents-supplied': { documentReference: 'site-plan.pdf' } };
const paid = { 'payment-received': { amount: 120, reference: 'PAY-7' } };

describeScenarios('terrace-permit', [
  {
    name: 'plan supplied, site compliant, board grants, fee paid: granted, and the deadline stood still while waiting',
    messages: { ...documents, ...paid },
    outcomes: { 'inspect-site': 'compliant', 'college-decision': 'grant' },
    expectedStatus: 'granted',
    // The waiting steps record "awaiting-documents", "inspection", "awaiting-decision" and "awaiting-payment" themselves (version 2).
    expectedPath: ['LookUpEnterprise', 'ActiveEnterprise', 'AwaitDocuments', 'InspectSite', 'InspectionOutcome', 'CollegeDecision', 'DecisionOutcome', 'AwaitPayment', 'GrantPermit'],
    check: async (closed, stack) => {
      expect(closed.statusHistory.map((change: { status: string; by: string }) => [change.status, change.by])).toEqual([
        ['submitted', expect.any(String)],
        ['awaiting-documents', 'system:await-message'],
        ['inspection', 'system:create-task'],
        ['awaiting-decision', 'system:create-task'],
        ['awaiting-payment', 'system:await-message'],
        ['granted', expect.any(String)],
      ]);
      const token = await stack.token({ tenant: '44021', roles: ['operator'] });
      const history = await stack.call('GET', `/v1/cases/${closed.id}/history`, { token });
      const actions = history.body.items.map((e: { action: string }) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['case.suspended', 'message.received']));
      const received = history.body.items.find((e: any) => e.action === 'message.received' && e.details.name === 'documents-supplied');
      expect(Date.parse(received.details.dueAt)).toBeGreaterThan(Date.parse(received.details.previousDueAt));
      expect(closed.suspendedSince).toBeUndefined();
    },
  },
  {
    name: 'an enterprise that is no longer active: refused at once',
    request: { applicant: { kbo: '0999000327' }, data: { terraceAddress: 'Voorbeeldlaan 5, 9000 Gent', areaSquareMeters: 10, seasonFrom: '2027-04-01', seasonTo: '2027-09-30' } },
    expectedStatus: 'refused',
    expectedPath: ['LookUpEnterprise', 'RecordInactiveEnterprise'],
  },
  { name: 'the site is not compliant: refused', messages: documents, outcomes: { 'inspect-site': 'non-compliant' }, expectedStatus: 'refused', expectedPath: ['InspectSite', 'RecordNonCompliant'] },
  { name: 'the board refuses: refused', messages: documents, outcomes: { 'inspect-site': 'compliant', 'college-decision': 'refuse' }, expectedStatus: 'refused', expectedPath: ['CollegeDecision', 'RecordRefused'] },
  { name: 'no plan in time: expired', timeouts: { AwaitDocuments: 30 }, expectedStatus: 'expired', expectedPath: ['AwaitDocuments', 'RecordExpired'] },
  {
    name: 'no payment in time: expired',
    messages: documents,
    outcomes: { 'inspect-site': 'compliant', 'college-decision': 'grant' },
    timeouts: { AwaitPayment: 30 },
    expectedStatus: 'expired',
    expectedPath: ['AwaitPayment', 'RecordExpired'],
  },
  { name: 'withdrawn during the inspection', messages: documents, withdrawAt: 'inspection', expectedStatus: 'withdrawn' },
  {
    name: 'every step fails once transiently and is retried: still granted',
    messages: { ...documents, ...paid },
    outcomes: { 'inspect-site': 'compliant', 'college-decision': 'grant' },
    transientFailures: 1,
    expectedStatus: 'granted',
  },
]);
