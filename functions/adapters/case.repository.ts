import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../commons/dynamodb.client';
import { environmentNames, requireEnv } from '../commons/config';
import type { caseSummaryAttributes } from '../../infra/table.definition';
import { applicantId } from '../domain/applicant';
import type { AuditDraft, AuditEvent } from '../domain/audit';
import { chainEvent, genesisHash } from '../domain/audit';
import type { Case } from '../domain/case';
import { conflict, TransientError } from '../domain/errors';
import type { MessageWait } from '../domain/message-wait';
import type { Task, TaskStatus } from '../domain/task';
import { byDueDay, byOwner, byStatus, bySubmission, keys, withoutKeys } from './table-keys';

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
  /** The token the task must still hold: a step that re-ran in the meantime gave it a new one. */
  readonly expectToken?: string;
}

/** What one change to a case writes, all together or not at all. */
export interface CaseChange {
  readonly case: Case;
  readonly audit: AuditDraft;
  readonly tasks?: readonly TaskWrite[];
  /** A step starts waiting for a message (replacing an earlier wait of the same name). */
  readonly awaitMessage?: MessageWait;
  /** A message is delivered: its wait ends, provided it is still the same wait. */
  readonly deliverMessage?: MessageWait;
}

/** The record that ties an Idempotency-Key to the case its first request created. */
export interface IdempotencyRecord {
  readonly tenant: string;
  readonly key: string;
  readonly requestHash: string;
  readonly caseId: string;
  /** Epoch seconds; the table's TTL removes the record after it. */
  readonly expiresAt: number;
}

/** Another request with the same Idempotency-Key created its case first. */
export class IdempotencyKeyTaken extends Error {
  constructor() {
    super('the Idempotency-Key was used by a concurrent request');
    this.name = 'IdempotencyKeyTaken';
  }
}

export interface Page<T> {
  readonly items: T[];
  /** The sort key after which the next page starts; absent on the last page. */
  readonly after?: string;
}

/** A case as the search indexes hold it (see caseSummaryAttributes in the table definition). */
export type CaseSummary = Pick<Case, (typeof caseSummaryAttributes)[number]>;

export interface CaseQuery {
  readonly tenant: string;
  readonly status?: string;
  readonly type?: string;
  readonly applicant?: string;
  readonly limit: number;
  readonly after?: string;
}

interface IndexQuery {
  readonly index: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly partition: string;
  readonly after?: string;
  readonly limit: number;
  readonly filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
}

type Sorted = { sortKey: string; item: Record<string, unknown> };

/**
 * Reads up to limit + 1 matching items of one index partition after a position, page by
 * page while a filter leaves pages short; the extra item tells whether more follow.
 */
async function queryIndex(query: IndexQuery): Promise<{ items: Sorted[] }> {
  const items: Sorted[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: query.index,
        KeyConditionExpression: query.after ? '#pk = :pk AND #sk > :after' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': query.partitionKey, ...(query.after ? { '#sk': query.sortKey } : {}), ...query.filter?.names },
        ExpressionAttributeValues: { ':pk': query.partition, ...(query.after ? { ':after': query.after } : {}), ...query.filter?.values },
        FilterExpression: query.filter?.expression,
        ExclusiveStartKey: startKey,
        Limit: query.limit + 1,
      }),
    );
    for (const item of page.Items ?? []) items.push({ sortKey: String(item[query.sortKey]), item });
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length <= query.limit);
  return { items: items.slice(0, query.limit + 1) };
}

function pageOf<T>(sorted: Sorted[], limit: number): Page<T> {
  const items = sorted.slice(0, limit);
  const more = sorted.length > limit;
  return {
    items: items.map(({ item }) => withoutKeys<T>(item)),
    ...(more && items.length > 0 ? { after: items[items.length - 1]!.sortKey } : {}),
  };
}

const activeStatuses: readonly TaskStatus[] = ['open', 'claimed'];

function caseItem(subject: Case, head: AuditHead): Record<string, unknown> {
  return {
    ...keys.case(subject.id),
    ...byStatus.cases(subject.tenant, subject.status, subject.dueAt, subject.id),
    ...byOwner.cases(subject.tenant, applicantId(subject.applicant), subject.createdAt, subject.id),
    ...bySubmission.cases(subject.tenant, subject.type.key, subject.createdAt, subject.id),
    // Only open cases are in the deadline watcher's index.
    ...(subject.closedAt === undefined ? byDueDay.cases(subject.dueAt, subject.id) : {}),
    entity: 'case',
    ...subject,
    auditHead: head,
  };
}

/** The case's own item, written under a condition: that it is new, or that it still has the version read. */
function casePut(subject: Case, head: AuditHead, expectedVersion?: number): TransactItem {
  const guard =
    expectedVersion === undefined
      ? { ConditionExpression: 'attribute_not_exists(PK)' }
      : {
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        };
  return { Put: { TableName: tableName, Item: caseItem(subject, head), ...guard } };
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
          ConditionExpression: `#status IN (:open, :claimed)${write.expectToken === undefined ? '' : ' AND #token = :token'}`,
          ExpressionAttributeNames: { '#status': 'status', ...(write.expectToken === undefined ? {} : { '#token': 'token' }) },
          ExpressionAttributeValues: {
            ':open': activeStatuses[0],
            ':claimed': activeStatuses[1],
            ...(write.expectToken === undefined ? {} : { ':token': write.expectToken }),
          },
        };
  return { Put: { TableName: tableName, Item: taskItem(write.task), ...guard } };
}

function messageWrites(change: CaseChange): TransactItem[] {
  const writes: TransactItem[] = [];
  if (change.awaitMessage) {
    const wait = change.awaitMessage;
    writes.push({ Put: { TableName: tableName, Item: { ...keys.messageWait(wait.caseId, wait.name), entity: 'message-wait', ...wait } } });
  }
  if (change.deliverMessage) {
    const wait = change.deliverMessage;
    writes.push({
      Delete: {
        TableName: tableName,
        Key: keys.messageWait(wait.caseId, wait.name),
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': wait.token },
      },
    });
  }
  return writes;
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

  async idempotencyRecord(tenant: string, key: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: tableName, Key: keys.idempotency(tenant, key), ConsistentRead: true }),
    );
    return Item ? withoutKeys<IdempotencyRecord>(Item) : undefined;
  },

  /**
   * Writes a new case with its number reservation, its first audit event and, when the
   * request carried one, its Idempotency-Key: all or nothing, so one key makes one case.
   */
  async create(subject: Case, audit: AuditDraft, idempotency?: IdempotencyRecord): Promise<void> {
    const event = chainEvent(subject.id, audit, { sequence: 0, hash: genesisHash });
    const idempotencyPut: TransactItem[] = idempotency
      ? [
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.idempotency(idempotency.tenant, idempotency.key), entity: 'idempotency', ...idempotency },
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ]
      : [];
    try {
      await documentClient.send(
        new TransactWriteCommand({
          TransactItems: [
            casePut(subject, { sequence: event.sequence, hash: event.hash }),
            {
              Put: {
                TableName: tableName,
                Item: { ...keys.caseNumber(subject.number), entity: 'case-number', caseId: subject.id, tenant: subject.tenant },
                ConditionExpression: 'attribute_not_exists(PK)',
              },
            },
            auditItem(event),
            ...idempotencyPut,
          ],
        }),
      );
    } catch (error) {
      const code = idempotency ? cancellationCodes(error)?.[3] : undefined;
      if (code === 'ConditionalCheckFailed' || code === 'TransactionConflict') throw new IdempotencyKeyTaken();
      throw error;
    }
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
              casePut(changed, { sequence: event.sequence, hash: event.hash }, record.case.version),
              auditItem(event),
              ...taskWrites.map(taskPut),
              ...messageWrites(change),
            ],
          }),
        );
        return changed;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        const guarded = codes.slice(2).some((code) => code === 'ConditionalCheckFailed');
        if (guarded) throw conflict('the task or message was handled in the meantime');
        if (attempt >= 5) throw new TransientError(`case ${id} kept changing concurrently`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
      }
    }
  },

  async messageWait(caseId: string, name: string): Promise<MessageWait | undefined> {
    const { Item } = await documentClient.send(
      new GetCommand({ TableName: tableName, Key: keys.messageWait(caseId, name), ConsistentRead: true }),
    );
    return Item ? withoutKeys<MessageWait>(Item) : undefined;
  },

  /** The messages a case's workflow waits for. */
  async messageWaitsOf(caseId: string): Promise<MessageWait[]> {
    const { Items = [] } = await documentClient.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :await)',
        ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':await': keys.messageWaitPrefix },
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => withoutKeys<MessageWait>(item));
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

  /**
   * A tenant's tasks of the given roles and statuses, soonest due first, after a position:
   * each role-and-status partition is read from that position and the results merged.
   */
  async tasksByRole(query: { tenant: string; roles: readonly string[]; statuses: readonly TaskStatus[]; limit: number; after?: string }): Promise<Page<Task>> {
    const partitions = query.roles.flatMap((role) => query.statuses.map((status) => byStatus.tasksPartition(query.tenant, role, status)));
    const pages = await Promise.all(
      partitions.map((partition) =>
        queryIndex({ index: byStatus.index, partitionKey: 'GSI1PK', sortKey: 'GSI1SK', partition, after: query.after, limit: query.limit }),
      ),
    );
    const merged = pages.flatMap((page) => page.items).sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    return pageOf<Task>(merged, query.limit);
  },

  /** A tenant's cases through the index that serves the most selective filter; the others filter within it. */
  async searchCases(query: CaseQuery): Promise<Page<CaseSummary>> {
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const filterOn = (attribute: string, path: string, value: string | undefined) => {
      if (value === undefined) return;
      names[`#${attribute}`] = attribute;
      values[`:${attribute}`] = value;
      filters.push(`${path} = :${attribute}`);
    };
    let source: { index: string; partitionKey: string; sortKey: string; partition: string };
    if (query.applicant !== undefined) {
      source = { index: byOwner.index, partitionKey: 'GSI2PK', sortKey: 'GSI2SK', partition: byOwner.casesPartition(query.tenant, query.applicant) };
      filterOn('status', '#status', query.status);
      filterOn('type', '#type.#key', query.type);
    } else if (query.status !== undefined) {
      source = { index: byStatus.index, partitionKey: 'GSI1PK', sortKey: 'GSI1SK', partition: byStatus.casesPartition(query.tenant, query.status) };
      filterOn('type', '#type.#key', query.type);
    } else if (query.type !== undefined) {
      source = { index: bySubmission.typeIndex, partitionKey: 'GSI4PK', sortKey: 'GSI4SK', partition: bySubmission.typePartition(query.tenant, query.type) };
    } else {
      source = { index: bySubmission.allIndex, partitionKey: 'GSI5PK', sortKey: 'GSI5SK', partition: bySubmission.allPartition(query.tenant) };
    }
    if (names['#type']) names['#key'] = 'key';
    const page = await queryIndex({
      ...source,
      after: query.after,
      limit: query.limit,
      filter: filters.length > 0 ? { expression: filters.join(' AND '), names, values } : undefined,
    });
    return pageOf<CaseSummary>(page.items, query.limit);
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
