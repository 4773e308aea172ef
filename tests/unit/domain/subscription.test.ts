import { describe, expect, test } from '@jest/globals';
import { caseEventType } from '../../../functions/domain/case-event';
import { callbackUrlProblem, generateSecret, isUsableSecret, subscriptionMatches } from '../../../functions/domain/subscription';
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

describe('a signing secret', () => {
  const key = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;

  test('a generated one is usable and new each time', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(isUsableSecret(secret)).toBe(true);
    expect(generateSecret()).not.toBe(secret);
  });

  test('a given one is usable with 24 to 64 bytes of key, in the whsec_ form', () => {
    expect([23, 24, 64, 65].map((bytes) => isUsableSecret(key(bytes)))).toEqual([false, true, true, false]);
    expect(isUsableSecret(key(32).slice('whsec_'.length))).toBe(false);
    expect(isUsableSecret(`whsec-${key(32).slice('whsec_'.length)}`)).toBe(false);
  });

  test('a key whose base64 is not its own canonical form is refused, so that what is stored is what signs', () => {
    // 25 bytes end in one base64 character with four spare bits: 'w' sets none, 'x' sets one and decodes to the same bytes.
    const canonical = key(25);
    expect(canonical.endsWith('Bw==')).toBe(true);
    expect(isUsableSecret(canonical)).toBe(true);
    const sloppy = canonical.replace(/Bw==$/, 'Bx==');
    expect(Buffer.from(sloppy.slice('whsec_'.length), 'base64')).toEqual(Buffer.from(canonical.slice('whsec_'.length), 'base64'));
    expect(isUsableSecret(sloppy)).toBe(false);
  });
});

describe('a callback URL', () => {
  test('on AWS must be https', () => {
    expect(callbackUrlProblem('https://hooks.example.be/loket', 'public-https')).toBeUndefined();
    expect(callbackUrlProblem('http://hooks.example.be/loket', 'public-https')).toBe('must be an https URL');
  });

  test('on the local host may be http too, but no other scheme', () => {
    expect(callbackUrlProblem('http://localhost:4000/hook', 'local-network')).toBeUndefined();
    expect(callbackUrlProblem('https://localhost:4000/hook', 'local-network')).toBeUndefined();
    expect(callbackUrlProblem('ftp://localhost/hook', 'local-network')).toBe('must be an http or https URL');
  });

  test('is refused when it is no URL, carries credentials or has a fragment', () => {
    expect(callbackUrlProblem('hooks.example.be/loket', 'public-https')).toBe('is not a URL');
    expect(callbackUrlProblem('https://user@hooks.example.be/loket', 'public-https')).toBe('must not carry a user name or password');
    expect(callbackUrlProblem('https://:secret@hooks.example.be/loket', 'public-https')).toBe('must not carry a user name or password');
    expect(callbackUrlProblem('https://hooks.example.be/loket#top', 'public-https')).toBe('must not have a fragment');
  });
});
