import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DescribeExecutionCommand, DescribeStateMachineCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import { migrateType, type MigrateOptions } from '../../designer/migrate';
import type { MigrationReport } from '../../functions/use-cases/migrate-cases';
import { publishType } from '../../designer/publish';
import { rewordStatus, startScratchTypeStack, type ScratchTypeStack } from '../support/scratch-type-stack';
import type { TestStack } from '../support/test-stack';
import { eventually } from '../support/test-stack';

/**
 * Issue 13, part 2: a designer moves running cases to a new version of their workflow. Two
 * proofs of residence wait for a clerk on version 1; version 2 renames the waiting state and
 * rewords the issued text. The stack runs a scratch copy of the type folder, published into as
 * a designer would, and the migration runs through the code of `npm run workflows -- migrate`.
 */

const key = 'proof-of-residence';
const livesInAalst = '17073003384';
const oldText = 'Your proof of residence is ready.';
const newText = 'Your proof of residence is ready: download it from your case.';

let scratch: string;
let stack: TestStack;
let sfn: SFNClient;
let running: ScratchTypeStack;
let portal: string;
let clerk: string;
let operator: string;

beforeAll(async () => {
  running = await startScratchTypeStack(key, 'migrate-e2e', { asAtVersion: 1 });
  ({ scratch, stack, sfn } = running);
  [portal, clerk, operator] = await Promise.all([
    stack.token({ tenant: '44021', roles: ['portal'], subject: 'portal@gent' }),
    stack.token({ tenant: '44021', roles: ['clerk'], subject: 'clerk@gent' }),
    stack.token({ tenant: '44021', roles: ['operator'], subject: 'operator@gent' }),
  ]);
}, 120_000);

afterAll(async () => {
  await running?.stop();
});

const english = { 'accept-language': 'en' };
const submit = (idempotencyKey: string) =>
  stack.call('POST', '/v1/cases', { token: portal, body: { type: key, applicant: { insz: livesInAalst }, data: {} }, headers: { 'idempotency-key': idempotencyKey } });
const caseOf = (id: string) => stack.call('GET', `/v1/cases/${id}`, { token: portal, headers: english });
const finalCase = async (id: string) => (await eventually(() => caseOf(id), (response) => response.body?.status?.final === true, 60_000)).body;
const historyOf = async (id: string) => (await stack.call('GET', `/v1/cases/${id}/history`, { token: operator })).body;
const executionArnOf = (name: string) => `${(stack.stateMachineArns[key] as string).replace(':stateMachine:', ':execution:')}:${name}`;
const describeExecution = (name: string) => sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(name) }));
const tasksOf = async (caseId: string) =>
  ((await stack.call('GET', '/v1/tasks?limit=100', { token: clerk })).body.items as Array<{ id: string; caseId: string }>).filter((task) => task.caseId === caseId);

/** A case waiting for the clerk's verification, on version 1, which its submission recorded. */
async function waitingOnVersionOne(idempotencyKey: string): Promise<{ id: string; taskId: string }> {
  const submitted = await submit(idempotencyKey);
  expect(submitted.status).toBe(201);
  const { id } = submitted.body;
  await eventually(() => tasksOf(id), (tasks) => tasks.length === 1, 30_000);
  expect((await historyOf(id)).items[0]).toMatchObject({ action: 'case.submitted', details: { versionArn: `${stack.stateMachineArns[key]}:1` } });
  return { id, taskId: (await tasksOf(id))[0]!.id };
}

/** Version 2: the waiting state is called ReviewResidence, and the issued text is reworded. */
function publishVersionTwo(): Promise<unknown> {
  const workflowFile = join(scratch, key, 'workflow.asl.json');
  writeFileSync(workflowFile, readFileSync(workflowFile, 'utf8').replaceAll('"VerifyResidence"', '"ReviewResidence"'));
  rewordStatus(scratch, key, 'issued', { nl: 'Uw attest van woonst is klaar: u vindt het bij uw aanvraag.', en: newText });
  return publishType({ key, directory: scratch, stepFunctionsEndpoint: stack.stepFunctionsEndpoint, print: () => undefined });
}

function migrate(options: Partial<MigrateOptions> & Pick<MigrateOptions, 'map' | 'dryRun'>) {
  const printed: string[] = [];
  const report = migrateType({
    key,
    from: 1,
    to: 2,
    directory: scratch,
    stepFunctionsEndpoint: stack.stepFunctionsEndpoint,
    dynamodbEndpoint: stack.dynamodbEndpoint,
    tableName: stack.tableName,
    eventSchemasUrl: `${stack.apiUrl}/v1/events/schemas`,
    by: 'designer@provincie',
    print: (line) => printed.push(line),
    ...options,
  });
  return report.then((answer) => ({ report: answer, printed }));
}

describe('moving running cases to a new version', () => {
  let moving: { id: string; taskId: string };
  let staying: { id: string; taskId: string };

  beforeAll(async () => {
    moving = await waitingOnVersionOne('migrate-e2e-moving');
    staying = await waitingOnVersionOne('migrate-e2e-staying');
    expect(await publishVersionTwo()).toMatchObject({ version: 2 });
  }, 120_000);

  test('a dry run lists each case and where it would land, and changes nothing', async () => {
    const { report, printed } = await migrate({ map: ['VerifyResidence=ReviewResidence'], dryRun: true });

    expect(report?.cases).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caseId: moving.id, state: 'VerifyResidence', target: 'ReviewResidence', outcome: 'would-move' }),
        expect.objectContaining({ caseId: staying.id, state: 'VerifyResidence', target: 'ReviewResidence', outcome: 'would-move' }),
      ]),
    );
    expect(report?.cases).toHaveLength(2);
    expect(printed.at(-1)).toBe('Dry run: 2 would move, 0 stay, 0 skipped. Nothing was changed.');
    expect(printed.some((line) => line.includes(`(${moving.id}): VerifyResidence → ReviewResidence`))).toBe(true);
    for (const { id } of [moving, staying]) {
      expect((await caseOf(id)).body.type).toEqual({ key, version: 1 });
      expect(await describeExecution(id)).toMatchObject({ status: 'RUNNING', stateMachineVersionArn: `${stack.stateMachineArns[key]}:1` });
      expect((await historyOf(id)).items.map((event: { action: string }) => event.action)).not.toContain('workflow.migrated');
    }
  }, 60_000);

  test('on AWS an operator invokes the migrate-cases function with the same migration as its event; it refuses one without dryRun', async () => {
    // The handler reads the table, the state machines and the type folders from the environment the stack set, as on Lambda.
    const { handler } = await import('../../functions/operations/migrate-cases.handler');
    const invoke = (event: unknown) => handler(event, { functionName: 'loket-migrate-cases', awsRequestId: 'test' } as Context) as Promise<MigrationReport>;
    const migration = { type: key, from: 1, to: 2, map: { VerifyResidence: 'ReviewResidence' }, by: 'operator@provincie' };

    const report = await invoke({ ...migration, dryRun: true });
    expect(report.cases.map((moved) => [moved.caseId, moved.outcome]).sort()).toEqual(
      [
        [moving.id, 'would-move'],
        [staying.id, 'would-move'],
      ].sort(),
    );
    await expect(invoke(migration)).rejects.toThrow('dryRun');
    await expect(invoke({ ...migration, dryrun: false, dryRun: true })).rejects.toThrow('dryrun');
    expect((await caseOf(moving.id)).body.type).toEqual({ key, version: 1 });
  }, 60_000);

  test('a map that does not fit the versions is refused before anything moves', async () => {
    const wrong = await migrate({ map: ['Nowhere=ReviewResidence', 'VerifyResidence=VerifyResidence'], dryRun: false });
    expect(wrong.report).toBeUndefined();
    expect(wrong.printed).toEqual([
      'the state map does not fit the two versions',
      "  Nowhere: the version cases leave has no top-level state 'Nowhere'",
      "  VerifyResidence: the version cases go to has no top-level state 'VerifyResidence'",
      'Nothing was changed.',
    ]);
    expect((await migrate({ map: ['VerifyResidence'], dryRun: false })).printed[0]).toBe('--map VerifyResidence: write it as OldState=NewState');
    expect((await migrate({ map: ['VerifyResidence=ReviewResidence'], dryRun: false, to: 3 })).printed[0]).toBe(`version 3 of transaction type '${key}' does not exist`);
    expect((await caseOf(moving.id)).body.type).toEqual({ key, version: 1 });
  }, 60_000);

  test('a case in a state with no mapping stays where it is', async () => {
    const { report } = await migrate({ map: ['RecordUnderReview=RecordUnderReview'], caseIds: [staying.id], dryRun: false });
    expect(report?.cases).toEqual([expect.objectContaining({ caseId: staying.id, state: 'VerifyResidence', outcome: 'stays' })]);
    expect(await describeExecution(staying.id)).toMatchObject({ status: 'RUNNING', stateMachineVersionArn: `${stack.stateMachineArns[key]}:1` });
  }, 60_000);

  test('a moved case runs on the new version from the mapped state, keeps its task, is audited, and closes with the new texts; the other stays on the old', async () => {
    const { report, printed } = await migrate({ map: ['VerifyResidence=ReviewResidence'], caseIds: [moving.id], dryRun: false });
    expect(report?.cases).toEqual([expect.objectContaining({ caseId: moving.id, state: 'VerifyResidence', target: 'ReviewResidence', outcome: 'moved' })]);
    expect(printed.at(-1)).toBe('1 moved, 0 stayed, 0 skipped.');

    // The outbox stops the old execution and starts the new one, on version 2, at ReviewResidence.
    const next = await eventually(() => describeExecution(`${moving.id}-2`).catch(() => undefined), (execution) => execution?.status === 'RUNNING', 30_000);
    expect(next?.stateMachineVersionArn).toBe(`${stack.stateMachineArns[key]}:2`);
    expect(JSON.parse(next?.input ?? '{}')).toMatchObject({ caseId: moving.id, version: 2, resumeAt: 'ReviewResidence' });
    const old = await eventually(() => describeExecution(moving.id), (execution) => execution.status === 'ABORTED', 30_000);
    expect(old).toMatchObject({ error: 'CaseMigrated' });

    // Its task is the same one, handed the new execution's token.
    await eventually(() => historyOf(moving.id), (history) => history.items.some((event: { action: string }) => event.action === 'task.reissued'), 30_000);
    expect((await tasksOf(moving.id)).map((task) => task.id)).toEqual([moving.taskId]);

    const history = await historyOf(moving.id);
    expect(history.verified).toBe(true);
    expect(history.items.find((event: { action: string }) => event.action === 'workflow.migrated')).toMatchObject({
      actor: { kind: 'system' },
      details: { fromVersion: 1, toVersion: 2, fromState: 'VerifyResidence', toState: 'ReviewResidence', previousExecution: moving.id, execution: `${moving.id}-2` },
    });
    expect((await caseOf(moving.id)).body.type).toEqual({ key, version: 2 });

    for (const { taskId } of [moving, staying]) {
      expect((await stack.call('POST', `/v1/tasks/${taskId}/complete`, { token: clerk, body: { outcome: 'approve' } })).status).toBe(200);
    }
    expect(await finalCase(moving.id)).toMatchObject({ type: { key, version: 2 }, status: { code: 'issued', text: newText } });
    expect(await finalCase(staying.id)).toMatchObject({ type: { key, version: 1 }, status: { code: 'issued', text: oldText } });
    expect(await describeExecution(`${moving.id}-2`)).toMatchObject({ status: 'SUCCEEDED' });
  }, 120_000);

  test('a version published without asking to take moved cases has no entry state, and a migration to it is refused; one that asks takes them', async () => {
    const publishReworded = async (en: string, takesMovedCases?: boolean) => {
      rewordStatus(scratch, key, 'issued', { nl: 'Uw attest van woonst is klaar.', en });
      if (takesMovedCases !== undefined) {
        const typeFile = join(scratch, key, 'type.json');
        writeFileSync(typeFile, JSON.stringify({ ...JSON.parse(readFileSync(typeFile, 'utf8')), takesMovedCases }, null, 2));
      }
      return publishType({ key, directory: scratch, stepFunctionsEndpoint: stack.stepFunctionsEndpoint, print: () => undefined });
    };
    const three = await publishReworded('Your proof of residence is ready (3).');
    expect(three).toMatchObject({ version: 3 });
    const deployed = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: (three as { versionArn: string }).versionArn }));
    expect(JSON.parse(deployed.definition ?? '{}').StartAt).toBe('LookUpApplicant');
    const refused = await migrate({ map: ['ReviewResidence=ReviewResidence'], from: 2, to: 3, dryRun: true });
    expect(refused.report).toBeUndefined();
    expect(refused.printed).toEqual([
      `version 3 of transaction type '${key}' does not take moved cases`,
      '  to: its workflow has no entry state for a moved case to resume through: publish a version whose type.json says "takesMovedCases": true, and move the cases to that one',
      'Nothing was changed.',
    ]);

    expect(await publishReworded('Your proof of residence is ready (4).', true)).toMatchObject({ version: 4 });
    const taken = await migrate({ map: ['ReviewResidence=ReviewResidence'], from: 2, to: 4, dryRun: true });
    expect(taken.printed.at(-1)).toBe('Dry run: 0 would move, 0 stay, 0 skipped. Nothing was changed.');
  }, 60_000);
});
