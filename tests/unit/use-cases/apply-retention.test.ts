import { beforeEach, describe, expect, test } from '@jest/globals';
import { fixturePopulationRegister } from '../../../functions/adapters/population-register.fixture';
import { catalogue } from '../../../functions/catalogue/catalogue';
import { systemActor } from '../../../functions/domain/actor';
import { verifyChain } from '../../../functions/domain/audit';
import { verifyTrail } from '../../../functions/domain/audit-trail';
import type { Case } from '../../../functions/domain/case';
import type { CaseRemains } from '../../../functions/domain/destruction';
import { remainsDigest } from '../../../functions/domain/destruction';
import type { ApplyRetentionCommand, RetentionOptions } from '../../../functions/use-cases/apply-retention';
import { applyRetention } from '../../../functions/use-cases/apply-retention';
import { issueDocument } from '../../../functions/use-cases/issue-document';
import { recordStatus } from '../../../functions/use-cases/record-status';
import type { InMemoryCaseStore, InMemoryDocumentFiling, SettableClock, TelemetryRecorder } from '../../support/in-memory-ports';
import {
  aCase,
  aCaseEvent,
  aTask,
  inMemoryCaseStore,
  inMemoryDocumentFiling,
  portalOf,
  settableClock,
  telemetryRecorder,
  tenantDirectory,
  testUlid,
} from '../../support/in-memory-ports';
import type { InMemoryRetention } from '../../support/in-memory-retention';
import { inMemoryRetention } from '../../support/in-memory-retention';

/*
 * The clock is scaled by setting it: cases close in November 2026 and the job runs years
 * later. proof-of-residence keeps its cases 5 years, resident-parking-permit 2, both to be
 * destroyed; change-of-address keeps them 30 years, for the archive.
 */
const submittedAt = new Date('2026-11-09T10:00:00Z');
const closedAt = '2026-11-10T09:00:00.000Z';
const insz = '85073003328';

let store: InMemoryCaseStore;
let filing: InMemoryDocumentFiling;
let retention: InMemoryRetention;
let clock: SettableClock;
let telemetry: TelemetryRecorder;

beforeEach(() => {
  store = inMemoryCaseStore();
  filing = inMemoryDocumentFiling();
  retention = inMemoryRetention(store, filing);
  clock = settableClock(closedAt);
  telemetry = telemetryRecorder();
});

const job = (options?: RetentionOptions) =>
  applyRetention(
    { cases: store, outbox: store, schedule: retention.schedule, destruction: retention.destruction, files: retention.files, clock, telemetry },
    options,
  );
const run = (command: Partial<ApplyRetentionCommand> = {}, options?: RetentionOptions) => job(options)({ dryRun: false, ...command });

/** Submits a case with an Idempotency-Key, the way submit-case writes it. */
async function submitted(n: number, typeKey: string, tenant = '44021', typeVersion?: number): Promise<Case> {
  const subject = aCase({ id: testUlid(n), typeKey, typeVersion, tenant, sequence: n, applicant: { insz }, now: submittedAt, dueAt: new Date('2026-11-30T22:59:59.999Z') });
  await store.create(
    subject,
    { action: 'case.submitted', actor: portalOf(tenant), at: submittedAt.toISOString(), details: { number: subject.number } },
    { tenant, key: `key-${n}`, requestHash: 'h', caseId: subject.id, expiresAt: 0 },
    [{ kind: 'start-workflow', caseId: subject.id }],
  );
  return subject;
}

/**
 * A proof of residence issued with its certificate (a file), its task completed, closed on `closedAt`;
 * on version 1, whose workflow publishes CaseClosed.v1, so the closing leaves nothing in the outbox.
 */
async function issuedProof(n: number, tenant = '44021'): Promise<Case> {
  const subject = await submitted(n, 'proof-of-residence', tenant, 1);
  store.seedTask({ ...aTask(subject, { id: testUlid(100 + n), name: 'verify-residence', token: `token-${n}`, now: submittedAt, dueAt: new Date('2026-11-12T22:59:59.999Z') }), status: 'completed' });
  store.seedWait({ caseId: subject.id, name: 'late-question', since: submittedAt.toISOString(), token: `wait-${n}` });
  await issueDocument({ cases: store, tenants: tenantDirectory(), population: fixturePopulationRegister, documents: filing, catalogue, clock, telemetry })({
    caseId: subject.id,
    decidedBy: 'clerk@gent',
  });
  return store.cases.get(subject.id)!;
}

/** A case closed in a final status by its workflow (withdrawn, rejected, ...). */
async function closed(n: number, typeKey: string, status: string, tenant = '44021'): Promise<Case> {
  const subject = await submitted(n, typeKey, tenant);
  await recordStatus({ cases: store, catalogue, clock, telemetry })({ caseId: subject.id, status, actor: systemActor('record-status') });
  return store.cases.get(subject.id)!;
}

const remainsOf = (subject: Case, n: number): CaseRemains => ({
  case: store.cases.get(subject.id)!,
  tasks: [...store.tasks.values()].filter((task) => task.caseId === subject.id),
  messageWaits: [...store.waits.values()].filter((wait) => wait.caseId === subject.id),
  outbox: [...store.outbox.values()].filter((item) => item.caseId === subject.id),
  references: [
    { kind: 'case-number', value: subject.number },
    { kind: 'idempotency-key', value: `key-${n}` },
  ],
  documentKeys: [...filing.files.keys()].filter((key) => key.includes(subject.id)),
});

/** Everything the store and the files hold, to compare before and after. */
const everything = () =>
  structuredClone({
    cases: [...store.cases.entries()],
    tasks: [...store.tasks.entries()],
    waits: [...store.waits.entries()],
    outbox: [...store.outbox.entries()],
    numbers: [...store.numbers.entries()],
    idempotency: [...store.idempotencyRecords.entries()],
    events: [...store.events.entries()],
    files: [...filing.files.keys()],
  });

function expectGone(subject: Case): void {
  expect(store.cases.has(subject.id)).toBe(false);
  expect([...store.tasks.values()].filter((task) => task.caseId === subject.id)).toEqual([]);
  expect([...store.waits.values()].filter((wait) => wait.caseId === subject.id)).toEqual([]);
  expect([...store.outbox.values()].filter((item) => item.caseId === subject.id)).toEqual([]);
  expect(store.numbers.has(subject.number)).toBe(false);
  expect([...store.idempotencyRecords.values()].filter((record) => record.caseId === subject.id)).toEqual([]);
  expect([...filing.files.keys()].filter((key) => key.includes(subject.id))).toEqual([]);
}

describe('a case gets its retention as it closes', () => {
  test("from its type's version: the action, the period and the date it ends (Europe/Brussels)", async () => {
    const proof = await issuedProof(1);
    const parking = await closed(2, 'resident-parking-permit', 'withdrawn');
    const address = await closed(3, 'change-of-address', 'rejected');
    expect(proof.retention).toEqual({ action: 'destroy', years: 5, dueOn: '2031-11-10' });
    expect(parking.retention).toEqual({ action: 'destroy', years: 2, dueOn: '2028-11-10' });
    expect(address.retention).toEqual({ action: 'keep', years: 30, dueOn: '2056-11-10' });
  });

  test('an open case has none and is never due', async () => {
    const open = await submitted(1, 'proof-of-residence');
    clock.set('2099-01-01T00:00:00Z');
    const report = await run();
    expect(store.cases.get(open.id)!.retention).toBeUndefined();
    expect(report.destroyed).toEqual([]);
  });
});

describe('the dry run', () => {
  test('lists what would go and what would be transferred, with counts, and changes nothing', async () => {
    const proof = await issuedProof(1);
    const parking = await closed(2, 'resident-parking-permit', 'withdrawn');
    await closed(3, 'change-of-address', 'rejected');
    clock.set('2026-11-11T09:00:00Z');
    const before = everything();

    const report = await job()({ dryRun: true, asOf: '2056-11-10' });

    expect(everything()).toEqual(before);
    expect(retention.handled).toEqual([]);
    expect(report).toMatchObject({ dryRun: true, asOf: '2056-11-10', failed: [], incomplete: false });
    expect(report.destroyed).toEqual([
      {
        id: parking.id,
        tenant: '44021',
        type: { key: 'resident-parking-permit', version: parking.type.version },
        dueOn: '2028-11-10',
        resumed: false,
        // Its start, and the closing notice (CaseClosed.v1) its closing step wrote (version 3 on).
        items: { cases: 1, tasks: 0, messageWaits: 0, outboxItems: 2, caseNumbers: 1, idempotencyKeys: 1, documents: 0 },
      },
      {
        id: proof.id,
        tenant: '44021',
        type: { key: 'proof-of-residence', version: 1 },
        dueOn: '2031-11-10',
        resumed: false,
        items: { cases: 1, tasks: 1, messageWaits: 1, outboxItems: 1, caseNumbers: 1, idempotencyKeys: 1, documents: 1 },
      },
    ]);
    expect(report.transferDue.map((due) => due.type.key)).toEqual(['change-of-address']);
  });

  test('as of today by default: a case due tomorrow is not listed', async () => {
    await closed(2, 'resident-parking-permit', 'withdrawn');
    clock.set('2028-11-09T12:00:00Z');
    expect((await job()({ dryRun: true })).destroyed).toEqual([]);
    clock.set('2028-11-09T23:30:00Z'); // already 10 November in Brussels
    expect((await job()({ dryRun: true })).destroyed).toHaveLength(1);
  });

  test('only a dry run looks ahead: a run that changes anything refuses a date', async () => {
    await expect(run({ asOf: '2040-01-01' })).rejects.toMatchObject({
      kind: 'validation',
      message: 'only a dry run looks ahead',
      errors: [{ path: 'asOf', message: 'a run that changes anything applies retention as of today' }],
    });
  });
});

describe('destroying a case whose retention ended', () => {
  test('removes the case, its tasks, waits, outbox items, number, Idempotency-Key and files, and nothing of the cases not due', async () => {
    const proof = await issuedProof(1);
    const parking = await closed(2, 'resident-parking-permit', 'withdrawn');
    const address = await closed(3, 'change-of-address', 'rejected');
    const proofAsClosed = structuredClone(store.cases.get(proof.id));
    const proofFiles = [...filing.files.keys()];
    clock.set('2029-01-01T08:00:00Z');

    const report = await run();

    expect(report.destroyed.map((destroyed) => destroyed.id)).toEqual([parking.id]);
    expectGone(parking);
    expect(store.cases.get(proof.id)).toEqual(proofAsClosed);
    expect([...filing.files.keys()]).toEqual(proofFiles);
    expect(store.cases.get(address.id)!.retention?.transferDueSince).toBeUndefined();
    expect(retention.handled).toEqual(['2029-01-01']);

    clock.set('2031-11-10T08:00:00Z');
    expect((await run()).destroyed.map((destroyed) => destroyed.id)).toEqual([proof.id]);
    expectGone(proof);
    expect(store.cases.has(address.id)).toBe(true);
  });

  test('an event of the case not published yet stays in the outbox for the dispatcher, neither deleted nor counted', async () => {
    const proof = await issuedProof(1);
    const event = aCaseEvent(proof, { id: testUlid(900), change: 'closed', sequence: '0000000003.03', time: closedAt, data: { status: 'issued' } });
    store.outbox.set(testUlid(900), { id: testUlid(900), caseId: proof.id, effect: { kind: 'publish-event', caseId: proof.id, event }, createdAt: closedAt });
    clock.set('2031-11-10T08:00:00Z');

    const report = await run();

    expect(report.destroyed[0]?.items).toMatchObject({ outboxItems: 1 });
    expect(store.cases.has(proof.id)).toBe(false);
    expect([...store.outbox.values()].filter((item) => item.caseId === proof.id).map((item) => item.effect.kind)).toEqual(['publish-event']);
  });

  test('leaves a tombstone as the last event of the trail: what went, when, under which rule, and a digest; the chain verifies', async () => {
    const proof = await issuedProof(1);
    const trail = store.eventsOf(proof.id);
    const expectedDigest = remainsDigest(remainsOf(proof, 1));
    clock.set('2031-11-10T08:00:00Z');

    await run();

    const events = store.eventsOf(proof.id);
    expect(events.slice(0, -1)).toEqual(trail);
    expect(events.at(-1)).toEqual({
      caseId: proof.id,
      sequence: trail.length + 1,
      previousHash: trail.at(-1)!.hash,
      previousSeal: trail.at(-1)!.seal,
      previousStateDigest: trail.at(-1)!.stateDigest,
      stateDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      seal: expect.any(String),
      action: 'case.destroyed',
      actor: { kind: 'system', component: 'apply-retention' },
      at: '2031-11-10T08:00:00.000Z',
      details: {
        tenant: '44021',
        rule: { type: { key: 'proof-of-residence', version: 1 }, action: 'destroy', years: 5, closedAt, dueOn: '2031-11-10' },
        destroyed: { cases: 1, tasks: 1, messageWaits: 1, outboxItems: 1, caseNumbers: 1, idempotencyKeys: 1, documents: 1 },
        digest: expectedDigest,
      },
    });
    expect(verifyChain(events)).toBe(true);
    // The case is gone with its head: its trail verifies up to its sealed tombstone.
    expect(await verifyTrail({ caseId: proof.id, events, stored: 'destroyed' }, store.seal.verify)).toEqual({ verified: true });
  });

  test('the audit trail that stays holds none of the personal data that went', async () => {
    const proof = await issuedProof(1);
    const person = await fixturePopulationRegister.findPerson(insz);
    clock.set('2031-11-10T08:00:00Z');
    await run();
    const trail = JSON.stringify(store.eventsOf(proof.id));
    expect(person).toBeDefined();
    for (const personal of [insz, person!.givenName, person!.familyName, person!.address.street, JSON.stringify(proof.data)]) {
      expect(trail).not.toContain(personal);
    }
  });

  test('a rerun is a no-op', async () => {
    await issuedProof(1);
    await closed(2, 'resident-parking-permit', 'withdrawn');
    await closed(3, 'change-of-address', 'rejected');
    clock.set('2057-01-01T08:00:00Z');
    await run();
    const after = everything();
    const commits = store.commits;

    const again = await run();

    expect(again).toMatchObject({ destroyed: [], transferDue: [], failed: [], incomplete: false });
    expect(everything()).toEqual(after);
    expect(store.commits).toBe(commits);
  });

  test('a run that dies after the tombstone is finished by the next, without a second tombstone', async () => {
    const proof = await issuedProof(1);
    clock.set('2031-11-10T08:00:00Z');
    retention.interrupt = 'before-files';

    const interrupted = await run();

    expect(interrupted.failed).toEqual([expect.objectContaining({ id: proof.id, error: 'Error' })]);
    expect(retention.handled).toEqual([]);
    expect(store.cases.get(proof.id)!.retention?.destroyingSince).toBe('2031-11-10T08:00:00.000Z');
    expect(filing.files.size).toBe(1);

    clock.set('2031-11-11T08:00:00Z');
    const finished = await run();

    expect(finished.destroyed).toEqual([expect.objectContaining({ id: proof.id, resumed: true })]);
    expectGone(proof);
    const events = store.eventsOf(proof.id);
    expect(events.filter((event) => event.action === 'case.destroyed')).toHaveLength(1);
    expect(events.at(-1)!.details).toMatchObject({ destroyed: { tasks: 1, documents: 1 } });
    expect(verifyChain(events)).toBe(true);
    expect(retention.handled).toEqual(['2031-11-11']);
  });

  test('a run that dies before the case item goes leaves the case scheduled, and the next deletes it', async () => {
    const proof = await issuedProof(1);
    clock.set('2031-11-10T08:00:00Z');
    retention.interrupt = 'before-case-item';
    await run();
    expect(store.cases.has(proof.id)).toBe(true);
    expect(store.tasks.size).toBe(0);

    const finished = await run();

    expect(finished.destroyed).toEqual([expect.objectContaining({ id: proof.id, resumed: true, items: expect.objectContaining({ cases: 1, tasks: 0, documents: 0 }) })]);
    expectGone(proof);
    expect(store.eventsOf(proof.id).filter((event) => event.action === 'case.destroyed')).toHaveLength(1);
  });

  test('a case is read once: the tombstone starts from the case the run read', async () => {
    const proof = await issuedProof(1);
    clock.set('2031-11-10T08:00:00Z');
    const reads = store.caseReads;

    await run();

    expectGone(proof);
    expect(store.caseReads - reads).toBe(1);
  });

  test('a case that changed between reading and the tombstone is read again, so that the tombstone describes what goes', async () => {
    const proof = await issuedProof(1);
    clock.set('2031-11-10T08:00:00Z');
    store.beforeCommit = (caseId, attempt) => {
      if (attempt !== 1) return;
      const current = store.cases.get(caseId)!;
      store.cases.set(caseId, { ...current, version: current.version + 1 });
      store.seedTask({ ...aTask(current, { id: testUlid(500), name: 'verify-residence', token: 'late', now: submittedAt, dueAt: submittedAt }), status: 'cancelled' });
    };

    await run();

    expectGone(proof);
    expect(store.eventsOf(proof.id).at(-1)!.details).toMatchObject({ destroyed: { tasks: 2 } });
  });

  test('a case another run tombstoned between reading and writing is finished without a second tombstone', async () => {
    const proof = await issuedProof(1);
    clock.set('2031-11-10T08:00:00Z');
    store.beforeCommit = (caseId, attempt) => {
      if (attempt !== 1) return;
      const current = store.cases.get(caseId)!;
      store.cases.set(caseId, { ...current, version: current.version + 1, retention: { ...current.retention!, destroyingSince: '2031-11-10T07:59:00.000Z' } });
    };

    const report = await run();

    expect(report.failed).toEqual([]);
    expect(report.destroyed).toEqual([expect.objectContaining({ id: proof.id, resumed: false, items: expect.objectContaining({ cases: 1, tasks: 1, documents: 1 }) })]);
    expectGone(proof);
    expect(store.eventsOf(proof.id).filter((event) => event.action === 'case.destroyed')).toHaveLength(0);
  });

  test('a scheduled case that is gone already is neither destroyed nor failed', async () => {
    await issuedProof(1);
    clock.set('2031-11-10T08:00:00Z');
    const report = await applyRetention({ cases: { ...store, get: async () => undefined }, outbox: store, schedule: retention.schedule, destruction: retention.destruction, files: retention.files, clock, telemetry })({ dryRun: false });
    expect(report.destroyed).toHaveLength(0);
    expect(report.failed).toEqual([]);
    expect(telemetry.warnings).toEqual([]);
  });

  test('a case read without retention details is destroyed as not resumed', async () => {
    const proof = await issuedProof(1);
    clock.set('2031-11-10T08:00:00Z');
    const cases = { ...store, get: async (id: string) => {
      const found = await store.get(id);
      return found && { ...found, retention: undefined };
    } };
    const report = await applyRetention({ cases, outbox: store, schedule: retention.schedule, destruction: retention.destruction, files: retention.files, clock, telemetry })({ dryRun: true });
    expect(report.failed).toEqual([]);
    expect(report.destroyed).toEqual([expect.objectContaining({ id: proof.id, resumed: false })]);
  });

  test('a case unchanged since it was read is tombstoned from that read, even when the item the write sees carries no retention', async () => {
    const proof = await issuedProof(1);
    clock.set('2031-11-10T08:00:00Z');
    const cases = { ...store, change: ((id, decide) => store.change(id, (current) => decide({ ...current, retention: undefined }))) as typeof store.change };
    const report = await applyRetention({ cases, outbox: store, schedule: retention.schedule, destruction: retention.destruction, files: retention.files, clock, telemetry })({ dryRun: false });
    expect(report.failed).toEqual([]);
    expect(report.destroyed).toEqual([expect.objectContaining({ id: proof.id, resumed: false })]);
    expectGone(proof);
  });

  test('a failure that is not an Error is reported as Error', async () => {
    const proof = await issuedProof(1);
    clock.set('2031-11-10T08:00:00Z');
    const destruction = { ...retention.destruction, destroy: async (): Promise<never> => {
      throw 'down';
    } };
    const report = await applyRetention({ cases: store, outbox: store, schedule: retention.schedule, destruction, files: retention.files, clock, telemetry })({ dryRun: false });
    expect(report.failed).toEqual([expect.objectContaining({ id: proof.id, error: 'Error' })]);
    expect(telemetry.warnings).toEqual([{ message: 'The retention of a case could not be applied; the next run tries again', fields: { caseId: proof.id, error: 'Error' } }]);
  });

  test('a failure on one case is reported, the others go on, and the schedule is not marked handled', async () => {
    const first = await issuedProof(1);
    const second = await closed(2, 'proof-of-residence', 'rejected');
    clock.set('2031-11-10T08:00:00Z');
    retention.interrupt = 'before-files';

    const report = await run();

    expect(report.failed.map((failure) => failure.id)).toEqual([first.id]);
    expect(report.destroyed.map((destroyed) => destroyed.id)).toEqual([second.id]);
    expect(telemetry.warnings).toEqual([{ message: 'The retention of a case could not be applied; the next run tries again', fields: { caseId: first.id, error: 'Error' } }]);
    expect(retention.handled).toEqual([]);
  });
});

describe('a case to keep', () => {
  test('is marked due for transfer to the archive once, with an audit event, and stays', async () => {
    const address = await closed(3, 'change-of-address', 'rejected');
    clock.set('2056-11-10T08:00:00Z');

    const report = await run();

    expect(report.transferDue).toEqual([{ id: address.id, tenant: '44021', type: { key: 'change-of-address', version: address.type.version }, dueOn: '2056-11-10' }]);
    expect(report.destroyed).toEqual([]);
    const kept = store.cases.get(address.id)!;
    expect(kept.retention).toEqual({ action: 'keep', years: 30, dueOn: '2056-11-10', transferDueSince: '2056-11-10T08:00:00.000Z' });
    expect(store.eventsOf(address.id).at(-1)).toMatchObject({ action: 'case.archive-transfer-due', details: { rule: { action: 'keep', years: 30 } } });
    expect(verifyChain(store.eventsOf(address.id))).toBe(true);
    expect(store.numbers.has(address.number)).toBe(true);

    expect((await run()).transferDue).toEqual([]);
  });
});

describe('the scope of a run', () => {
  test("one tenant's run touches only its cases and does not mark the schedule handled", async () => {
    const gent = await closed(1, 'resident-parking-permit', 'withdrawn', '44021');
    const aalst = await closed(2, 'resident-parking-permit', 'withdrawn', '41002');
    clock.set('2029-01-01T08:00:00Z');

    const report = await run({ tenant: '41002' });

    expect(report.destroyed.map((destroyed) => destroyed.id)).toEqual([aalst.id]);
    expect(store.cases.has(gent.id)).toBe(true);
    expect(retention.handled).toEqual([]);
  });

  test('a run handles at most maxCases and says it is incomplete; the next goes on', async () => {
    for (let n = 1; n <= 3; n++) await closed(n, 'resident-parking-permit', 'withdrawn');
    clock.set('2029-01-01T08:00:00Z');

    const first = await run({}, { maxCases: 2 });
    expect(first.destroyed).toHaveLength(2);
    expect(first.incomplete).toBe(true);
    expect(retention.handled).toEqual([]);

    const second = await run({}, { maxCases: 2 });
    expect(second.destroyed).toHaveLength(1);
    expect(second.incomplete).toBe(false);
    expect(store.cases.size).toBe(0);
    expect(retention.handled).toEqual(['2029-01-01']);
  });
});
