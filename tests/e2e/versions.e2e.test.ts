import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DescribeExecutionCommand, DescribeStateMachineAliasCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { publishType } from '../../designer/publish';
import { rewordStatus, startScratchTypeStack, type ScratchTypeStack } from '../support/scratch-type-stack';
import type { TestStack } from '../support/test-stack';
import { eventually } from '../support/test-stack';

/**
 * Issue 13's goal: a proof of residence submitted before a publish finishes on the old version,
 * with the old texts; one submitted after it runs the new version, with the new texts. The
 * stack runs a scratch copy of the type folder, which the test publishes into as a designer
 * would (`npm run workflows -- publish proof-of-residence` against the running stack).
 */

const key = 'proof-of-residence';
const livesInGent = '85073003328';
const livesInAalst = '17073003384';
const oldText = 'Your proof of residence is ready.';
const newText = 'Your proof of residence is ready: download it from your case.';

let scratch: string;
let stack: TestStack;
let sfn: SFNClient;
let running: ScratchTypeStack;
let portal: string;
let clerk: string;
let designer: string;

beforeAll(async () => {
  running = await startScratchTypeStack(key, 'versions-e2e', { asAtVersion: 1 });
  ({ scratch, stack, sfn } = running);
  [portal, clerk, designer] = await Promise.all([
    stack.token({ tenant: '44021', roles: ['portal'], subject: 'portal@gent' }),
    stack.token({ tenant: '44021', roles: ['clerk'], subject: 'clerk@gent' }),
    stack.token({ tenant: '44021', roles: ['designer'], subject: 'designer@gent' }),
  ]);
}, 120_000);

afterAll(async () => {
  await running?.stop();
});

const english = { 'accept-language': 'en' };
const submit = (insz: string) => stack.call('POST', '/v1/cases', { token: portal, body: { type: key, applicant: { insz }, data: {} } });
const caseOf = (id: string) => stack.call('GET', `/v1/cases/${id}`, { token: portal, headers: english });
const finalCase = async (id: string) => (await eventually(() => caseOf(id), (response) => response.body?.status?.final === true, 60_000)).body;
/** The Step Functions version the case's execution runs, as the engine reports it. */
const runningVersion = async (executionArn: string) => (await sfn.send(new DescribeExecutionCommand({ executionArn }))).stateMachineVersionArn;
/** The execution named after the case, as Step Functions names executions started on an alias or a version. */
const executionOf = (caseId: string) => `${(stack.stateMachineArns[key] as string).replace(':stateMachine:', ':execution:')}:${caseId}`;
/** The case once its start was delivered: it then records the version it runs on. */
const started = (id: string, version: number) => eventually(() => caseOf(id), (response) => response.body?.type?.version === version, 30_000);

async function openTaskFor(caseId: string) {
  const response = await eventually(
    () => stack.call('GET', '/v1/tasks', { token: clerk }),
    (r) => Array.isArray(r.body?.items) && r.body.items.some((task: { caseId: string }) => task.caseId === caseId),
    30_000,
  );
  return response.body.items.find((task: { caseId: string }) => task.caseId === caseId);
}

/** The designer rewords the `issued` status in the working copy, in both languages. */
const rewordIssued = () => rewordStatus(scratch, key, 'issued', { nl: 'Uw attest van woonst is klaar: u vindt het bij uw aanvraag.', en: newText });

describe('a publish while cases run', () => {
  test('a case submitted before it finishes on the old version with the old texts; one submitted after it runs the new version with the new texts', async () => {
    const stateMachineArn = stack.stateMachineArns[key] as string;

    // Before: a case that waits for a clerk, on version 1.
    const before = await submit(livesInAalst);
    expect(before.status).toBe(201);
    const task = await openTaskFor(before.body.id);
    await started(before.body.id, 1);
    expect(await runningVersion(executionOf(before.body.id))).toBe(`${stateMachineArn}:1`);

    // The publish: the working copy becomes version 2, and the running stack's alias moves to it.
    rewordIssued();
    const published = await publishType({ key, directory: scratch, stepFunctionsEndpoint: stack.stepFunctionsEndpoint, print: () => undefined });
    expect(published).toEqual({ version: 2, versionArn: `${stateMachineArn}:2` });
    const alias = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${stateMachineArn}:live` }));
    expect(alias.routingConfiguration).toEqual([{ stateMachineVersionArn: `${stateMachineArn}:2`, weight: 100 }]);

    // After: a resident of Gent is issued at once, on version 2, with its text.
    const after = await submit(livesInGent);
    expect(after.status).toBe(201);
    expect(after.body.type).toEqual({ key, version: 2 });
    const afterClosed = await finalCase(after.body.id);
    expect(afterClosed).toMatchObject({ type: { key, version: 2 }, status: { code: 'issued', text: newText } });
    expect(await runningVersion(executionOf(after.body.id))).toBe(`${stateMachineArn}:2`);

    // The case from before the publish goes on on version 1 and closes with version 1's text.
    const completed = await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: clerk, body: { outcome: 'approve' } });
    expect(completed.status).toBe(200);
    const beforeClosed = await finalCase(before.body.id);
    expect(beforeClosed).toMatchObject({ type: { key, version: 1 }, status: { code: 'issued', text: oldText } });
    expect(await runningVersion(executionOf(before.body.id))).toBe(`${stateMachineArn}:1`);

    // The catalogue lists both versions; version 2 is the one new cases take.
    const versions = await stack.call('GET', `/v1/transaction-types/${key}/versions`, { token: designer, headers: english });
    expect(versions.status).toBe(200);
    expect(versions.body).toMatchObject({ key, current: 2 });
    expect(versions.body.items.map((item: { version: number }) => item.version)).toEqual([1, 2]);
    expect((await stack.call('GET', `/v1/transaction-types/${key}`, { token: designer })).body.version).toBe(2);
  }, 180_000);

  test('an unknown type has no versions (404), and a caller without the catalogue role may not list them', async () => {
    expect((await stack.call('GET', '/v1/transaction-types/dog-licence/versions', { token: designer })).status).toBe(404);
    const dpo = await stack.token({ tenant: '44021', roles: ['dpo'], subject: 'dpo@gent' });
    expect((await stack.call('GET', `/v1/transaction-types/${key}/versions`, { token: dpo })).status).toBe(403);
  });
});
