import { describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import { systemActor } from '../../../functions/domain/actor';
import type { Case } from '../../../functions/domain/case';
import { transition } from '../../../functions/domain/case';
import type { CaseRemains } from '../../../functions/domain/destruction';
import { beginDestruction, markTransferDue, remainsDigest } from '../../../functions/domain/destruction';
import { addYears, isRetentionDue, retentionOnClosing } from '../../../functions/domain/retention';
import { aCase, aTask, testUlid } from '../../support/in-memory-ports';

const actor = systemActor('test');
const submittedAt = new Date('2026-11-09T10:00:00Z');
const proofType = catalogue.find('proof-of-residence')!;

function closedProof(at = new Date('2026-11-10T09:00:00Z')): Case {
  const open = aCase({ id: testUlid(1), typeKey: 'proof-of-residence', now: submittedAt, dueAt: new Date('2026-11-16T22:59:59.999Z') });
  return transition(open, proofType, { status: 'rejected', actor, now: at }).case;
}

const remainsOf = (subject: Case, overrides: Partial<CaseRemains> = {}): CaseRemains => ({
  case: subject,
  tasks: [aTask(subject, { id: testUlid(10), name: 'verify-residence', token: 't', now: submittedAt, dueAt: submittedAt })],
  messageWaits: [],
  outbox: [],
  references: [{ kind: 'case-number', value: subject.number }],
  documentKeys: ['documents/44021/x/a.pdf', 'documents/44021/x/b.pdf'],
  ...overrides,
});

describe('the retention period', () => {
  test('ends on the same calendar date years later; 29 February moves to 1 March, never a day early', () => {
    expect(addYears('2026-11-10', 5)).toBe('2031-11-10');
    expect(addYears('2028-02-29', 1)).toBe('2029-03-01');
    expect(addYears('2028-02-29', 4)).toBe('2032-02-29');
    expect(() => addYears('10/11/2026', 1)).toThrow(RangeError);
    expect(() => addYears('2026-11-10T00:00:00Z', 1)).toThrow('not an ISO date (YYYY-MM-DD): 2026-11-10T00:00:00Z');
    expect(() => addYears('x2026-11-10', 1)).toThrow('not an ISO date (YYYY-MM-DD): x2026-11-10');
    // A period of no years is due on the day itself.
    expect(addYears('2026-11-10', 0)).toBe('2026-11-10');
  });

  test('counts from the closing date in Brussels, not in UTC', () => {
    expect(retentionOnClosing(proofType, new Date('2026-12-31T23:30:00Z'))).toEqual({ action: 'destroy', years: 5, dueOn: '2032-01-01' });
    expect(retentionOnClosing({ retention: { years: 30, action: 'keep' } }, new Date('2026-06-30T21:59:59Z'))).toEqual({ action: 'keep', years: 30, dueOn: '2056-06-30' });
  });

  test('is due on its last date and after it', () => {
    expect(isRetentionDue({ dueOn: '2031-11-10' }, '2031-11-09')).toBe(false);
    expect(isRetentionDue({ dueOn: '2031-11-10' }, '2031-11-10')).toBe(true);
    expect(isRetentionDue({ dueOn: '2031-11-10' }, '2032-01-01')).toBe(true);
  });

  test('is given when the case reaches a final status, and not before', () => {
    const open = aCase({ id: testUlid(1), typeKey: 'proof-of-residence', now: submittedAt, dueAt: submittedAt });
    const reviewing = transition(open, proofType, { status: 'under-review', actor, now: submittedAt }).case;
    expect(reviewing.retention).toBeUndefined();
    expect(closedProof().retention).toEqual({ action: 'destroy', years: 5, dueOn: '2031-11-10' });
  });
});

describe('the tombstone', () => {
  const due = new Date('2031-11-10T08:00:00Z');

  test('is refused for an open case, a case to keep, and a case not due yet', () => {
    const open = aCase({ id: testUlid(1), typeKey: 'proof-of-residence', now: submittedAt, dueAt: submittedAt });
    expect(() => beginDestruction(remainsOf(open), actor, due)).toThrow(expect.objectContaining({ kind: 'conflict' }));
    const kept = { ...closedProof(), retention: { action: 'keep' as const, years: 5, dueOn: '2031-11-10' } };
    expect(() => beginDestruction(remainsOf(kept), actor, due)).toThrow(/to be kept/);
    expect(() => beginDestruction(remainsOf(closedProof()), actor, new Date('2031-11-09T12:00:00Z'))).toThrow(/ends on 2031-11-10/);
  });

  test('is written once: a case being destroyed gets no second one', () => {
    const marked = beginDestruction(remainsOf(closedProof()), actor, due).case;
    expect(marked.retention?.destroyingSince).toBe('2031-11-10T08:00:00.000Z');
    expect(() => beginDestruction(remainsOf(marked), actor, due)).toThrow(/being destroyed/);
  });

  test('counts what goes and digests it; the digest ignores the order items were read in and changes with any item', () => {
    const remains = remainsOf(closedProof());
    const { audit } = beginDestruction(remains, actor, due);
    expect(audit.details).toMatchObject({
      destroyed: { cases: 1, tasks: 1, messageWaits: 0, outboxItems: 0, caseNumbers: 1, idempotencyKeys: 0, documents: 2 },
      digest: remainsDigest(remains),
    });
    expect(remainsDigest({ ...remains, documentKeys: [...remains.documentKeys].reverse() })).toBe(remainsDigest(remains));
    expect(remainsDigest({ ...remains, documentKeys: remains.documentKeys.slice(1) })).not.toBe(remainsDigest(remains));
    expect(remainsDigest({ ...remains, case: { ...remains.case, data: { purpose: 'other' } } })).not.toBe(remainsDigest(remains));
  });

  test('holds no personal data of the case', () => {
    const subject = closedProof();
    const { audit } = beginDestruction(remainsOf(subject), actor, due);
    const written = JSON.stringify(audit);
    expect(written).not.toContain('insz');
    expect(written).not.toContain(JSON.stringify(subject.applicant));
    expect(written).not.toContain(JSON.stringify(subject.data).slice(1, -1));
  });
});

describe('a case to keep', () => {
  const keep = (subject: Case): Case => ({ ...subject, retention: { action: 'keep', years: 5, dueOn: '2031-11-10' } });

  test('is marked due for transfer once it is due, and only once', () => {
    expect(() => markTransferDue(keep(closedProof()), actor, new Date('2031-11-09T08:00:00Z'))).toThrow(/ends on/);
    const marked = markTransferDue(keep(closedProof()), actor, new Date('2031-11-10T08:00:00Z'));
    expect(marked?.case.retention?.transferDueSince).toBe('2031-11-10T08:00:00.000Z');
    expect(marked?.audit).toMatchObject({ action: 'case.archive-transfer-due', details: { tenant: '44021', rule: { action: 'keep', dueOn: '2031-11-10' } } });
    expect(markTransferDue(marked!.case, actor, new Date('2031-12-01T08:00:00Z'))).toBeUndefined();
  });

  test('a case to destroy is never marked for transfer', () => {
    expect(() => markTransferDue(closedProof(), actor, new Date('2031-11-10T08:00:00Z'))).toThrow(/to be destroyed/);
  });
});

test('a retention period that is no whole number of years is refused, naming it', () => {
  expect(() => addYears('2026-12-01', 1.5)).toThrow('a retention period is a whole number of years, got 1.5');
  expect(() => addYears('2026-12-01', -1)).toThrow('a retention period is a whole number of years, got -1');
});
