import { describe, expect, test } from '@jest/globals';
import { caseEventSource, caseEventType } from '../../../functions/domain/case-event';
import { caseEventJsonSchema, caseEventSchema, changeOfEventType } from '../../../functions/domain/case-event.schemas';
import { aCaseEvent, testUlid } from '../../support/in-memory-ports';

const gentCase = { id: testUlid(1), number: '44021-2026-000001', tenant: '44021', type: { key: 'proof-of-residence', version: 1 } };
const submitted = aCaseEvent(gentCase, { id: testUlid(100), change: 'submitted', sequence: '0000000001.00', time: '2026-12-01T10:00:00.000Z', data: { status: 'submitted' } });

describe('an event type', () => {
  test('is named after its change and version, and its source after the tenant', () => {
    expect(caseEventType('status-changed')).toBe('be.loket.case.status-changed.v1');
    expect(caseEventType('closed', 2)).toBe('be.loket.case.closed.v2');
    expect(caseEventSource('44021')).toBe('urn:loket:tenant:44021');
  });

  test('tells its change back; a type of another version or vendor is no case event of this one', () => {
    expect(changeOfEventType('be.loket.case.closed.v1')).toBe('closed');
    expect(changeOfEventType('be.loket.case.status-changed.v1')).toBe('status-changed');
    expect(changeOfEventType('be.loket.case.closed.v2')).toBeUndefined();
    expect(changeOfEventType('be.loket.case.teleported.v1')).toBeUndefined();
  });
});

describe("an event's schema", () => {
  // Built inside each test, not when the file loads: the mutation run credits each test with the schema code it ran.
  const accepts = (event: object) => caseEventSchema('submitted').safeParse(event).success;

  test('takes a whole event of its type as Loket publishes it', () => {
    expect(accepts(submitted)).toBe(true);
  });

  test('refuses another type, a source that is no tenant URN, and an attribute Loket does not declare', () => {
    expect(accepts({ ...submitted, type: caseEventType('closed') })).toBe(false);
    for (const source of ['loket:tenant:44021', 'x-urn:loket:tenant:44021', 'urn:loket:tenant:44021/x', 'urn:loket:tenant:', 'urn:loket:tenant:44 021']) expect(accepts({ ...submitted, source })).toBe(false);
    expect(accepts({ ...submitted, source: 'urn:loket:tenant:vlaanderen-44021' })).toBe(true);
    expect(accepts({ ...submitted, traceparent: '00-abc' })).toBe(false);
  });

  test('takes only a sequence of ten digits, a dot and two, the form that sorts as text', () => {
    for (const sequence of ['1.00', '0000000001.0', '0000000001.000', 'x0000000001.00', '0000000001.00x', '000000000a.00', '0000000001.0a', '0000000001-00']) {
      expect([sequence, accepts({ ...submitted, sequence })]).toEqual([sequence, false]);
    }
  });

  test('refuses data that carries more than ids and codes', () => {
    expect(accepts({ ...submitted, data: { ...submitted.data, reason: 'Verhuisd naar Kerkstraat 5' } })).toBe(false);
  });

  test('as JSON Schema is titled with its type and describes the event', () => {
    const json = caseEventJsonSchema('closed');
    expect(json.title).toBe('be.loket.case.closed.v1');
    expect(json).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', additionalProperties: false });
    expect(typeof json.description).toBe('string');
    expect((json.properties as Record<string, { const?: string }>).type?.const).toBe('be.loket.case.closed.v1');
  });

  test("says what the envelope's own fields mean to a consumer: the id, source, subject, schema and sequence", () => {
    const properties = caseEventJsonSchema('submitted').properties as Record<string, { description?: string }>;
    const described = Object.fromEntries(['id', 'source', 'subject', 'dataschema', 'sequence'].map((name) => [name, properties[name]?.description]));
    expect(described).toEqual({
      id: 'A ULID, unique per event; a redelivery keeps it',
      source: 'The tenant whose case changed',
      subject: 'The case id',
      dataschema: 'Where this schema is served',
      sequence: "The case's audit sequence of the change and the event's place in it: events of a case sort in this order",
    });
  });
});
