import { beforeEach, describe, expect, jest, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import type { Case } from '../../../functions/domain/case';
import type { Task } from '../../../functions/domain/task';
import { caseHistory, casesNeedingAttention, getCase, listTasks, searchCases } from '../../../functions/use-cases/read-cases';
import type { InMemoryCaseStore } from '../../support/in-memory-ports';
import {
  aCase,
  aTask,
  accessDoubles,
  callerOf,
  clerkOf,
  inMemoryCaseStore,
  portalOf,
  refusal,
  testPseudonyms,
  testUlid,
} from '../../support/in-memory-ports';

let store: InMemoryCaseStore;
let access: ReturnType<typeof accessDoubles>;
let first: Case;
let second: Case;
let third: Case;
let aalstCase: Case;

const day = (n: number) => new Date(Date.UTC(2026, 10, n, 10));

beforeEach(() => {
  store = inMemoryCaseStore();
  access = accessDoubles();
  first = store.seedCase(aCase({ id: testUlid(1), typeKey: 'proof-of-residence', now: day(2), dueAt: day(20), sequence: 1 }));
  second = store.seedCase(aCase({ id: testUlid(2), typeKey: 'resident-parking-permit', now: day(3), dueAt: day(10), sequence: 2, applicant: { insz: '17073003384' } }));
  third = store.seedCase(aCase({ id: testUlid(3), typeKey: 'proof-of-residence', now: day(4), dueAt: day(15), sequence: 3 }));
  aalstCase = store.seedCase(aCase({ id: testUlid(4), typeKey: 'proof-of-residence', tenant: '41002', now: day(5), dueAt: day(12) }));
});

describe('reading one case', () => {
  const read = (caller = clerkOf(), caseId = first.id) => getCase({ cases: store, catalogue, ...access })({ caller, caseId, purpose: 'test' });

  test('shows the case with its type, tasks and awaited messages', async () => {
    const task = store.seedTask(aTask(first, { id: testUlid(10), name: 'verify-residence', token: 't', now: day(2), dueAt: day(5) }));
    const wait = store.seedWait({ caseId: first.id, name: 'anything', since: day(3).toISOString(), token: 'w' });
    const view = await read();
    expect(view).toEqual({ case: first, type: catalogue.find('proof-of-residence'), tasks: [task], waits: [wait] });
  });

  test.each([['portal'], ['clerk'], ['operator']])('is allowed to %s', async (role) => {
    await expect(read(callerOf('44021', [role]))).resolves.toMatchObject({ case: { id: first.id } });
  });

  test('is forbidden to a designer', async () => {
    expect((await refusal(read(callerOf('44021', ['designer'])))).kind).toBe('forbidden');
  });

  test("of another tenant's case is not-found", async () => {
    expect((await refusal(read(clerkOf('41002')))).kind).toBe('not-found');
  });

  test('reads the case with its tasks and waits at once, then records the read before answering', async () => {
    const steps: string[] = [];
    const getWithTasksAndWaits = async (id: string) => {
      steps.push('case read');
      return store.getWithTasksAndWaits(id);
    };
    const record = access.processingLog.record.bind(access.processingLog);
    access.processingLog.record = async (entry) => {
      await record(entry);
      steps.push('read recorded');
    };
    const view = await getCase({ cases: { getWithTasksAndWaits }, catalogue, ...access })({ caller: clerkOf(), caseId: first.id, purpose: 'test' });
    steps.push('answered');
    expect(steps).toEqual(['case read', 'read recorded', 'answered']);
    expect(view.case).toEqual(first);
  });

  test('is not served, and nothing is recorded, when the case cannot be read', async () => {
    const getWithTasksAndWaits = async (): Promise<never> => {
      throw new Error('table unavailable');
    };
    await expect(getCase({ cases: { getWithTasksAndWaits }, catalogue, ...access })({ caller: clerkOf(), caseId: first.id, purpose: 'test' })).rejects.toThrow('table unavailable');
    expect(access.processingLog.records).toEqual([]);
  });

  test("of another tenant's case records nothing", async () => {
    expect((await refusal(read(clerkOf('41002')))).kind).toBe('not-found');
    expect(access.processingLog.records).toEqual([]);
  });

  test('of an id that names no case is not-found', async () => {
    const error = await refusal(read(clerkOf(), testUlid(99)));
    expect([error.kind, error.message]).toEqual(['not-found', `case ${testUlid(99)} does not exist`]);
    expect(access.processingLog.records).toEqual([]);
  });

  test('of an id that is not a ULID is not-found without any read', async () => {
    const getWithTasksAndWaits = jest.fn(store.getWithTasksAndWaits);
    const error = await refusal(getCase({ cases: { getWithTasksAndWaits }, catalogue, ...access })({ caller: clerkOf(), caseId: 'x', purpose: 'test' }));
    expect([error.kind, error.message]).toEqual(['not-found', 'case x does not exist']);
    expect(getWithTasksAndWaits).not.toHaveBeenCalled();
  });
});

describe('a case’s history', () => {
  const history = (caller = clerkOf(), caseId = first.id) => caseHistory({ cases: store, reads: store, seal: store.seal, ...access })({ caller, caseId, purpose: 'test' });
  const note = (n: number) =>
    store.change(first.id, (current) => ({
      change: { case: { ...current, updatedAt: day(5 + n).toISOString() }, audit: { action: 'note', actor: clerkOf(), at: day(5 + n).toISOString(), details: { n } } },
      result: () => undefined,
    }));

  test('lists the audit trail in order and says it verifies', async () => {
    await note(1);
    const trail = await history();
    expect(trail.case.id).toBe(first.id);
    expect(trail.events.map((event) => [event.sequence, event.action])).toEqual([
      [1, 'case.submitted'],
      [2, 'note'],
    ]);
    expect(trail.verdict).toEqual({ verified: true });
  });

  describe('names the first bad position after a tamper with the store', () => {
    beforeEach(async () => {
      for (const n of [1, 2, 3]) await note(n);
    });
    const verdict = async () => (await history()).verdict;

    test('its newest events deleted', async () => {
      store.events.set(first.id, store.events.get(first.id)!.slice(0, 2));
      expect(await verdict()).toEqual({ verified: false, firstBadSequence: 3, reason: 'missing' });
    });

    test('an event rewritten, with or without its hashes recomputed', async () => {
      const events = store.events.get(first.id)!;
      store.events.set(first.id, events.map((event, i) => (i === 1 ? { ...event, actor: { kind: 'system', component: 'forger' } } : event)));
      expect(await verdict()).toEqual({ verified: false, firstBadSequence: 2, reason: 'hash' });
    });

    test('events reordered', async () => {
      const [a, b, c, d] = store.events.get(first.id)!;
      store.events.set(first.id, [a!, c!, b!, d!]);
      expect(await verdict()).toEqual({ verified: false, firstBadSequence: 2, reason: 'sequence' });
    });

    test('the case edited: its applicant, or who decided', async () => {
      const stored = store.cases.get(first.id)!;
      store.cases.set(first.id, { ...stored, applicant: { insz: '17073003384' } });
      expect(await verdict()).toEqual({ verified: false, firstBadSequence: 4, reason: 'case' });
      store.cases.set(first.id, { ...stored, decision: { outcome: 'issued', decidedAt: day(9).toISOString(), decidedBy: 'forger@44021' } });
      expect(await verdict()).toEqual({ verified: false, firstBadSequence: 4, reason: 'case' });
    });

    test('the case edited and then changed through the app: the change that carried the edit on', async () => {
      store.cases.set(first.id, { ...store.cases.get(first.id)!, applicant: { insz: '17073003384' } });
      await note(4);
      expect(await verdict()).toEqual({ verified: false, firstBadSequence: 5, reason: 'state' });
    });

    test('the head moved back with the newest event deleted', async () => {
      const events = store.events.get(first.id)!.slice(0, 3);
      store.events.set(first.id, events);
      store.heads.set(first.id, { sequence: 3, hash: events[2]!.hash, stateDigest: events[2]!.stateDigest, seal: events[2]!.seal });
      expect(await verdict()).toEqual({ verified: false, firstBadSequence: 3, reason: 'case' });
    });
  });

  test('reads the case and its trail again when a change lands between the two reads, and verifies what it read last', async () => {
    const reads = {
      history: jest.fn(async (caseId: string) => {
        if (reads.history.mock.calls.length === 1) await note(1);
        return store.history(caseId);
      }),
    };
    const trail = await caseHistory({ cases: store, reads, seal: store.seal, ...access })({ caller: clerkOf(), caseId: first.id, purpose: 'test' });
    expect(reads.history).toHaveBeenCalledTimes(2);
    expect(trail.events).toHaveLength(2);
    expect(trail.verdict).toEqual({ verified: true });
  });

  test('reads a third time when a change lands during each of the first two reads, and verifies what it read last', async () => {
    const reads = {
      history: jest.fn(async (caseId: string) => {
        const call = reads.history.mock.calls.length;
        if (call <= 2) await note(call);
        return store.history(caseId);
      }),
    };
    const trail = await caseHistory({ cases: store, reads, seal: store.seal, ...access })({ caller: clerkOf(), caseId: first.id, purpose: 'test' });
    expect(trail.events.map((event) => event.sequence)).toEqual([1, 2, 3]);
    expect(trail.verdict).toEqual({ verified: true });
  });

  test('judges a case whose trail head is gone instead of failing the read', async () => {
    store.heads.delete(first.id);
    const trail = await history();
    expect(trail.case.id).toBe(first.id);
    expect(trail.verdict.verified).toBe(false);
  });

  test("of another tenant's case is not-found; a designer is forbidden", async () => {
    expect((await refusal(history(clerkOf('41002')))).kind).toBe('not-found');
    expect((await refusal(history(callerOf('44021', ['designer'])))).kind).toBe('forbidden');
    expect((await refusal(history(clerkOf(), 'not-a-ulid'))).kind).toBe('not-found');
  });
});

describe('searching cases', () => {
  const search = (command: Partial<Parameters<ReturnType<typeof searchCases>>[0]> = {}) =>
    searchCases({ reads: store, catalogue, ...access })({ caller: clerkOf(), limit: 10, purpose: 'test', ...command });

  test('finds only the caller’s tenant’s cases, each with its type', async () => {
    const page = await search();
    expect(page.items.map((item) => item.summary.id)).toEqual([first.id, second.id, third.id]);
    expect(page.items[1]!.type).toBe(catalogue.find('resident-parking-permit'));
    expect(page.nextCursor).toBeUndefined();
  });

  test('filters by type, status and applicant', async () => {
    expect((await search({ type: 'resident-parking-permit' })).items.map((item) => item.summary.id)).toEqual([second.id]);
    expect((await search({ status: 'submitted' })).items.map((item) => item.summary.id)).toEqual([second.id, third.id, first.id]);
    expect((await search({ status: 'issued' })).items).toEqual([]);
    expect((await search({ applicant: '17073003384' })).items.map((item) => item.summary.id)).toEqual([second.id]);
  });

  test('by applicant records the search under that person or business, by pseudonym; without one records nothing', async () => {
    await search({ status: 'submitted' });
    expect(access.processingLog.records).toEqual([]);
    await search({ applicant: '17073003384', purpose: 'check-parking' });
    await search({ applicant: '0403170701' });
    expect(access.processingLog.records).toEqual([
      { tenant: '44021', at: '2026-11-10T09:00:00.000Z', actor: { subject: clerkOf().subject, roles: [...clerkOf().roles] }, person: await testPseudonyms.of('17073003384'), action: 'case.search', purpose: 'check-parking' },
      { tenant: '44021', at: '2026-11-10T09:00:00.000Z', actor: { subject: clerkOf().subject, roles: [...clerkOf().roles] }, person: await testPseudonyms.of('0403170701'), action: 'case.search', purpose: 'test' },
    ]);
  });

  test('pages with a cursor until the last page', async () => {
    const one = await search({ limit: 2 });
    expect(one.items.map((item) => item.summary.id)).toEqual([first.id, second.id]);
    expect(one.nextCursor).toEqual(expect.any(String));
    const two = await search({ limit: 2, cursor: one.nextCursor });
    expect(two.items.map((item) => item.summary.id)).toEqual([third.id]);
    expect(two.nextCursor).toBeUndefined();
  });

  test('refuses a cursor issued for another tenant or other filters at `cursor`', async () => {
    const { nextCursor } = await search({ limit: 1 });
    for (const misuse of [
      { caller: clerkOf('41002'), limit: 1, cursor: nextCursor },
      { limit: 1, status: 'submitted', cursor: nextCursor },
      { limit: 1, type: 'proof-of-residence', cursor: nextCursor },
      { limit: 1, applicant: '85073003328', cursor: nextCursor },
      { limit: 2, cursor: nextCursor },
      { limit: 1, cursor: `${nextCursor}x` },
    ]) {
      const error = await refusal(search(misuse));
      expect(error.kind).toBe('validation');
      expect(error.errors.map((field) => field.path)).toEqual(['cursor']);
    }
  });

  test('is forbidden to a designer', async () => {
    expect((await refusal(search({ caller: callerOf('44021', ['designer']) }))).kind).toBe('forbidden');
  });

  test('does not see another tenant’s case even by its applicant', async () => {
    const page = await searchCases({ reads: store, catalogue, ...access })({ caller: clerkOf('41002'), limit: 10, purpose: 'test' });
    expect(page.items.map((item) => item.summary.id)).toEqual([aalstCase.id]);
  });
});

describe('the task inbox', () => {
  let review: Task;
  let verify: Task;
  let police: Task;
  let done: Task;

  beforeEach(() => {
    const change = store.seedCase(aCase({ id: testUlid(5), typeKey: 'change-of-address', now: day(2), dueAt: day(28), sequence: 5 }));
    verify = store.seedTask(aTask(first, { id: testUlid(11), name: 'verify-residence', token: 'a', now: day(2), dueAt: day(9) }));
    review = store.seedTask({ ...aTask(second, { id: testUlid(12), name: 'review-permit', token: 'b', now: day(3), dueAt: day(7) }), status: 'claimed', assignee: 'clerk@gent' });
    police = store.seedTask(aTask(change, { id: testUlid(13), name: 'police-check', token: 'c', now: day(2), dueAt: day(8) }));
    done = store.seedTask({ ...aTask(third, { id: testUlid(14), name: 'verify-residence', token: 'd', now: day(4), dueAt: day(6) }), status: 'completed' });
    store.seedTask(aTask(aalstCase, { id: testUlid(15), name: 'verify-residence', token: 'e', now: day(5), dueAt: day(6) }));
  });

  const list = (command: Partial<Parameters<ReturnType<typeof listTasks>>[0]> = {}) =>
    listTasks({ reads: store })({ caller: clerkOf(), limit: 10, ...command });

  test('lists open and claimed tasks of the caller’s task roles, soonest due first', async () => {
    const inbox = await list({ caller: callerOf('44021', ['clerk', 'police', 'portal']) });
    expect(inbox.items.map((task) => task.id)).toEqual([review.id, police.id, verify.id]);
    expect(inbox.nextCursor).toBeUndefined();
  });

  test('narrows to one role the caller holds, and to one status', async () => {
    const both = callerOf('44021', ['clerk', 'police']);
    expect((await list({ caller: both, role: 'police' })).items.map((task) => task.id)).toEqual([police.id]);
    expect((await list({ status: 'completed' })).items.map((task) => task.id)).toEqual([done.id]);
    expect((await list({ status: 'claimed' })).items.map((task) => task.id)).toEqual([review.id]);
  });

  test('needs a task role', async () => {
    const error = await refusal(list({ caller: callerOf('44021', ['portal', 'operator', 'designer']) }));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toBe('working tasks needs a task role such as clerk');
  });

  test('refuses a role the caller does not hold', async () => {
    const error = await refusal(list({ role: 'police' }));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toBe("you do not hold role 'police'");
  });

  test('pages with a cursor bound to tenant, roles, statuses and limit', async () => {
    const one = await list({ limit: 1 });
    expect(one.items.map((task) => task.id)).toEqual([review.id]);
    const two = await list({ limit: 1, cursor: one.nextCursor });
    expect(two.items.map((task) => task.id)).toEqual([verify.id]);
    expect(two.nextCursor).toBeUndefined();
    for (const misuse of [
      { caller: clerkOf('41002'), limit: 1, cursor: one.nextCursor },
      { caller: callerOf('44021', ['clerk', 'police']), limit: 1, cursor: one.nextCursor },
      { status: 'open' as const, limit: 1, cursor: one.nextCursor },
      { limit: 2, cursor: one.nextCursor },
    ]) {
      const error = await refusal(list(misuse));
      expect(error.kind).toBe('validation');
      expect(error.errors.map((field) => field.path)).toEqual(['cursor']);
    }
  });
});

describe('the cases that need an operator', () => {
  const flagged = (n: number, tenant: string, since: string) => {
    const subject = aCase({ id: testUlid(700 + n), typeKey: 'proof-of-residence', tenant, now: new Date('2026-11-09T10:00:00Z'), dueAt: new Date('2026-11-16T22:59:59.999Z'), sequence: 700 + n });
    return store.seedCase({ ...subject, attention: { reason: 'execution failed', since } });
  };
  const list = (caller = callerOf('44021', ['operator']), limit = 25, cursor?: string) =>
    casesNeedingAttention({ reads: store, catalogue })({ caller, limit, cursor });

  test('are listed for operators of the tenant only, longest waiting first, with why', async () => {
    const later = flagged(1, '44021', '2026-11-10T10:00:00.000Z');
    const earlier = flagged(2, '44021', '2026-11-10T08:00:00.000Z');
    flagged(3, '41002', '2026-11-10T07:00:00.000Z');
    store.seedCase(aCase({ id: testUlid(799), typeKey: 'proof-of-residence', now: new Date('2026-11-09T10:00:00Z'), dueAt: new Date('2026-11-16T22:59:59.999Z'), sequence: 799 }));
    const page = await list();
    expect(page.items.map(({ summary }) => summary.id)).toEqual([earlier.id, later.id]);
    expect(page.items[0]!.summary.attention).toEqual({ reason: 'execution failed', since: '2026-11-10T08:00:00.000Z' });
    expect(page.items[0]!.type?.key).toBe('proof-of-residence');
  });

  test('are for operators: a clerk or a portal is forbidden', async () => {
    for (const caller of [clerkOf(), portalOf()]) {
      await expect(list(caller)).rejects.toMatchObject({ kind: 'forbidden' });
    }
  });

  test('page with a cursor bound to the tenant and the page size', async () => {
    flagged(1, '44021', '2026-11-10T08:00:00.000Z');
    flagged(2, '44021', '2026-11-10T09:00:00.000Z');
    const first = await list(undefined, 1);
    expect(first.nextCursor).toBeDefined();
    const second = await list(undefined, 1, first.nextCursor);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeUndefined();
    await expect(list(callerOf('41002', ['operator']), 1, first.nextCursor)).rejects.toMatchObject({ kind: 'validation' });
    await expect(list(undefined, 2, first.nextCursor)).rejects.toMatchObject({ kind: 'validation' });
  });
});
