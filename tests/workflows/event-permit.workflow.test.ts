import { expect } from '@jest/globals';
import { describeScenarios } from '../support/workflow-scenarios';

const allAdvice = { 'police-advice': 'no-objection', 'fire-service-advice': 'conditions', 'mobility-advice': 'no-objection' };

describeScenarios('event-permit', [
  {
    name: 'three advices, the board grants, the objection period passes: granted',
    outcomes: { ...allAdvice, 'college-decision': 'grant' },
    expectedStatus: 'granted',
    expectedPath: ['RecordUnderAdvice', 'GatherAdvice', 'RecordAwaitingDecision', 'CollegeDecision', 'RecordObjectionPeriod', 'ObjectionPeriod', 'GrantPermit'],
    check: (closed) => expect(closed.statusHistory.map((s: { status: string }) => s.status)).toEqual(expect.arrayContaining(['objection-period', 'granted'])),
  },
  { name: 'the board refuses: refused', outcomes: { ...allAdvice, 'college-decision': 'refuse' }, expectedStatus: 'refused', expectedPath: ['CollegeDecision', 'RecordRefused'] },
  {
    name: 'mobility gives no advice in time: it counts as no objection',
    outcomes: { 'police-advice': 'no-objection', 'fire-service-advice': 'no-objection', 'college-decision': 'grant' },
    timeouts: { MobilityAdvice: 30 },
    expectedStatus: 'granted',
    expectedPath: ['MobilityAdvice', 'MobilityAdviceMissing', 'RecordAwaitingDecision'],
    check: async (closed, stack) => {
      const token = await stack.token({ tenant: '44021', roles: ['operator'] });
      const history = await stack.call('GET', `/v1/cases/${closed.id}/history`, { token });
      const decisionPending = history.body.items.find((e: any) => e.details?.to === 'awaiting-decision');
      expect(decisionPending.details.advice).toEqual(
        expect.arrayContaining([expect.objectContaining({ advice: 'mobility-advice', outcome: 'no-objection', by: 'system:deadline' })]),
      );
    },
  },
  { name: 'the board does not decide in time: expired', outcomes: allAdvice, timeouts: { CollegeDecision: 30 }, expectedStatus: 'expired', expectedPath: ['CollegeDecision', 'RecordExpired'] },
  { name: 'withdrawn while the services advise', withdrawAt: 'under-advice', expectedStatus: 'withdrawn' },
  { name: 'every step fails once transiently and is retried: still granted', outcomes: { ...allAdvice, 'college-decision': 'grant' }, transientFailures: 1, expectedStatus: 'granted' },
]);
