import { describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { Case } from '../../../functions/domain/case';
import type { CaseEvent } from '../../../functions/domain/case-event';
import { caseEventSource, caseEventType } from '../../../functions/domain/case-event';
import { caseEventData } from '../../../functions/domain/case-event.schemas';
import { TransientError } from '../../../functions/domain/errors';
import type { CaseOverviewUpdate, CitizenCaseOverview } from '../../../functions/ports/case-overview.port';
import { publishCaseOverview } from '../../../functions/use-cases/publish-case-overview';
import { aCase, accessDoubles, inMemoryCaseStore, testPseudonyms, testUlid } from '../../support/in-memory-ports';

const now = new Date('2026-11-09T10:00:00Z');
const dueAt = new Date('2026-11-16T22:59:59.999Z');
let sequence = 0;

function seededCase(typeKey: string, applicant?: Case['applicant']) {
  const store = inMemoryCaseStore();
  sequence += 1;
  const subject = aCase({ id: testUlid(sequence), typeKey, applicant, sequence, now, dueAt });
  store.seedCase(subject);
  return { store, subject };
}

/** A status-changed event as the outbox publishes it: ids and codes only. */
function statusChanged(subject: Case, status: string, options: { inform?: boolean; type?: string; sequence?: number } = {}): CaseEvent {
  return {
    specversion: '1.0',
    id: testUlid(9000 + sequence),
    type: options.type ?? caseEventType('status-changed'),
    source: caseEventSource(subject.tenant),
    subject: subject.id,
    time: '2026-11-09T11:30:00.000Z',
    datacontenttype: 'application/json',
    dataschema: 'https://loket.example/v1/events/schemas/status-changed.v1',
    sequence: String(options.sequence ?? 3),
    tenant: subject.tenant,
    transactiontype: subject.type.key,
    data: {
      caseId: subject.id,
      caseNumber: subject.number,
      tenant: subject.tenant,
      transactionType: subject.type,
      from: 'submitted',
      to: status,
      final: false,
      ...(options.inform === undefined ? {} : { inform: options.inform }),
    },
  };
}

function recordingOverview(failure?: Error): CitizenCaseOverview & { updates: CaseOverviewUpdate[] } {
  const updates: CaseOverviewUpdate[] = [];
  return {
    updates,
    async publish(update) {
      if (failure) throw failure;
      updates.push(update);
    },
  };
}

function feedFor(store: ReturnType<typeof inMemoryCaseStore>, overview = recordingOverview()) {
  const access = accessDoubles();
  return { feed: publishCaseOverview({ cases: store, catalogue, overview, ...access }), overview, access };
}

const informing = catalogue.all().flatMap((type) => type.statuses.filter((status) => status.inform).map((status) => [type.key, status.code] as const));
const silent = catalogue.all().flatMap((type) => type.statuses.filter((status) => !status.inform).map((status) => [type.key, status.code] as const));

describe('the citizen case overview fed from status changes', () => {
  test("the events it is given are the events' own status-changed data", () => {
    const { subject } = seededCase('proof-of-residence');
    expect(caseEventData['status-changed'].parse(statusChanged(subject, 'issued', { inform: true }).data)).toMatchObject({ to: 'issued', inform: true });
  });

  test('there are informing and silent statuses to check', () => {
    expect(informing.length).toBeGreaterThan(20);
    expect(silent.map(([, code]) => code)).toContain('submitted');
  });

  test.each(informing)('%s: status %s, which informs, makes one update with its ids and its citizen texts', async (typeKey, code) => {
    const { store, subject } = seededCase(typeKey);
    const { feed, overview } = feedFor(store);
    const type = catalogue.ofCase(subject);
    const status = type.statuses.find((candidate) => candidate.code === code)!;

    await expect(feed.deliver(statusChanged(subject, code, { inform: true, sequence: 7 }))).resolves.toBe('delivered');

    expect(overview.updates).toEqual([
      {
        transactionId: `urn:loket:tenant:44021/${subject.number}`,
        source: 'urn:loket:tenant:44021',
        tenant: '44021',
        caseNumber: subject.number,
        caseId: subject.id,
        productId: type.ipdcProductId,
        title: type.title,
        status: { code, text: status.citizenText, final: status.final, since: '2026-11-09T11:30:00.000Z' },
        sequence: 7,
        applicant: subject.applicant,
      },
    ]);
    expect(status.citizenText.nl).not.toBe(status.citizenText.en);
  });

  test.each(silent)('%s: status %s, which does not inform, makes no update', async (typeKey, code) => {
    const { store, subject } = seededCase(typeKey);
    const { feed, overview, access } = feedFor(store);

    await expect(feed.deliver(statusChanged(subject, code, { inform: false }))).resolves.toBe('not-applicable');
    await expect(feed.deliver(statusChanged(subject, code))).resolves.toBe('not-applicable');

    expect(overview.updates).toEqual([]);
    expect(access.processingLog.records).toEqual([]);
  });

  test("the case's type version decides whether a status informs, not the event's flag", async () => {
    const { store, subject } = seededCase('proof-of-residence');
    const { feed, overview } = feedFor(store);

    await expect(feed.deliver(statusChanged(subject, 'submitted', { inform: true }))).resolves.toBe('not-applicable');
    await expect(feed.deliver(statusChanged(subject, 'under-review'))).resolves.toBe('delivered');

    expect(overview.updates.map((update) => update.status.code)).toEqual(['under-review']);
  });

  test('a business applicant is sent by its enterprise number, into the business overview', async () => {
    const { store, subject } = seededCase('terrace-permit', { kbo: '0999000129' });
    const { feed, overview } = feedFor(store);

    await feed.deliver(statusChanged(subject, 'inspection'));

    expect(overview.updates[0]?.applicant).toEqual({ kbo: '0999000129' });
    expect(overview.updates[0]?.productId).toBe(catalogue.find('terrace-permit')?.ipdcProductId);
  });

  test("the read of the applicant's number for the overview is in the processing log, by pseudonym", async () => {
    const { store, subject } = seededCase('change-of-address', { insz: '85073003328' });
    const { feed, access } = feedFor(store);

    await feed.deliver(statusChanged(subject, 'police-check'));

    expect(access.processingLog.records).toEqual([
      {
        tenant: '44021',
        at: '2026-11-10T09:00:00.000Z',
        actor: { subject: 'system:case-overview', roles: [] },
        person: await testPseudonyms.of('85073003328'),
        caseId: subject.id,
        action: 'case-overview.publish',
        purpose: 'citizen case overview (DOSIS) for change-of-address',
      },
    ]);
    expect(JSON.stringify(access.processingLog.records)).not.toContain('85073003328');
  });

  test('other events are not applicable and read nothing', async () => {
    const { store, subject } = seededCase('proof-of-residence');
    const { feed, overview, access } = feedFor(store);
    let reads = 0;
    const counting = { ...store, get: (id: string) => ((reads += 1), store.get(id)) };
    const counted = publishCaseOverview({ cases: counting, catalogue, overview, ...access });

    await expect(counted.deliver(statusChanged(subject, 'issued', { type: caseEventType('task-created') }))).resolves.toBe('not-applicable');
    await expect(feed.deliver(statusChanged(subject, 'issued', { type: caseEventType('status-changed', 2) }))).resolves.toBe('not-applicable');
    await expect(counted.deliver(statusChanged(subject, 'issued', { inform: false }))).resolves.toBe('not-applicable');

    expect(reads).toBe(0);
    expect(overview.updates).toEqual([]);
  });

  test('a case destroyed before delivery has no dossier left to show', async () => {
    const { subject } = seededCase('proof-of-residence');
    const { feed, overview } = feedFor(inMemoryCaseStore());

    await expect(feed.deliver(statusChanged(subject, 'issued'))).resolves.toBe('not-applicable');
    expect(overview.updates).toEqual([]);
  });

  test('a status the case type does not declare, or a status change without a status, is a permanent error', async () => {
    const { store, subject } = seededCase('proof-of-residence');
    const { feed, overview } = feedFor(store);

    const undeclared = await feed.deliver(statusChanged(subject, 'granted')).catch((error: Error) => error);
    expect(undeclared).toBeInstanceOf(Error);
    expect(undeclared).not.toBeInstanceOf(TransientError);
    expect((undeclared as Error).message).toBe(`case ${subject.id} reached status 'granted', which proof-of-residence v${subject.type.version} does not declare`);

    const event = statusChanged(subject, 'issued');
    const { to: _dropped, ...withoutStatus } = event.data;
    await expect(feed.deliver({ ...event, data: withoutStatus })).rejects.toThrow(`event ${event.id} is a status change without a status code`);
    expect(overview.updates).toEqual([]);
  });

  test("the overview's transient failure reaches the caller as it is, for a retry", async () => {
    const { store, subject } = seededCase('proof-of-residence');
    const failure = new TransientError('DOSIS answered 503');
    const { feed } = feedFor(store, recordingOverview(failure));

    await expect(feed.deliver(statusChanged(subject, 'issued'))).rejects.toBe(failure);
  });
});
