import { describe, expect, test } from '@jest/globals';
import { caseEventsOf, eventSequence } from '../../../functions/adapters/case-event.envelope';
import { caseEventSchema } from '../../../functions/domain/case-event.schemas';
import { aCase, testUlid } from '../../support/in-memory-ports';

const now = new Date('2026-11-10T09:00:00Z');
const subject = { ...aCase({ id: testUlid(1), typeKey: 'proof-of-residence', now, dueAt: new Date('2026-11-16T22:59:59.999Z') }), status: 'issued', closedAt: now.toISOString() };
const closing = {
  action: 'case.status-changed',
  details: { from: 'under-review', to: 'issued', inform: true, final: true, decision: { outcome: 'issued', decidedBy: 'x', reason: 'free text' } },
  at: now.toISOString(),
  sequence: 12,
};
let next = 100;
const options = { schemasUrl: 'https://api.example/v1/events/schemas', newId: () => testUlid(next++) };

describe('the envelope of a change’s events', () => {
  test('each event is a CloudEvent 1.0 naming the tenant, the case, its schema and its place in the case’s trail', () => {
    const events = caseEventsOf(closing, subject, options);
    expect(events.map((event) => event.type)).toEqual(['be.loket.case.status-changed.v1', 'be.loket.case.decided.v1', 'be.loket.case.closed.v1']);
    expect(events[0]).toMatchObject({
      specversion: '1.0',
      source: 'urn:loket:tenant:44021',
      subject: subject.id,
      time: now.toISOString(),
      datacontenttype: 'application/json',
      dataschema: 'https://api.example/v1/events/schemas/be.loket.case.status-changed.v1',
      sequence: '0000000012.00',
      tenant: '44021',
      transactiontype: 'proof-of-residence',
    });
    expect(events.map((event) => event.sequence)).toEqual(['0000000012.00', '0000000012.01', '0000000012.02']);
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
    for (const [index, event] of events.entries()) expect(caseEventSchema(['status-changed', 'decided', 'closed'][index] as 'decided').safeParse(event).error).toBeUndefined();
  });

  test('sequences sort as strings in the order of the trail (9 before 10, a change’s events in their order)', () => {
    const sequences = [eventSequence(10, 0), eventSequence(9, 1), eventSequence(9, 0), eventSequence(100, 0), eventSequence(10, 11)];
    expect([...sequences].sort()).toEqual([eventSequence(9, 0), eventSequence(9, 1), eventSequence(10, 0), eventSequence(10, 11), eventSequence(100, 0)]);
  });

  test('an envelope that is no valid CloudEvent is refused before it is written: a dataschema that is no URL', () => {
    expect(() => caseEventsOf(closing, subject, { ...options, schemasUrl: 'not a uri' })).toThrow(/dataschema/);
  });

  test('so is one whose time is no instant, or whose tenant cannot be a source', () => {
    expect(() => caseEventsOf({ ...closing, at: '10/11/2026' }, subject, options)).toThrow(/time/);
    expect(() => caseEventsOf(closing, { ...subject, tenant: '44 021' }, options)).toThrow(/source/);
  });

  test('an event carries the CloudEvents attributes and its data, nothing else', () => {
    const [event] = caseEventsOf(closing, subject, options);
    expect(Object.keys(event!).sort()).toEqual(['data', 'datacontenttype', 'dataschema', 'id', 'sequence', 'source', 'specversion', 'subject', 'tenant', 'time', 'transactiontype', 'type']);
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });
});
