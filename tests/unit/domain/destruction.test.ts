import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import type { Actor } from '../../../functions/domain/actor';
import type { Case } from '../../../functions/domain/case';
import { canonicalJson } from '../../../functions/domain/audit';
import type { CaseRemains } from '../../../functions/domain/destruction';
import { beginDestruction, destroyedItems, remainsDigest } from '../../../functions/domain/destruction';
import type { OutboxItem } from '../../../functions/domain/effect';
import type { MessageWait } from '../../../functions/domain/message-wait';
import type { Task } from '../../../functions/domain/task';
import { aCase, testUlid } from '../../support/in-memory-ports';

const opened = aCase({ id: testUlid(1), typeKey: 'proof-of-residence', now: new Date('2026-11-02T10:00:00Z'), dueAt: new Date('2026-11-20T22:59:59.999Z') });
const closed: Case = { ...opened, status: 'issued', closedAt: '2026-11-05T10:00:00.000Z', retention: { action: 'destroy', years: 3, dueOn: '2029-11-05' } };
const retentionJob: Actor = { kind: 'system', component: 'retention' };
const afterDue = new Date('2029-11-06T10:00:00Z');

// Only the keys the digest sorts by matter here: the items stand in for what the store returns.
const tasks = [{ id: testUlid(11) }, { id: testUlid(12) }, { id: testUlid(13) }] as unknown as Task[];
const messageWaits = [{ name: 'documents-supplied' }, { name: 'payment-received' }] as unknown as MessageWait[];
const outbox = [{ id: testUlid(21) }, { id: testUlid(22) }] as unknown as OutboxItem[];
const remains: CaseRemains = {
  case: closed,
  tasks,
  messageWaits,
  outbox,
  references: [
    { kind: 'case-number', value: closed.number },
    { kind: 'idempotency-key', value: 'key-a' },
    { kind: 'idempotency-key', value: 'key-b' },
  ],
  documentKeys: ['documents/44021/x/C-1.pdf', 'documents/44021/x/C-2.pdf'],
};

describe('what a destruction removes', () => {
  test('counts each kind of item, case numbers and idempotency keys apart', () => {
    expect(destroyedItems(remains)).toEqual({ cases: 1, tasks: 3, messageWaits: 2, outboxItems: 2, caseNumbers: 1, idempotencyKeys: 2, documents: 2 });
  });
});

describe('the digest of the remains', () => {
  test('is a SHA-256 in hex', () => {
    expect(remainsDigest(remains)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('is the SHA-256 of the canonical JSON of the remains, each list in ascending key order', () => {
    // The lists above are written in ascending order of their keys (id, name, kind#value, the key itself).
    const canonical = canonicalJson({ case: closed, tasks, messageWaits, outbox, references: remains.references, documentKeys: remains.documentKeys });
    const reversed = { ...remains, tasks: [...tasks].reverse(), messageWaits: [...messageWaits].reverse(), documentKeys: [...remains.documentKeys].reverse() };
    expect(remainsDigest(reversed)).toBe(`sha256:${createHash('sha256').update(canonical).digest('hex')}`);
  });

  test('does not depend on the order in which the store returned each list', () => {
    const reversed: CaseRemains = {
      ...remains,
      tasks: [...remains.tasks].reverse(),
      messageWaits: [...remains.messageWaits].reverse(),
      outbox: [...remains.outbox].reverse(),
      references: [...remains.references].reverse(),
      documentKeys: [...remains.documentKeys].reverse(),
    };
    const rotated: CaseRemains = { ...remains, tasks: [tasks[1]!, tasks[2]!, tasks[0]!], references: [remains.references[1]!, remains.references[2]!, remains.references[0]!] };
    expect(remainsDigest(reversed)).toBe(remainsDigest(remains));
    expect(remainsDigest(rotated)).toBe(remainsDigest(remains));
  });

  test('changes when any item is left out', () => {
    const digest = remainsDigest(remains);
    expect(remainsDigest({ ...remains, tasks: tasks.slice(1) })).not.toBe(digest);
    expect(remainsDigest({ ...remains, references: remains.references.slice(0, 2) })).not.toBe(digest);
    expect(remainsDigest({ ...remains, documentKeys: remains.documentKeys.slice(1) })).not.toBe(digest);
  });
});

describe('beginning a destruction', () => {
  test('refuses a case that is not closed, though its retention is due', () => {
    const open = (({ closedAt: _closedAt, ...rest }) => rest)(closed) as Case;
    expect(() => beginDestruction({ ...remains, case: open }, retentionJob, afterDue)).toThrow(
      expect.objectContaining({ kind: 'conflict', message: `case ${closed.number} is not closed` }),
    );
  });

  test('refuses a closed case without a retention', () => {
    const unkept = (({ retention: _retention, ...rest }) => rest)(closed) as Case;
    expect(() => beginDestruction({ ...remains, case: unkept }, retentionJob, afterDue)).toThrow(`case ${closed.number} is not closed`);
  });

  test('marks a closed, due case as being destroyed and writes its tombstone', () => {
    const { case: marked, audit } = beginDestruction(remains, retentionJob, afterDue);
    expect(marked.retention?.destroyingSince).toBe(afterDue.toISOString());
    expect(audit).toMatchObject({ action: 'case.destroyed', details: { destroyed: destroyedItems(remains), digest: remainsDigest(remains) } });
  });
});
