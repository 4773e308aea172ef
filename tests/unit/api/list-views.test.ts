import { describe, expect, test } from '@jest/globals';
import * as z from '../../../functions/domain/zod';
import * as api from '../../../functions/api/api.schemas';
import { routes } from '../../../functions/api/routes';
import { caseSummary, caseView, taskSummary } from '../../../functions/api/views';
import { catalogue } from '../../../functions/catalogue/catalogue';
import { completeTask } from '../../../functions/domain/task';
import { casesNeedingAttention, getCase, listTasks, searchCases } from '../../../functions/use-cases/read-cases';
import { aCase, aTask, accessDoubles, callerOf, clerkOf, inMemoryCaseStore, testUlid } from '../../support/in-memory-ports';

/** Fields that hold or may hold personal data: the applicant's number, case data, free text about the person. */
const personalFields = ['applicant', 'insz', 'kbo', 'data', 'reason', 'note', 'givenName', 'familyName', 'name', 'address', 'street', 'documents', 'decision'];

/** Every property name anywhere in a JSON Schema, with its path. */
function propertyPaths(schema: unknown, at = ''): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const own = Object.entries((node.properties as Record<string, unknown> | undefined) ?? {}).flatMap(([name, child]) => [`${at}${name}`, ...propertyPaths(child, `${at}${name}.`)]);
  const nested = Object.entries(node)
    .filter(([key]) => key !== 'properties')
    .flatMap(([, child]) => (Array.isArray(child) ? child.flatMap((each) => propertyPaths(each, at)) : propertyPaths(child, at)));
  return [...own, ...nested];
}

/** The routes that answer a page of items, with the schema of one item. */
const pageRoutes = routes.flatMap((route) => {
  const schema = 'schema' in route.success ? route.success.schema : undefined;
  if (!(schema instanceof z.ZodMiniObject) || !('items' in schema.shape) || !('nextCursor' in schema.shape)) return [];
  return [{ name: route.name, item: (schema.shape.items as z.ZodMiniArray).def.element }];
});

const day = (n: number) => new Date(Date.UTC(2026, 10, n, 10));
const insz = '85073003328';
const kbo = '0999000129';
const note = 'Jan Peeters was not at home, Veldstraat 1';

describe('lists carry no personal data, so listing needs no access record', () => {
  test('every paginated route is checked: the case lists, the task inbox, the processing log and the deliveries of a subscription', () => {
    expect(pageRoutes.map((route) => route.name).sort()).toEqual(
      ['data-subject-processing-log', 'list-cases-needing-attention', 'list-subscription-deliveries', 'list-tasks', 'search-cases', 'search-cases-by-applicant'].sort(),
    );
  });

  test.each(pageRoutes.map((route) => [route.name, route.item] as const))('the items of %s name no personal field', (_name, item) => {
    const fields = propertyPaths(z.toJSONSchema(item, { io: 'output', unrepresentable: 'any' }));
    // A task's `name` is its code in the type (e.g. verify-residence), not a person's name; a case's
    // `attention.reason` is the reconciler's (`execution failed (States.Timeout)`).
    const personal = fields.filter((path) => personalFields.includes(path.split('.').at(-1)!) && !['name', 'attention.reason'].includes(path));
    expect(personal).toEqual([]);
  });

  test('a listed case says whether its applicant is a citizen or a business, never the number', async () => {
    const store = inMemoryCaseStore();
    const access = accessDoubles();
    store.seedCase(aCase({ id: testUlid(1), typeKey: 'proof-of-residence', now: day(2), dueAt: day(9), sequence: 1, applicant: { insz } }));
    store.seedCase(aCase({ id: testUlid(2), typeKey: 'terrace-permit', now: day(3), dueAt: day(20), sequence: 2, applicant: { kbo } }));
    const page = await searchCases({ reads: store, catalogue, ...access })({ caller: clerkOf(), limit: 10, purpose: 'GET /v1/cases' });
    const listed = page.items.map(({ summary, type }) => caseSummary(summary, type, 'nl'));
    expect(listed.map((item) => [item.id, item.applicantKind])).toEqual([
      [testUlid(1), 'citizen'],
      [testUlid(2), 'business'],
    ]);
    expect(JSON.stringify(listed)).not.toMatch(new RegExp(`${insz}|${kbo}`));
    expect(z.strictObject(api.caseSearchPageSchema.shape).safeParse({ items: listed }).success).toBe(true);
    expect(access.processingLog.records).toEqual([]);
  });

  test("the operators' attention list shows no applicant number either", async () => {
    const store = inMemoryCaseStore();
    const flagged = aCase({ id: testUlid(3), typeKey: 'proof-of-residence', now: day(2), dueAt: day(9), applicant: { insz } });
    store.seedCase({ ...flagged, attention: { reason: 'execution failed', since: day(3).toISOString() } });
    const page = await casesNeedingAttention({ reads: store, catalogue })({ caller: callerOf('44021', ['operator']), limit: 10 });
    const listed = page.items.map(({ summary, type }) => caseSummary(summary, type, 'en'));
    expect(listed).toEqual([expect.objectContaining({ id: flagged.id, applicantKind: 'citizen', attention: { reason: 'execution failed', since: day(3).toISOString() } })]);
    expect(JSON.stringify(listed)).not.toContain(insz);
  });

  test("the inbox shows a completion's outcome, who and when, not its reason or data; the case shows them, behind an access record", async () => {
    const store = inMemoryCaseStore();
    const access = accessDoubles();
    const subject = store.seedCase(aCase({ id: testUlid(4), typeKey: 'proof-of-residence', now: day(2), dueAt: day(9), applicant: { insz } }));
    const open = aTask(subject, { id: testUlid(5), name: 'verify-residence', token: 'token', now: day(2), dueAt: day(9) });
    const clerk = clerkOf();
    const done = completeTask(open, { outcome: 'reject', actor: clerk, now: day(3), reason: note, data: { note } })!.task;
    store.seedTask(done);
    const inbox = await listTasks({ reads: store })({ caller: clerk, status: 'completed', limit: 10 });
    const listed = inbox.items.map(taskSummary);
    expect(listed).toEqual([expect.objectContaining({ id: done.id, status: 'completed', completion: { outcome: 'reject', by: clerk.subject, at: day(3).toISOString() } })]);
    expect(JSON.stringify(listed)).not.toContain('Peeters');
    expect(listed[0]).not.toHaveProperty('token');

    const read = await getCase({ cases: store, catalogue, ...access })({ caller: clerk, caseId: subject.id, purpose: 'GET /v1/cases/{id}' });
    const shown = caseView(read.case, read.type, 'nl', read.tasks, read.waits);
    expect(shown.completedTasks).toEqual([expect.objectContaining({ id: done.id, completion: expect.objectContaining({ reason: note, data: { note } }) })]);
    expect(shown.openTasks).toEqual([]);
    expect(access.processingLog.records).toEqual([expect.objectContaining({ caseId: subject.id, action: 'case.read' })]);
  });
});
