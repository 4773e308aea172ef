import { expect } from '@jest/globals';
import { messageDataOf } from '../support/case-driver';
import { describeScenarios } from '../support/workflow-scenarios';

const plan = { 'replanting-plan-supplied': messageDataOf('tree-felling-permit', 'replanting-plan-supplied') };

describeScenarios('tree-felling-permit', [
  {
    name: 'the officer approves, the plan arrives, the board grants, the objection period passes: granted, with the permit',
    outcomes: { 'inspect-trees': 'approve', 'college-decision': 'grant' },
    messages: plan,
    expectedStatus: 'granted',
    // The waiting steps record "inspection", "awaiting-replanting-plan" and "awaiting-decision" themselves (version 2).
    expectedPath: ['InspectTrees', 'InspectionOutcome', 'AwaitReplantingPlan', 'CollegeDecision', 'DecisionOutcome', 'RecordObjectionPeriod', 'ObjectionPeriod', 'GrantPermit'],
    check: (closed) => {
      expect(closed.statusHistory.map((s: { status: string }) => s.status)).toEqual(['submitted', 'inspection', 'awaiting-replanting-plan', 'awaiting-decision', 'objection-period', 'granted']);
      expect(closed.documents[0]).toMatchObject({ kind: 'permit', title: { nl: 'Kapvergunning', en: 'Tree felling permit' } });
      expect(closed.documents[0].text.nl).toContain('om 2 boom of bomen (zomereik) te vellen op Voorbeeldstraat 1, 9000 Gent');
    },
  },
  { name: 'the officer rejects: refused, with no plan asked', outcomes: { 'inspect-trees': 'reject' }, expectedStatus: 'refused', expectedPath: ['InspectTrees', 'RecordInspectionRejected'] },
  { name: 'the board refuses: refused', outcomes: { 'inspect-trees': 'approve', 'college-decision': 'refuse' }, messages: plan, expectedStatus: 'refused', expectedPath: ['CollegeDecision', 'RecordRefused'] },
  { name: 'the plan does not arrive in time: expired', outcomes: { 'inspect-trees': 'approve' }, timeouts: { AwaitReplantingPlan: 30 }, expectedStatus: 'expired', expectedPath: ['AwaitReplantingPlan', 'RecordExpired'] },
  { name: 'withdrawn while the plan is awaited', outcomes: { 'inspect-trees': 'approve' }, withdrawAt: 'awaiting-replanting-plan', expectedStatus: 'withdrawn' },
  { name: 'every step fails once transiently and is retried: still granted', outcomes: { 'inspect-trees': 'approve', 'college-decision': 'grant' }, messages: plan, transientFailures: 1, expectedStatus: 'granted' },
]);
