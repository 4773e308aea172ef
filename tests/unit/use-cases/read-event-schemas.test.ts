import { describe, expect, test } from '@jest/globals';
import { getEventSchema, listEventSchemas } from '../../../functions/use-cases/read-event-schemas';
import { callerOf } from '../../support/in-memory-ports';

const statusChanged = 'be.loket.case.status-changed.v1';

describe('the event schemas a subscriber reads', () => {
  test.each([['portal'], ['clerk'], ['designer'], ['operator']])('lists every event type Loket publishes, each with what it tells, to a %s', (role) => {
    const listed = listEventSchemas()({ caller: callerOf('44021', [role]) });
    expect(listed).toContainEqual({ type: statusChanged, description: 'A case moved to another status' });
    expect(listed).toContainEqual({ type: 'be.loket.case.destroyed.v1', description: expect.stringContaining('destroyed') });
    expect(listed.length).toBeGreaterThan(15);
    expect(new Set(listed.map((summary) => summary.type)).size).toBe(listed.length);
    // Every listed type has its schema: the list names nothing the schema route would answer 404 for.
    for (const { type } of listed) expect(getEventSchema()({ caller: callerOf('44021', [role]), type })).toMatchObject({ title: type });
  });

  test("one type's schema is the whole CloudEvent, its type fixed, strict", () => {
    const schema = getEventSchema()({ caller: callerOf('44021', ['portal']), type: statusChanged }) as { title: string; properties: Record<string, { const?: unknown }>; additionalProperties: unknown };
    expect(schema.title).toBe(statusChanged);
    expect(schema.properties.type).toMatchObject({ const: statusChanged });
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['specversion', 'id', 'source', 'subject', 'time', 'sequence', 'tenant', 'transactiontype', 'data']));
    expect(schema.additionalProperties).toBe(false);
  });

  test('a type Loket does not publish is not found, by its name', () => {
    expect(() => getEventSchema()({ caller: callerOf('44021', ['clerk']), type: 'be.loket.case.paid.v1' })).toThrow(
      expect.objectContaining({ kind: 'not-found', message: "event type 'be.loket.case.paid.v1' does not exist" }),
    );
    // A known change in another version is another type.
    expect(() => getEventSchema()({ caller: callerOf('44021', ['clerk']), type: 'be.loket.case.status-changed.v2' })).toThrow(expect.objectContaining({ kind: 'not-found' }));
  });

  test('a caller with no API role (a task role, the DPO) is refused both', () => {
    expect(() => listEventSchemas()({ caller: callerOf('44021', ['police']) })).toThrow(expect.objectContaining({ kind: 'forbidden' }));
    expect(() => getEventSchema()({ caller: callerOf('44021', ['dpo']), type: statusChanged })).toThrow(expect.objectContaining({ kind: 'forbidden' }));
  });
});
