import { describe, expect, test } from '@jest/globals';
import { caseEventType } from '../../../functions/domain/case-event';
import { subscriptionMatches } from '../../../functions/domain/subscription';
import { aCaseEvent, testUlid } from '../../support/in-memory-ports';

const gentCase = { id: testUlid(1), number: '44021-2026-000001', tenant: '44021', type: { key: 'proof-of-residence', version: 1 } };
const event = (subject = gentCase, change = 'status-changed') => aCaseEvent(subject, { id: testUlid(100), change, sequence: '0000000001.00', time: '2026-12-01T10:00:00.000Z' });

describe('which events a subscription receives', () => {
  test("never another tenant's, even with a filter that takes everything", () => {
    expect(subscriptionMatches({ tenant: '44021', eventTypes: [], transactionTypes: [] }, event())).toBe(true);
    expect(subscriptionMatches({ tenant: '41002', eventTypes: [], transactionTypes: [] }, event())).toBe(false);
    expect(subscriptionMatches({ tenant: '41002', eventTypes: [caseEventType('status-changed')], transactionTypes: ['proof-of-residence'] }, event())).toBe(false);
  });

  test('the event types and transaction types it names, each list empty for all', () => {
    const filter = { tenant: '44021', eventTypes: [caseEventType('closed')], transactionTypes: ['event-permit'] };
    expect(subscriptionMatches(filter, event({ ...gentCase, type: { key: 'event-permit', version: 2 } }, 'closed'))).toBe(true);
    expect(subscriptionMatches(filter, event({ ...gentCase, type: { key: 'event-permit', version: 2 } }))).toBe(false);
    expect(subscriptionMatches(filter, event(gentCase, 'closed'))).toBe(false);
  });
});
