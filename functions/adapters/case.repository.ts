import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../commons/clients';
import { requireEnv } from '../commons/config';
import { environmentNames } from '../app.declaration';
import { applicantId } from '../domain/applicant';
import type { AuditDraft, AuditEvent } from '../domain/audit';
import { chainEvent, genesisHash } from '../domain/audit';
import type { Case } from '../domain/case';
import { conflict, TransientError } from '../domain/errors';
import type { Task, TaskStatus } from '../domain/task';
import { byDueDay, byOwner, byStatus, keys, withoutKeys } from './table-keys';

const tableName = requireEnv(environmentNames.tableName);

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

interface AuditHead {
  readonly sequence: number;
  readonly hash: string;
}

/** How a task is written with a change: a new task, or an update of one that must still be active. */
export interface TaskWrite {
  readonly task: Task;
  readonly expect: 'new' | 'active';
}

/** What one change to a case writes, all together or not at all. */
export interface CaseChange {
  readonly case: Case;
  readonly audit: AuditDraft;
  readonly tasks?: readonly TaskWrite[];
}

const activeStatuses: readonly TaskStatus[] = ['open', 'claimed'];

function caseItem(subject: Case, head: AuditHead, open: boolean): Record<string, unknown> {
  return {
    ...keys.case(subject.id),
    ...byStatus.cases(subject.tenant, subject.status, subject.dueAt, subject.id),
    ...byOwner.cases(subject.tenant, applicantId(subject.applicant), subject.createdAt, subject.id),
    ...(open ? byDueDay.cases(subject.dueAt, subject.id) : {}),
    entity: 'case',
    ...subject,
    auditHead: head,
  };
}

function taskItem(task: Task): Record<string, unknown> {
  return {
    ...keys.task(task.id),
    ...byStatus.tasks(task.tenant, task.role, task.status, task.dueAt, task.id),
    ...byOwner.tasks(task.caseId, task.createdAt, task.id),
    entity: 'task',
    ...task,
  };
}

function auditItem(event: AuditEvent): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...keys.auditEvent(event.caseId, event.sequence), entity: 'audit', ...event },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

function taskPut(write: TaskWrite): TransactItem {
  const guard =
    write.expect === 'new'
      ? { ConditionExpression: 'attribute_not_exists(PK)' }
      : {
          ConditionExpression: '#status IN (:open, :claimed)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':open': activeStatuses[0], ':claimed': activeStatuses[1] },
        };
  return { Put: { TableName: tableName, Item: taskItem(write.task), ...guard } };
}

function cancellationCodes(error: unknown): string[] | undefined {
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
  }
  return undefined;
}

async function readRecord(id: string): Promise<{ case: Case; head: AuditHead } | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName, Key: keys.case(id), ConsistentRead: true }));
  if (!Item) return undefined;
  const { auditHead, ...rest } = withoutKeys<Case & { auditHead: AuditHead }>(Item);
  return { case: rest, head: auditHead };
}

/**
 * The case aggregate: a case, its tasks and its audit trail. Every change is one
 * TransactWriteItems that bumps the case version under a condition, appends the next
 * hash-chained audit event and writes the tasks it touches.
 */
export const caseRepository = {
  async get(id: string): Promise<Case | undefined> {
    return (await readRecord(id))?.case;
  },

  /** Hands out the next number of a tenant's year atomically; a failed submission leaves a gap, never a duplicate. */
  async nextNumberSequence(tenant: string, year: number): Promise<number> {
    const { Attributes } = await documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.caseNumberCounter(tenant, year),
        UpdateExpression: 'ADD #last :one',
        ExpressionAttributeNames: { '#last': 'last' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Attributes?.last as number;
  },

  /** Writes a new case with its number reservation and first audit event. */
  async create(subject: Case, audit: AuditDraft): Promise<void> {
    const event = chainEvent(subject.id, audit, { sequence: 0, hash: genesisHash });
    await documentClient.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: caseItem(subject, { sequence: event.sequence, hash: event.hash }, true),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.caseNumber(subject.number), entity: 'case-number', caseId: subject.id, tenant: subject.tenant },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
          auditItem(event),
        ],
      }),
    );
  },

  /**
   * Applies `decide` to the current case and saves what it returns in one transaction.
   * A concurrent change of the case makes the transaction fail its version check; then the
   * case is read again and `decide` runs again, a few times, before giving up transiently.
   * A task that is no longer active fails the change for good (a conflict).
   * Returns undefined when the case does not exist, or `decide`'s choice to change nothing.
   */
  async update(
    id: string,
    decide: (current: Case) => CaseChange | undefined,
    options: { isOpenAfter: (changed: Case) => boolean },
  ): Promise<Case | undefined> {
    for (let attempt = 1; ; attempt++) {
      const record = await readRecord(id);
      if (!record) return undefined;
      const change = decide(record.case);
      if (!change) return record.case;
      const changed: Case = { ...change.case, version: record.case.version + 1 };
      const event = chainEvent(id, change.audit, record.head);
      const taskWrites = change.tasks ?? [];
      try {
        await documentClient.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: caseItem(changed, { sequence: event.sequence, hash: event.hash }, options.isOpenAfter(changed)),
                  ConditionExpression: '#version = :expected',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':expected': record.case.version },
                },
              },
              auditItem(event),
              ...taskWrites.map(taskPut),
            ],
          }),
        );
        return changed;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        const taskFailed = codes.slice(2).some((code) => code === 'ConditionalCheckFailed');
        if (taskFailed) throw conflict('the task was completed or cancelled in the meantime');
        if (attempt >= 5) throw new TransientError(`case ${id} kept changing concurrently`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
      }
    }
  },

  async getTask(id: string): Promise<Task | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: tableName, Key: keys.task(id), ConsistentRead: true }));
    return Item ? withoutKeys<Task>(Item) : undefined;
  },

  async tasksOfCase(caseId: string): Promise<Task[]> {
    const { Items = [] } = await documentClient.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: byOwner.index,
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': byOwner.tasksPartition(caseId) },
      }),
    );
    return Items.map((item) => withoutKeys<Task>(item));
  },

  /** A tenant's tasks of the given roles and statuses, soonest due first. */
  async tasksByRole(tenant: string, roles: readonly string[], statuses: readonly TaskStatus[], limit: number): Promise<Task[]> {
    const pages = await Promise.all(
      roles.flatMap((role) =>
        statuses.map((status) =>
          documentClient.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: byStatus.index,
              KeyConditionExpression: 'GSI1PK = :pk',
              ExpressionAttributeValues: { ':pk': byStatus.tasksPartition(tenant, role, status) },
              Limit: limit,
            }),
          ),
        ),
      ),
    );
    return pages
      .flatMap((page) => (page.Items ?? []).map((item) => withoutKeys<Task>(item)))
      .sort((a, b) => (a.dueAt === b.dueAt ? a.id.localeCompare(b.id) : a.dueAt < b.dueAt ? -1 : 1))
      .slice(0, limit);
  },

  /** A case's audit trail in order. */
  async history(caseId: string): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documentClient.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)',
          ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':audit': keys.auditPrefix },
          ExclusiveStartKey: startKey,
          ConsistentRead: true,
        }),
      );
      events.push(...(page.Items ?? []).map((item) => withoutKeys<AuditEvent>(item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return events;
  },
};
