import { expect, test } from '@jest/globals';
import { catalogue } from '../../functions/catalogue/catalogue';
import { allTaskRoles, messageDataOf } from '../support/case-driver';
import { undeclaredIn } from '../support/workflow-scenarios';

const treeFelling = catalogue.find('tree-felling-permit')!;

test('a scenario that names a task, outcome, message or status its type does not declare is refused, listing the declared ones', () => {
  expect(
    undeclaredIn(treeFelling, {
      name: 'misspelt',
      outcomes: { 'inspect-tree': 'approve', 'college-decision': 'granted' },
      messages: { 'replanting-plan': {} },
      withdrawAt: 'granted',
      expectedStatus: 'permitted',
    }),
  ).toEqual([
    "no task 'inspect-tree'; the type declares 'inspect-trees', 'college-decision'",
    "task 'college-decision' has no outcome 'granted'; it declares 'grant', 'refuse'",
    "no message 'replanting-plan'; the type declares 'replanting-plan-supplied'",
    "'permitted' is no final status; the type declares 'granted', 'refused', 'expired', 'withdrawn', 'failed'",
    "cannot withdraw in 'granted'; the open statuses are 'submitted', 'inspection', 'awaiting-replanting-plan', 'awaiting-decision', 'objection-period'",
  ]);
  expect(undeclaredIn(treeFelling, { name: 'fine', outcomes: { 'inspect-trees': 'reject' }, expectedStatus: 'refused' })).toEqual([]);
});

test("the drivers' worker holds every role the types declare, and a message's data is an example of its declared schema", () => {
  expect(allTaskRoles).toEqual(expect.arrayContaining(['clerk', ...catalogue.all().flatMap((type) => type.roles)]));
  expect(messageDataOf('tree-felling-permit', 'replanting-plan-supplied')).toEqual({ planReference: 'example', treesToPlant: 1 });
  expect(() => messageDataOf('tree-felling-permit', 'plan')).toThrow("type tree-felling-permit declares no message 'plan'");
});
