import { beforeEach, describe, expect, test } from '@jest/globals';
import type { Case } from '../../../functions/domain/case';
import { decisionOf } from '../../../functions/use-cases/decision';
import type { InMemoryCaseStore } from '../../support/in-memory-ports';
import { aCase, aTask, inMemoryCaseStore, testUlid } from '../../support/in-memory-ports';

let store: InMemoryCaseStore;
let subject: Case;
const now = new Date('2026-11-09T10:00:00Z');
const dueAt = new Date('2026-11-16T22:59:59.999Z');

beforeEach(() => {
  store = inMemoryCaseStore();
  subject = store.seedCase(aCase({ id: testUlid(1), typeKey: 'proof-of-residence', applicant: { insz: '85073003328' }, now, dueAt }));
});

const taskOf = (id: number, completion?: { outcome: string; by: string; at: string; reason?: string }) =>
  store.seedTask({ ...aTask(subject, { id: testUlid(id), name: 'verify-residence', token: `token-${id}`, now, dueAt }), ...(completion ? { status: 'completed' as const, completion } : {}) });

describe('the decision a workflow step reports', () => {
  test("takes the reason the clerk gave with the completion of the task the step names", async () => {
    const task = taskOf(50, { outcome: 'approve', by: 'clerk@gent', at: '2026-11-10T09:00:00.000Z', reason: 'spoke with the applicant' });
    expect(await decisionOf(store, subject.id, { outcome: 'approved', decidedBy: 'clerk@gent', taskId: task.id })).toEqual({ outcome: 'approved', decidedBy: 'clerk@gent', reason: 'spoke with the applicant' });
  });

  test('has no reason when the named task does not exist, is still open, or belongs to another case', async () => {
    const open = taskOf(51);
    const other = store.seedCase(aCase({ id: testUlid(2), typeKey: 'proof-of-residence', applicant: { insz: '17073003384' }, sequence: 2, now, dueAt }));
    const elsewhere = store.seedTask({
      ...aTask(other, { id: testUlid(52), name: 'verify-residence', token: 'token-52', now, dueAt }),
      status: 'completed',
      completion: { outcome: 'approve', by: 'clerk@gent', at: '2026-11-10T09:00:00.000Z', reason: 'about someone else' },
    });
    for (const taskId of [testUlid(99), open.id, elsewhere.id]) {
      expect(await decisionOf(store, subject.id, { outcome: 'approved', decidedBy: 'clerk@gent', taskId })).toEqual({ outcome: 'approved', decidedBy: 'clerk@gent' });
    }
  });

  test('a decision that names no task is recorded without reading the tasks at all, even when they cannot be read', async () => {
    const unreadable = {
      taskOfCase: async (): Promise<never> => {
        throw new Error('table unavailable');
      },
    };
    expect(await decisionOf(unreadable, subject.id, { outcome: 'rejected', decidedBy: 'workflow' })).toEqual({ outcome: 'rejected', decidedBy: 'workflow' });
    expect(await decisionOf(unreadable, subject.id, { outcome: 'rejected', decidedBy: 'workflow', reason: 'the deadline passed' })).toEqual({ outcome: 'rejected', decidedBy: 'workflow', reason: 'the deadline passed' });
  });
});
