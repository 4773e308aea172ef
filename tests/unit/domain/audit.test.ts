import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { AuditDraft, AuditEvent } from '../../../functions/domain/audit';
import { chainEvent, genesisHash, verifyChain } from '../../../functions/domain/audit';

const draft = (action: string, details: Record<string, unknown> = {}): AuditDraft => ({
  action,
  actor: { kind: 'system', component: 'test' },
  at: '2026-11-28T10:00:00.000Z',
  details,
});

function chain(drafts: AuditDraft[]): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const d of drafts) events.push(chainEvent('case-1', d, events.at(-1) ?? { sequence: 0, hash: genesisHash }));
  return events;
}

describe('the audit hash chain', () => {
  test('numbers events from 1 and links each to the previous hash', () => {
    const events = chain([draft('case.submitted'), draft('case.status-changed'), draft('task.created')]);
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3]);
    expect(events[0]?.previousHash).toBe(genesisHash);
    expect(events[1]?.previousHash).toBe(events[0]?.hash);
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    expect(verifyChain(events)).toBe(true);
  });

  test('does not depend on the order of properties', () => {
    const a = chainEvent('c', draft('x', { a: 1, b: 2 }), { sequence: 0, hash: genesisHash });
    const b = chainEvent('c', draft('x', { b: 2, a: 1 }), { sequence: 0, hash: genesisHash });
    expect(a.hash).toBe(b.hash);
  });

  test('detects a changed detail, a removed event and a reordering', () => {
    const events = chain([draft('one'), draft('two', { outcome: 'approve' }), draft('three')]);
    const tampered = events.map((e, i) => (i === 1 ? { ...e, details: { outcome: 'reject' } } : e));
    expect(verifyChain(tampered)).toBe(false);
    expect(verifyChain([events[0]!, events[2]!])).toBe(false);
    expect(verifyChain([events[1]!, events[0]!, events[2]!])).toBe(false);
  });

  test('any edit of any event breaks verification', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.string({ minLength: 1, maxLength: 8 }),
        (actions, index, replacement) => {
          const events = chain(actions.map((action) => draft(action)));
          const at = index % events.length;
          fc.pre(events[at]!.action !== replacement);
          const edited = events.map((e, i) => (i === at ? { ...e, action: replacement } : e));
          return verifyChain(events) && !verifyChain(edited);
        },
      ),
    );
  });
});
