import { describeScenarios } from '../support/workflow-scenarios';

const paid = { 'payment-received': { amount: 35, reference: 'PAY-1' } };

describeScenarios('resident-parking-permit', [
  {
    name: 'a resident pays and the clerk approves: granted with a permit',
    messages: paid,
    outcomes: { 'review-permit': 'approve' },
    expectedStatus: 'granted',
    // The waiting steps record "awaiting-payment" and "under-review" themselves (version 2): no record-status step between;
    // the closing step publishes CaseClosed.v1 with the closing (version 3): the workflow ends there.
    expectedPath: ['LookUpApplicant', 'ResidesInTenant', 'AwaitPayment', 'ReviewPermit', 'ReviewOutcome', 'GrantPermit'],
    check: (closed) => {
      expect(closed.documents[0]).toMatchObject({ kind: 'permit' });
      // Recorded by the waiting steps themselves, before each waited.
      expect(closed.statusHistory.map((change: { status: string; by: string }) => [change.status, change.by])).toEqual([
        ['submitted', expect.any(String)],
        ['awaiting-payment', 'system:await-message'],
        ['under-review', 'system:create-task'],
        ['granted', expect.any(String)],
      ]);
    },
  },
  { name: 'the clerk rejects: rejected', messages: paid, outcomes: { 'review-permit': 'reject' }, expectedStatus: 'rejected', expectedPath: ['ReviewPermit', 'RecordRejected'] },
  {
    name: 'someone who does not live in the municipality: rejected without a task',
    request: { applicant: { insz: '17073003384' }, data: { licensePlate: '1-ABC-234' } },
    expectedStatus: 'rejected',
    expectedPath: ['LookUpApplicant', 'RecordNotResident'],
  },
  { name: 'no payment in time: expired', timeouts: { AwaitPayment: 30 }, expectedStatus: 'expired', expectedPath: ['AwaitPayment', 'RecordExpired'] },
  { name: 'no review in time: expired', messages: paid, timeouts: { ReviewPermit: 30 }, expectedStatus: 'expired', expectedPath: ['ReviewPermit', 'RecordExpired'] },
  { name: 'withdrawn while awaiting payment', withdrawAt: 'awaiting-payment', expectedStatus: 'withdrawn' },
  {
    name: 'every step fails once transiently and is retried: still granted',
    messages: paid,
    outcomes: { 'review-permit': 'approve' },
    transientFailures: 1,
    expectedStatus: 'granted',
  },
]);
