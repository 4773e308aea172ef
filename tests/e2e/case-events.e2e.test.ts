import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import Ajv from 'ajv';
import { catalogue } from '../../functions/catalogue/catalogue';
import type { CaseEvent } from '../../functions/domain/case-event';
import { caseEventType } from '../../functions/domain/case-event';
import { bookkeepingActions } from '../../functions/domain/case-change-events';
import { caseEventChanges } from '../../functions/domain/case-event.schemas';
import { allTaskRoles, driveToFinal } from '../support/case-driver';
import { findPersonalData, fixturePersonalData, reportFindings } from '../support/personal-data';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * The contract of the case events, on the local stack: cases driven from submission to closing
 * through the API publish, through the outbox and the local EventBridge endpoint, one CloudEvent
 * per change (or a few), each valid against the JSON Schema its `dataschema` names and the API
 * serves, in the order of the case's audit trail, with ids and codes only.
 */
let stack: TestStack;
let portal: string;
let worker: string;
let clerk: string;

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001, maxWaitSeconds: 0.05, reconcileIntervalMs: 500, logLevel: 'ERROR' });
  [portal, worker, clerk] = await Promise.all([
    stack.token({ tenant: '44021', roles: ['portal'], subject: 'portal@gent' }),
    stack.token({ tenant: '44021', roles: allTaskRoles, subject: 'worker@gent' }),
    stack.token({ tenant: '44021', roles: ['clerk', ...allTaskRoles], subject: 'clerk@gent' }),
  ]);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const exampleOf = (key: string) => catalogue.find(key)!.example as { type: string; applicant: Record<string, string>; data: unknown };

async function submit(key: string): Promise<string> {
  const response = await stack.call('POST', '/v1/cases', { token: portal, body: exampleOf(key) });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

/** The case events on the bus (the detail of each entry), in the order they were published. */
const caseEventsOnBus = () =>
  stack.events.filter((entry) => entry.detailType.startsWith('be.loket.case.')).map((entry) => ({ entry, event: entry.detail as CaseEvent }));
const eventsOf = (caseId: string) => caseEventsOnBus().filter(({ event }) => event.subject === caseId).map(({ event }) => event);
const auditSequenceOf = (event: CaseEvent) => Number(event.sequence.split('.')[0]);

/** Audit actions that publish nothing on purpose: the workflow's bookkeeping. */
const silentActions: readonly string[] = [...bookkeepingActions];

const cases: Record<string, string> = {};

describe('cases driven from submission to closing', () => {
  beforeAll(async () => {
    // A certificate with a payment message, a permit for a business, and an event permit a clerk suspends, extends and that is withdrawn.
    cases.parking = await submit('resident-parking-permit');
    cases.terrace = await submit('terrace-permit');
    cases.event = await submit('event-permit');
    const reason = 'Testa Fixture-Gent came to the desk at Voorbeeldstraat 1';
    await Promise.all([
      driveToFinal(stack, cases.parking, { portal, worker }, { reason }, 60_000),
      driveToFinal(stack, cases.terrace, { portal, worker }, { reason }, 60_000),
    ]);
    const task = await eventually(
      async () => (await stack.call('GET', `/v1/cases/${cases.event}`, { token: portal })).body,
      (current) => (current?.openTasks ?? []).length > 0,
      30_000,
    );
    expect((await stack.call('POST', `/v1/tasks/${task.openTasks[0].id}/claim`, { token: clerk })).status).toBe(200);
    const act = async (action: string, body: Record<string, unknown>) =>
      expect((await stack.call('POST', `/v1/cases/${cases.event}/${action}`, { token: action === 'withdraw' ? portal : clerk, body })).status).toBe(200);
    await act('suspend', { reason: 'Waiting for Testa Fixture-Gent' });
    await act('resume', { reason: 'Testa Fixture-Gent called back' });
    await act('extend', { days: 5, reason: 'The police advice about Fixture-Gent takes longer' });
    await act('withdraw', { reason: 'Testa Fixture-Gent moved away' });
    // Every change is committed; its events reach the bus once the dispatcher delivered their outbox items.
    await eventually(
      async () => Object.values(cases).map((id) => eventsOf(id).some((event) => event.type === caseEventType('closed'))),
      (closed) => closed.every(Boolean),
      30_000,
    );
  }, 180_000);

  test('every event is valid against the JSON Schema its dataschema names, as the API serves it', async () => {
    const ajv = new Ajv({ allErrors: true });
    const validators = new Map<string, ReturnType<typeof ajv.compile>>();
    const events = Object.values(cases).flatMap(eventsOf);
    expect(events.length).toBeGreaterThan(20);
    for (const event of events) {
      if (!validators.has(event.dataschema)) {
        expect(event.dataschema).toBe(`${stack.apiUrl}/v1/events/schemas/${event.type}`);
        const served = await stack.call('GET', new URL(event.dataschema).pathname, { token: portal });
        expect(served.status).toBe(200);
        validators.set(event.dataschema, ajv.compile(served.body));
      }
      const validate = validators.get(event.dataschema)!;
      expect({ type: event.type, valid: validate(event), errors: validate.errors ?? null }).toEqual({ type: event.type, valid: true, errors: null });
    }
    // A schema refuses what it does not declare: a reason slipped into the data would not pass.
    const [first] = events;
    const validate = validators.get(first!.dataschema)!;
    expect(validate({ ...first, data: { ...first!.data, reason: 'free text' } })).toBe(false);
  });

  test('the bus entries carry the tenant as source, the event type as detail type and the CloudEvent as detail', () => {
    for (const { entry, event } of caseEventsOnBus().filter(({ event }) => Object.values(cases).includes(event.subject))) {
      expect(entry).toMatchObject({ source: 'urn:loket:tenant:44021', detailType: event.type, eventBusName: 'loket' });
      expect(event).toMatchObject({ specversion: '1.0', source: 'urn:loket:tenant:44021', tenant: '44021', datacontenttype: 'application/json' });
      expect(event.data).toMatchObject({ caseId: event.subject, tenant: '44021' });
    }
  });

  test('each case’s events come in the order of its audit trail, each id once, and every change of the trail is published', async () => {
    for (const [label, id] of Object.entries(cases)) {
      const events = eventsOf(id);
      const sequences = events.map((event) => event.sequence);
      expect({ label, sequences }).toEqual({ label, sequences: [...sequences].sort() });
      expect(new Set(sequences).size).toBe(sequences.length);
      expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
      const history = await stack.call('GET', `/v1/cases/${id}/history`, { token: portal });
      expect(history.status).toBe(200);
      const changes = (history.body.items as Array<{ sequence: number; action: string }>).filter((item) => !silentActions.includes(item.action));
      expect({ label, published: [...new Set(events.map(auditSequenceOf))] }).toEqual({ label, published: changes.map((item) => item.sequence) });
    }
  });

  test('the events tell each case’s story: submitted first, closed last, and what happened between', () => {
    const changes = (id: string) => eventsOf(id).map((event) => event.type.replace(/^be\.loket\.case\.(.+)\.v1$/, '$1'));
    for (const id of [cases.parking!, cases.terrace!]) {
      const story = changes(id);
      expect(story[0]).toBe('submitted');
      expect(story.at(-1)).toBe('closed');
      expect(story).toEqual(expect.arrayContaining(['status-changed', 'task-created', 'task-completed', 'message-awaited', 'message-received', 'decided', 'document-issued']));
    }
    expect(changes(cases.event!)).toEqual(expect.arrayContaining(['submitted', 'task-created', 'task-claimed', 'suspended', 'resumed', 'extended', 'withdrawn', 'closed']));
    const informed = eventsOf(cases.parking!).filter((event) => event.type === caseEventType('status-changed'));
    expect(informed.every((event) => typeof event.data.inform === 'boolean')).toBe(true);
    expect(informed.some((event) => event.data.inform === true)).toBe(true);
  });

  test('no event holds an INSZ, a KBO number, a name or an address of the fixture people and businesses, nor what the clerks typed', () => {
    const text = JSON.stringify(caseEventsOnBus().map(({ event }) => event));
    expect(reportFindings(findPersonalData('case events', text, fixturePersonalData()))).toBe('');
    expect(text).not.toMatch(/desk|moved away|called back|takes longer/);
  });

  test('the workflows still publish CaseClosed.v1 beside them (superseded by be.loket.case.closed.v1)', () => {
    expect(stack.events.some((entry) => entry.detailType === 'CaseClosed.v1' && (entry.detail as { caseId: string }).caseId === cases.parking)).toBe(true);
  });
});

describe('GET /v1/events/schemas', () => {
  test('lists every event type with where its schema is served, for any API role', async () => {
    const listed = await stack.call('GET', '/v1/events/schemas', { token: clerk });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((item: { type: string }) => item.type)).toEqual(caseEventChanges.map((change) => caseEventType(change)));
    expect(listed.body.items[0]).toEqual({ type: 'be.loket.case.submitted.v1', description: expect.any(String), href: '/v1/events/schemas/be.loket.case.submitted.v1' });
  });

  test('an unknown event type is a 404 problem, and a malformed one names nothing', async () => {
    for (const type of ['be.loket.case.unknown.v1', 'CaseClosed.v1']) {
      const answer = await stack.call('GET', `/v1/events/schemas/${type}`, { token: portal });
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  test('needs a token', async () => {
    expect((await stack.call('GET', '/v1/events/schemas')).status).toBe(401);
  });
});
