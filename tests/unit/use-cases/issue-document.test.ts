import { beforeEach, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import { fixturePopulationRegister } from '../../../functions/adapters/population-register.fixture';
import type { Case } from '../../../functions/domain/case';
import { sha256Hex } from '../../../functions/domain/digest';
import type { IssueDocumentCommand } from '../../../functions/use-cases/issue-document';
import { issueDocument } from '../../../functions/use-cases/issue-document';
import type { InMemoryCaseStore, InMemoryDocumentFiling, TelemetryRecorder } from '../../support/in-memory-ports';
import { aCase, aTask, inMemoryCaseStore, inMemoryDocumentFiling, settableClock, telemetryRecorder, tenantDirectory, testUlid } from '../../support/in-memory-ports';

const submittedAt = new Date('2026-11-09T10:00:00Z');
const now = '2026-11-10T09:00:00.000Z';

let store: InMemoryCaseStore;
let filing: InMemoryDocumentFiling;
let telemetry: TelemetryRecorder;
let subject: Case;

beforeEach(() => {
  store = inMemoryCaseStore();
  filing = inMemoryDocumentFiling();
  telemetry = telemetryRecorder();
  subject = store.seedCase(
    aCase({ id: testUlid(1), typeKey: 'proof-of-residence', typeVersion: 1, now: submittedAt, dueAt: new Date('2026-11-16T22:59:59.999Z'), data: { purpose: 'school registration' } }),
  );
});

const issue = (overrides: Partial<IssueDocumentCommand> = {}, tenants = tenantDirectory()) =>
  issueDocument({ cases: store, tenants, population: fixturePopulationRegister, documents: filing, catalogue, clock: settableClock(now), telemetry })({
    caseId: subject.id,
    decidedBy: 'clerk@gent',
    ...overrides,
  });

describe('issuing a document', () => {
  test('writes the text from the register, files it, and closes the case with decision and document', async () => {
    await expect(issue({ reason: 'checked' })).resolves.toBe('issued');
    const saved = store.cases.get(subject.id)!;
    expect(saved).toMatchObject({
      status: 'issued',
      closedAt: now,
      version: 1,
      decision: { outcome: 'issued', decidedBy: 'clerk@gent', reason: 'checked', decidedAt: now },
    });
    const [document] = saved.documents;
    expect(document).toMatchObject({ kind: 'certificate', reference: subject.number, issuedAt: now, language: 'nl', title: { nl: 'Attest van woonst', en: 'Proof of residence' } });
    expect(document!.text.nl).toContain('Stad Gent verklaart dat Testa Fixture-Gent (rijksregisternummer 85.07.30-033.28)');
    expect(document!.text.nl).toContain('Voorbeeldstraat 1, 9000 Gent');
    expect(document!.text.en).toContain('for: school registration');
    expect(filing.filed).toEqual([{ document: { ...document!, file: undefined }, caseId: subject.id, tenant: '44021' }]);
    const bytes = filing.files.get(document!.file!.key)!;
    expect(document!.file).toEqual({ key: `44021/${subject.id}/${subject.number}.pdf`, contentType: 'application/pdf', size: bytes.byteLength, sha256: sha256Hex(bytes) });
    expect(store.eventsOf(subject.id).at(-1)).toMatchObject({ action: 'case.status-changed', actor: { kind: 'system', component: 'issue-certificate' }, details: { from: 'submitted', to: 'issued' } });
    expect(telemetry.closed).toEqual([{ typeKey: 'proof-of-residence', status: 'issued' }]);
  });

  test('announces the closing (CaseClosed.v1) through the outbox in the same commit where the version leaves it to the step; not where its workflow publishes it', async () => {
    const closingNotices = (caseId: string) => [...store.outbox.values()].filter((item) => item.caseId === caseId && item.effect.kind === 'publish-closing-notice').map((item) => item.effect);
    await issue();
    expect(closingNotices(subject.id)).toEqual([]); // proof-of-residence version 1 (the subject's): its PublishCaseClosed state
    const permit = store.seedCase(aCase({ id: testUlid(2), typeKey: 'resident-parking-permit', now: submittedAt, dueAt: new Date('2026-12-16T22:59:59.999Z') }));
    await expect(issue({ caseId: permit.id, status: 'granted' })).resolves.toBe('granted');
    expect(closingNotices(permit.id)).toEqual([{ kind: 'publish-closing-notice', caseId: permit.id, notice: { caseId: permit.id, tenant: permit.tenant, type: 'resident-parking-permit', status: 'granted' } }]);
    expect(store.commits).toBe(2);
  });

  test('closes with the status asked, and without a reason when none is given', async () => {
    await expect(issue({ status: 'rejected', reason: null })).resolves.toBe('rejected');
    expect(store.cases.get(subject.id)!.decision).toEqual({ outcome: 'rejected', decidedBy: 'clerk@gent', decidedAt: now });
  });

  test("a clerk's decision takes its reason from the completed task the workflow names", async () => {
    const task = store.seedTask({
      ...aTask(subject, { id: testUlid(10), name: 'verify-residence', token: 't', now: submittedAt, dueAt: submittedAt }),
      status: 'completed',
      completion: { outcome: 'approve', by: 'clerk@gent', at: now, reason: 'Seen at the desk' },
    });
    await expect(issue({ taskId: task.id })).resolves.toBe('issued');
    expect(store.cases.get(subject.id)!.decision).toEqual({ outcome: 'issued', decidedBy: 'clerk@gent', reason: 'Seen at the desk', decidedAt: now });
  });

  test('a case closed already is left untouched: nothing filed, written or counted', async () => {
    store.cases.set(subject.id, { ...subject, status: 'withdrawn' });
    await expect(issue()).resolves.toBe('withdrawn');
    expect(filing.filed).toEqual([]);
    expect(store.commits).toBe(0);
    expect(telemetry.closed).toEqual([]);
  });

  test('the closing decides on the case as first read: the case is read once', async () => {
    await expect(issue()).resolves.toBe('issued');
    expect(store.caseReads).toBe(1);
    expect(store.decideRuns).toBe(1);
  });

  test('a case closed between the read and the write is decided again on its new state, left as it is and not counted', async () => {
    const original = store.change.bind(store);
    store.change = (id, decide, options) => {
      const read = store.cases.get(id)!;
      store.cases.set(id, { ...read, status: 'withdrawn', version: read.version + 1 });
      return original(id, decide, options);
    };
    await expect(issue()).resolves.toBe('withdrawn');
    expect(store.decideRuns).toBe(2);
    expect(store.commits).toBe(0);
    expect(store.cases.get(subject.id)).toMatchObject({ status: 'withdrawn', version: 1 });
    expect(telemetry.closed).toEqual([]);
  });

  test('a type without a document is an error', async () => {
    const move = store.seedCase(aCase({ id: testUlid(2), typeKey: 'change-of-address', now: submittedAt, dueAt: submittedAt, sequence: 2 }));
    await expect(issue({ caseId: move.id })).rejects.toThrow(`type 'change-of-address' version ${move.type.version} declares no document`);
  });

  test('a tenant that is not onboarded is an error, before anything is filed', async () => {
    await expect(issue({}, tenantDirectory([]))).rejects.toThrow(`tenant 44021 of case ${subject.id} is not onboarded`);
    expect(filing.filed).toEqual([]);
  });

  test('a missing case is not-found', async () => {
    await expect(issue({ caseId: testUlid(99) })).rejects.toMatchObject({ kind: 'not-found', message: `case ${testUlid(99)} does not exist` });
  });

  test('a business applicant is not looked up in the population register', async () => {
    const terrace = store.seedCase(aCase({ id: testUlid(3), typeKey: 'terrace-permit', now: submittedAt, dueAt: submittedAt, sequence: 3 }));
    const population = { findPerson: async () => { throw new Error('must not be asked'); } };
    const status = await issueDocument({ cases: store, tenants: tenantDirectory(), population, documents: filing, catalogue, clock: settableClock(now), telemetry })({
      caseId: terrace.id,
      status: 'granted',
      decidedBy: 'college@gent',
    });
    expect(status).toBe('granted');
    expect(store.cases.get(terrace.id)!.documents[0]!.kind).toBe('permit');
  });
});
