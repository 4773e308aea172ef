import { beforeEach, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import { systemActor } from '../../../functions/domain/actor';
import type { Case } from '../../../functions/domain/case';
import { withdraw } from '../../../functions/domain/case';
import type { ExecutionPosition } from '../../../functions/domain/migration';
import type { Catalogue } from '../../../functions/ports/catalogue.port';
import type { PublishedWorkflowVersion, WorkflowPositions } from '../../../functions/ports/workflow-engine.port';
import { migrateCases, type MigrateCasesCommand } from '../../../functions/use-cases/migrate-cases';
import type { InMemoryCaseStore, InMemoryWorkflowEngine } from '../../support/in-memory-ports';
import { aCase, aTask, executionIdFor, inMemoryCaseStore, inMemoryWorkflowEngine, outboxDispatcher, settableClock, telemetryRecorder, testUlid } from '../../support/in-memory-ports';

const key = 'proof-of-residence';
const versionOne = catalogue.versionOf({ key, version: 1 })!;
const versionTwo = { ...versionOne, version: 2 };
/** The catalogue before version 2 was published: it keeps version 1 only. */
const oneVersion: Catalogue = { ...catalogue, versionOf: (type) => (type.key === key && type.version > 1 ? undefined : catalogue.versionOf(type)) };
/** The catalogue once version 2 was published: it keeps both. */
const twoVersions: Catalogue = {
  ...catalogue,
  versionOf: (type) => (type.key === key && type.version === 2 ? versionTwo : catalogue.versionOf(type)),
  ofCase: (subject) => (subject.type.key === key && subject.type.version === 2 ? versionTwo : catalogue.ofCase(subject)),
};

const machine = `arn:aws:states:eu-west-1:000000000000:stateMachine:loket-${key}`;
const waitsFor = (name: string) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { Payload: { name, 'taskToken.$': '$$.Task.Token' } }, Next: 'Done' });
const published: PublishedWorkflowVersion[] = [
  { versionArn: `${machine}:1`, typeVersion: 1, definition: { StartAt: 'MigrationEntry', States: { MigrationEntry: { Type: 'Choice' }, RecordUnderReview: { Type: 'Task' }, VerifyResidence: waitsFor('verify-residence'), Done: { Type: 'Succeed' } } } },
  {
    versionArn: `${machine}:2`,
    typeVersion: 2,
    definition: { StartAt: 'MigrationEntry', States: { MigrationEntry: { Type: 'Choice' }, RecordUnderReview: { Type: 'Task' }, ReviewResidence: waitsFor('verify-residence'), Done: { Type: 'Succeed' } } },
  },
  // Version 2's workflow, published without the entry state: it takes no moved cases.
  { versionArn: `${machine}:3`, typeVersion: 3, definition: { StartAt: 'RecordUnderReview', States: { RecordUnderReview: { Type: 'Task' }, ReviewResidence: waitsFor('verify-residence'), Done: { Type: 'Succeed' } } } },
];

/** What the engine would say: executions running on each version, and where each stands. */
interface PositionsFake extends WorkflowPositions {
  readonly running: Map<string, string[]>;
  readonly positions: Map<string, ExecutionPosition | Error>;
  readonly read: string[];
  /** The top-level states each position was looked for among. */
  readonly topLevels: string[][];
}

function positionsFake(): PositionsFake {
  const fake: PositionsFake = {
    running: new Map(),
    positions: new Map(),
    read: [],
    topLevels: [],
    async versionsOf(typeKey) {
      return typeKey === key ? published : [];
    },
    async runningOn(versionArn) {
      fake.read.push(versionArn);
      return fake.running.get(versionArn) ?? [];
    },
    async positionOf(executionId, topLevel) {
      fake.topLevels.push([...topLevel]);
      const position = fake.positions.get(executionId);
      if (position instanceof Error) throw position;
      return position;
    },
  };
  return fake;
}

const now = new Date('2026-11-20T10:00:00Z');
const clock = settableClock(now);
let store: InMemoryCaseStore;
let engine: InMemoryWorkflowEngine;
let positions: PositionsFake;

/** A case waiting on version 1 at VerifyResidence, with its open task. */
function waitingCase(n: number): Case {
  const opened = aCase({ id: testUlid(n), typeKey: key, typeVersion: 1, sequence: n, now: new Date('2026-11-09T10:00:00Z'), dueAt: new Date('2026-11-16T22:59:59.999Z') });
  const subject = store.seedCase({ ...opened, workflowVersionArn: `${machine}:1` });
  store.seedTask(aTask(subject, { id: testUlid(100 + n), name: 'verify-residence', token: `token-${n}`, now: new Date('2026-11-09T10:01:00Z'), dueAt: new Date('2026-11-20T10:00:00Z') }));
  positions.running.set(`${machine}:1`, [...(positions.running.get(`${machine}:1`) ?? []), subject.executionArn]);
  positions.positions.set(subject.executionArn, { state: 'VerifyResidence', input: { caseId: subject.id, tenant: subject.tenant, type: key, version: 1, review: { note: 'kept' } } });
  return subject;
}

const command = (overrides: Partial<MigrateCasesCommand> = {}): MigrateCasesCommand => ({
  typeKey: key,
  from: 1,
  to: 2,
  map: { VerifyResidence: 'ReviewResidence' },
  dryRun: false,
  actor: systemActor('migrate:designer'),
  ...overrides,
});
const migrate = (overrides: Partial<MigrateCasesCommand> = {}) =>
  migrateCases({ cases: store, workflows: engine, positions, catalogue: twoVersions, clock })(command(overrides));

beforeEach(() => {
  store = inMemoryCaseStore();
  engine = inMemoryWorkflowEngine();
  positions = positionsFake();
});

describe('a case moves to the new version at its mapped state', () => {
  test('one audited change records the new version and execution, and the outbox start that resumes at the mapped state', async () => {
    const subject = waitingCase(1);
    const report = await migrate();

    // The case is read once: the change starts from the case the move looked at.
    expect(store.caseReads).toBe(1);
    expect(report).toMatchObject({ typeKey: key, from: { typeVersion: 1, versionArn: `${machine}:1` }, to: { typeVersion: 2, versionArn: `${machine}:2` }, dryRun: false });
    expect(report.cases).toEqual([{ caseId: subject.id, number: subject.number, tenant: subject.tenant, state: 'VerifyResidence', target: 'ReviewResidence', outcome: 'moved' }]);
    // Looked for among the states of the version it leaves, without the entry states.
    expect(positions.topLevels).toEqual([['RecordUnderReview', 'VerifyResidence', 'Done']]);
    const saved = store.cases.get(subject.id)!;
    expect(saved).toMatchObject({ type: { key, version: 2 }, workflowVersionArn: `${machine}:2`, executionArn: `${subject.executionArn}-2`, version: subject.version + 1, updatedAt: now.toISOString() });
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({
      action: 'workflow.migrated',
      actor: { kind: 'system', component: 'migrate:designer' },
      at: now.toISOString(),
      details: { fromVersion: 1, toVersion: 2, fromState: 'VerifyResidence', toState: 'ReviewResidence', previousExecution: subject.id, execution: `${subject.id}-2` },
    });
    expect(store.effectsWritten).toEqual([
      {
        kind: 'start-workflow',
        caseId: subject.id,
        resume: { replaces: subject.executionArn, state: 'ReviewResidence', input: { caseId: subject.id, tenant: subject.tenant, type: key, version: 1, review: { note: 'kept' } } },
      },
    ]);
  });

  test('the task the target state waits on stays open for the new execution; any other active task is cancelled', async () => {
    const subject = waitingCase(1);
    const other = store.seedTask(aTask(subject, { id: testUlid(200), name: 'verify-residence', token: 'token-x', now, dueAt: now }));
    store.tasks.set(other.id, { ...other, name: 'an-older-task' });
    await migrate();
    expect(store.tasks.get(testUlid(101))).toMatchObject({ status: 'open', token: 'token-1' });
    expect(store.tasks.get(other.id)).toMatchObject({ status: 'cancelled' });

    // Mapped to a state that waits on nothing, the case's task is cancelled with the move.
    const second = waitingCase(2);
    await migrate({ map: { VerifyResidence: 'RecordUnderReview' }, caseIds: [second.id] });
    expect(store.tasks.get(testUlid(102))).toMatchObject({ status: 'cancelled' });
  });

  test('the delivery stops the old execution first, then starts the new one on the new version at the mapped state, with the state data it had', async () => {
    const subject = waitingCase(1);
    await migrate();
    await outboxDispatcher(store, engine, clock, telemetryRecorder(), twoVersions)();

    expect(engine.stops).toEqual([{ executionId: subject.executionArn, cause: 'The case moved to another version of its workflow', error: 'CaseMigrated' }]);
    expect(engine.starts).toEqual([
      {
        typeKey: key,
        caseId: `${subject.id}-2`,
        input: { caseId: subject.id, tenant: subject.tenant, type: key, version: 2, review: { note: 'kept' }, resumeAt: 'ReviewResidence' },
        versionArn: `${machine}:2`,
      },
    ]);
    expect(store.outbox.size).toBe(0);
  });

  test('a case closed before the delivery still has its old execution stopped, and no new one starts', async () => {
    const subject = waitingCase(1);
    await migrate();
    const moved = store.cases.get(subject.id)!;
    store.cases.set(subject.id, withdraw(moved, versionTwo, { actor: systemActor('test'), now, reason: 'no longer needed' }).case);
    expect(await outboxDispatcher(store, engine, clock, telemetryRecorder(), twoVersions)()).toEqual(['not-needed']);
    expect(engine.stops.map((stop) => stop.executionId)).toEqual([subject.executionArn]);
    expect(engine.starts).toEqual([]);
  });
});

describe('what does not move', () => {
  test('a dry run reports where each case would land and changes nothing', async () => {
    const first = waitingCase(1);
    const second = waitingCase(2);
    const commits = store.commits;
    const report = await migrate({ dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.cases.map((moved) => [moved.caseId, moved.outcome, moved.target])).toEqual([
      [first.id, 'would-move', 'ReviewResidence'],
      [second.id, 'would-move', 'ReviewResidence'],
    ]);
    expect(store.commits).toBe(commits);
    expect(store.effectsWritten).toEqual([]);
  });

  test('a case in a state the map does not name stays where it is', async () => {
    const subject = waitingCase(1);
    const report = await migrate({ map: { RecordUnderReview: 'RecordUnderReview' } });
    expect(report.cases).toEqual([{ caseId: subject.id, state: 'VerifyResidence', outcome: 'stays', reason: "state 'VerifyResidence' is not mapped" }]);
    expect(store.cases.get(subject.id)).toEqual(subject);
  });

  test.each([
    ['closed', (subject: Case) => withdraw(subject, versionOne, { actor: systemActor('test'), now, reason: 'x' }).case, 'it closed meanwhile'],
    ['on another execution', (subject: Case) => ({ ...subject, executionArn: `${subject.executionArn}-2` }), 'it runs another execution'],
    ['not recording the version left', (subject: Case) => ({ ...subject, workflowVersionArn: undefined }), 'it does not record the version it is to leave'],
  ])('a case %s as it is stored is skipped, with the reason, in a dry run and for real', async (_name, change, reason) => {
    const subject = waitingCase(1);
    store.cases.set(subject.id, change(subject));
    const stored = store.cases.get(subject.id);
    for (const dryRun of [true, false]) expect((await migrate({ dryRun })).cases).toEqual([expect.objectContaining({ caseId: subject.id, outcome: 'skipped', reason })]);
    expect(store.cases.get(subject.id)).toEqual(stored);
    expect(store.effectsWritten).toEqual([]);
  });

  test('an execution in no state, a case not found and an engine failure are reported per case, and the others still move', async () => {
    const between = waitingCase(1);
    const failing = waitingCase(2);
    const moving = waitingCase(3);
    positions.positions.delete(between.executionArn);
    positions.positions.set(failing.executionArn, new Error('ThrottlingException'));
    positions.running.set(`${machine}:1`, [...positions.running.get(`${machine}:1`)!, executionIdFor(key, testUlid(9))]);
    positions.positions.set(executionIdFor(key, testUlid(9)), { state: 'VerifyResidence', input: {} });

    const report = await migrate();
    expect(report.cases).toEqual([
      expect.objectContaining({ caseId: between.id, outcome: 'skipped', reason: expect.stringContaining('in no state') }),
      expect.objectContaining({ caseId: failing.id, outcome: 'skipped', reason: 'ThrottlingException' }),
      expect.objectContaining({ caseId: moving.id, outcome: 'moved' }),
      expect.objectContaining({ caseId: testUlid(9), outcome: 'skipped', reason: 'no such case' }),
    ]);
  });

  test.each([2, 12])('a case on a later execution of its own (execution %i, reopened or moved before) is found by its id, and moves to the execution after it', async (execution) => {
    const subject = waitingCase(1);
    const reopened = store.seedCase({ ...store.cases.get(subject.id)!, executionArn: `${subject.executionArn}-${execution}` });
    positions.running.set(`${machine}:1`, [reopened.executionArn]);
    positions.positions.set(reopened.executionArn, positions.positions.get(subject.executionArn) as ExecutionPosition);
    const report = await migrate({ caseIds: [subject.id] });
    expect(report.cases).toEqual([expect.objectContaining({ caseId: subject.id, outcome: 'moved' })]);
    expect(store.cases.get(subject.id)!.executionArn).toBe(`${subject.executionArn}-${execution + 1}`);
  });

  test('of several cases named, each that runs moves and only the one that does not is reported', async () => {
    const first = waitingCase(1);
    const second = waitingCase(2);
    const report = await migrate({ caseIds: [first.id, second.id, testUlid(7)] });
    expect(report.cases.map((moved) => [moved.caseId, moved.outcome])).toEqual([
      [first.id, 'moved'],
      [second.id, 'moved'],
      [testUlid(7), 'skipped'],
    ]);
  });

  test('only the cases named move; a named case that does not run on the version left is reported', async () => {
    const first = waitingCase(1);
    const second = waitingCase(2);
    const report = await migrate({ caseIds: [second.id, testUlid(7)] });
    expect(report.cases).toEqual([
      expect.objectContaining({ caseId: second.id, outcome: 'moved' }),
      { caseId: testUlid(7), outcome: 'skipped', reason: 'no execution of it runs on version 1' },
    ]);
    expect(store.cases.get(first.id)!.type.version).toBe(1);
  });
});

describe('a migration that does not fit is refused before anything is read or changed', () => {
  test.each([
    [{ to: 1 }, 'nothing to migrate', [{ path: 'to', message: 'cases already run version 1' }]],
    [{ to: 9 }, `version 9 of transaction type '${key}' does not exist`, undefined],
    [{ from: 0 }, `version 0 of transaction type '${key}' does not exist`, undefined],
    [{ map: { Nowhere: 'ReviewResidence' } }, 'the state map does not fit the two versions', undefined],
    [{ map: { VerifyResidence: 'VerifyResidence' } }, 'the state map does not fit the two versions', undefined],
    [{ map: {} }, 'the state map does not fit the two versions', undefined],
  ])('%j', async (overrides, message, errors) => {
    waitingCase(1);
    await expect(migrate(overrides)).rejects.toThrow(message);
    if (errors) await expect(migrate(overrides)).rejects.toMatchObject({ errors });
    expect(positions.read).toEqual([]);
    expect(store.effectsWritten).toEqual([]);
  });

  test('a version that takes no moved cases (its workflow has no entry state) is refused, and the refusal says how to publish one that does', async () => {
    const versionThree = { ...versionOne, version: 3 };
    const threeVersions: Catalogue = { ...twoVersions, versionOf: (type) => (type.key === key && type.version === 3 ? versionThree : twoVersions.versionOf(type)) };
    waitingCase(1);
    const refusal = migrateCases({ cases: store, workflows: engine, positions, catalogue: threeVersions, clock })(command({ to: 3 }));
    await expect(refusal).rejects.toMatchObject({
      kind: 'validation',
      message: `version 3 of transaction type '${key}' does not take moved cases`,
      errors: [{ path: 'to', message: expect.stringContaining('publish a version whose type.json says "takesMovedCases": true') }],
    });
    expect(positions.read).toEqual([]);
    expect(store.effectsWritten).toEqual([]);
    // The same move to version 2, which begins with the entry state, goes ahead.
    expect((await migrateCases({ cases: store, workflows: engine, positions, catalogue: threeVersions, clock })(command({ to: 2 }))).cases).toEqual([expect.objectContaining({ outcome: 'moved' })]);
  });

  test('a version the engine has but the catalogue does not keep is refused', async () => {
    await expect(migrateCases({ cases: store, workflows: engine, positions, catalogue: oneVersion, clock })(command())).rejects.toThrow(`version 2 of transaction type '${key}' does not exist`);
  });
});
