import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicUlid } from '../../domain/ulid';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditDraft, AuditEvent, AuditHead } from '../../domain/audit';
import { canonicalJson, chainEvent, genesisHead, headOf, sealMessage } from '../../domain/audit';
import { caseDigest } from '../../domain/audit-trail';
import type { Case } from '../../domain/case';
import type { Effect, OutboxItem } from '../../domain/effect';
import { conflict, notFound, TransientError } from '../../domain/errors';
import type { MessageWait } from '../../domain/message-wait';
import type { Task } from '../../domain/task';
import { applicantId } from '../../domain/applicant';
import { caseEventsOf } from '../case-event.envelope';
import type { CaseStore, Decision, IdempotencyRecord, IdempotencyStore, Outbox } from '../../ports/case-store.port';
import type { AuditSeal } from '../../ports/audit-seal.port';
import type { Pseudonyms } from '../../ports/services.port';
import { changesOf, IdempotencyKeyTaken } from '../../ports/case-store.port';
import type { CaseChange } from '../../ports/case-store.port';
import { byTaskId, keys, withoutKeys } from '../table-keys';
import type { TransactItem } from './case-items';
import { queryAll } from './query-all';
import { auditPut, caseKeysIntact, casePut, messageWrites, outboxPut, storedApplicantPseudonym, taskPut } from './case-items';

const outboxId = monotonicUlid();

/** The outbox items of a change's effects, written in its transaction. */
function outboxPuts(tableName: string, caseId: string, effects: readonly Effect[] | undefined, at: string): TransactItem[] {
  return (effects ?? []).map((effect) => outboxPut(tableName, { id: outboxId(Date.parse(at)), caseId, effect, createdAt: at }));
}

/** Where the case store's events point for their schemas. */
export interface CaseStoreEvents {
  /** The absolute URL of GET /v1/events/schemas. */
  readonly schemasUrl: string;
}

/**
 * The outbox items that publish a change's events (eventsOfChange, from its audit event and the
 * case as saved), written in its transaction after its other effects. An event's id is its
 * outbox item's: one ULID names both, so a redelivered item publishes the same event.
 */
function eventPuts(tableName: string, events: CaseStoreEvents, audit: AuditEvent, saved: Case): TransactItem[] {
  const newId = () => outboxId(Date.parse(audit.at));
  return caseEventsOf(audit, saved, { schemasUrl: events.schemasUrl, newId }).map((event) =>
    outboxPut(tableName, { id: event.id, caseId: saved.id, effect: { kind: 'publish-event', caseId: saved.id, event }, createdAt: audit.at }),
  );
}

/** A case item as read: the case, the head of its audit trail, and the item itself (its index keys). */
interface CaseRecord {
  readonly item: Record<string, unknown>;
  readonly case: Case;
  readonly head: AuditHead;
}

function cancellationCodes(error: unknown): string[] | undefined {
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
  }
  return undefined;
}

/**
 * The case aggregate in DynamoDB. Every change is one TransactWriteItems that bumps the case
 * version under a condition, appends the next hash-chained, sealed audit event (with the
 * digests of the case as read and as written; one event for each part of a change that has
 * parts, see CaseChange.then) with the case's new head, and writes the tasks
 * and message waits it touches, each conditioned on the state that was read, and the outbox
 * items of its effects and of its events (the events published for every change).
 */
export function dynamoCaseStore(
  client: DynamoDBDocumentClient,
  tableName: string,
  pseudonyms: Pseudonyms,
  auditSeal: AuditSeal,
  events: CaseStoreEvents,
): CaseStore & IdempotencyStore & Outbox {
  const applicantKey = (subject: Case) => pseudonyms.of(applicantId(subject.applicant));

  /** Each case this store handed out, with the item it was read from: what a change `from` it starts on. */
  const handedOut = new WeakMap<Case, CaseRecord>();

  /** A case item as the case and the head of its audit trail, which the item keeps beside it. */
  function recordOf(item: Record<string, unknown>): CaseRecord {
    const { auditHead, ...rest } = withoutKeys<Case & { auditHead: AuditHead }>(item);
    const record = { item, case: rest, head: auditHead };
    handedOut.set(record.case, record);
    return record;
  }

  async function readItem(id: string): Promise<CaseRecord | undefined> {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.case(id), ConsistentRead: true }));
    return Item ? recordOf(Item) : undefined;
  }

  /** The next event of the trail, sealed: its seal is the MAC of its seal message, which no table writer can compute. */
  async function sealed(event: Omit<AuditEvent, 'seal'>): Promise<AuditEvent> {
    return { ...event, seal: await auditSeal.seal(sealMessage(event)) };
  }

  /** Whether the item's keys are its case's; a case too mangled to derive them from has none intact. */
  async function keysIntact(item: Record<string, unknown>, subject: Case): Promise<boolean> {
    try {
      return caseKeysIntact(item, subject, await applicantKey(subject));
    } catch {
      return false;
    }
  }

  /** The waits before the task index is asked again for a task it does not hold (yet): 300 ms in all. */
  const indexLagMs = [100, 200];

  // '~' sorts after every character of a ULID: the end of a case's range of tasks.
  const afterTasks = `${keys.taskPrefix}~`;

  async function readTask(caseId: string, id: string): Promise<Task | undefined> {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.task(caseId, id), ConsistentRead: true }));
    return Item ? withoutKeys<Task>(Item) : undefined;
  }

  /** The items of a partition whose sort keys lie between `from` and `to`, read consistently. */
  const partitionRange = (partitionKey: string, from: string, to: string) =>
    queryAll(client, {
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': partitionKey, ':from': from, ':to': to },
      ConsistentRead: true,
    });

  return {
    async get(id) {
      return (await readItem(id))?.case;
    },

    async getWithTasksAndWaits(id) {
      // A case's waits sort just before it in its partition, its tasks just after (AWAIT#… < CASE < CASE#TASK#…): one
      // consistent Query reads all three.
      const { PK, SK } = keys.case(id);
      const items = await partitionRange(PK, keys.messageWaitPrefix, afterTasks);
      const caseItem = items.find((item) => item.SK === SK);
      if (!caseItem) return undefined;
      const waits = items.filter((item) => String(item.SK).startsWith(keys.messageWaitPrefix)).map((item) => withoutKeys<MessageWait>(item));
      const tasks = items.filter((item) => String(item.SK).startsWith(keys.taskPrefix)).map((item) => withoutKeys<Task>(item));
      return { case: recordOf(caseItem).case, tasks, waits };
    },

    async getAudited(id) {
      const record = await readItem(id);
      if (!record) return undefined;
      return { case: record.case, head: record.head, keysIntact: await keysIntact(record.item, record.case) };
    },

    async nextNumberSequence(tenant, year) {
      const { Attributes } = await client.send(
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

    async find(tenant, key) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.idempotency(tenant, key), ConsistentRead: true }));
      return Item ? withoutKeys<IdempotencyRecord>(Item) : undefined;
    },

    async create(subject: Case, audit: AuditDraft, idempotency?: IdempotencyRecord, effects?: readonly Effect[]) {
      const [event, applicant] = await Promise.all([sealed(chainEvent(subject.id, audit, genesisHead, { after: caseDigest(subject) })), applicantKey(subject)]);
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
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              casePut(tableName, subject, headOf(event), applicant),
              {
                Put: {
                  TableName: tableName,
                  // The Idempotency-Key is kept with the number, so that destroying the case finds its record.
                  Item: {
                    ...keys.caseNumber(subject.number),
                    entity: 'case-number',
                    caseId: subject.id,
                    tenant: subject.tenant,
                    ...(idempotency ? { idempotencyKey: idempotency.key } : {}),
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              auditPut(tableName, event, genesisHead),
              // The Idempotency-Key stays fourth: a cancellation at index 3 means a concurrent request holds it.
              ...idempotencyPut,
              ...outboxPuts(tableName, subject.id, effects, audit.at),
              ...eventPuts(tableName, events, event, subject),
            ],
          }),
        );
      } catch (error) {
        const code = idempotency ? cancellationCodes(error)?.[3] : undefined;
        if (code === 'ConditionalCheckFailed' || code === 'TransactionConflict') throw new IdempotencyKeyTaken();
        throw error;
      }
    },

    async change<R>(id: string, decide: (current: Case) => Decision<R> | Promise<Decision<R>>, options?: { readonly from?: Case }): Promise<R> {
      // The case handed in, if this store read it (and it is this case): the first try needs no read of its own.
      let handedIn = options?.from?.id === id ? handedOut.get(options.from) : undefined;
      for (let attempt = 1; ; attempt++) {
        const record = handedIn ?? (await readItem(id));
        handedIn = undefined;
        if (!record) throw notFound(`case ${id}`);
        const decision = await decide(record.case);
        const change = decision.change;
        if (!change) return decision.result(record.case);
        // Each part of the change (see CaseChange.then) chains its own audit event onto the one before it.
        const parts = changesOf(change).map((part) => ({ part, case: { ...part.case, version: record.case.version + 1 } }));
        const changed = parts.at(-1)!.case;
        const chain = async () => {
          const chained: Array<{ event: AuditEvent; onto: AuditHead; case: Case; part: CaseChange }> = [];
          for (const { part, case: after } of parts) {
            const before = chained.length === 0 ? record : { case: chained.at(-1)!.case, head: headOf(chained.at(-1)!.event) };
            chained.push({ event: await sealed(chainEvent(id, part.audit, before.head, { before: caseDigest(before.case), after: caseDigest(after) })), onto: before.head, case: after, part });
          }
          return chained;
        };
        // The applicant's index key as the item has it when the change keeps the applicant (it nearly always does).
        const kept = canonicalJson(changed.applicant) === canonicalJson(record.case.applicant) ? storedApplicantPseudonym(record.item, changed.tenant) : undefined;
        const [chained, applicant] = await Promise.all([chain(), kept ?? applicantKey(changed)]);
        try {
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                casePut(tableName, changed, headOf(chained.at(-1)!.event), applicant, record.case.version),
                ...chained.map(({ event, onto }) => auditPut(tableName, event, onto)),
                ...chained.flatMap(({ part }) => [...(part.tasks ?? []).map((write) => taskPut(tableName, write)), ...messageWrites(tableName, part)]),
                ...chained.flatMap(({ part }) => outboxPuts(tableName, id, part.effects, part.audit.at)),
                ...chained.flatMap(({ event, case: saved }) => eventPuts(tableName, events, event, saved)),
              ],
            }),
          );
          return decision.result(changed);
        } catch (error) {
          const codes = cancellationCodes(error);
          if (!codes) throw error;
          // Items after the case and its audit events are tasks and waits, guarded on the state that was read.
          if (codes.slice(1 + chained.length).some((code) => code === 'ConditionalCheckFailed')) throw conflict('the task or message was handled in the meantime');
          if (attempt >= 5) throw new TransientError(`case ${id} kept changing concurrently`, { cause: error });
          await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
        }
      }
    },

    async messageWait(caseId, name) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.messageWait(caseId, name), ConsistentRead: true }));
      return Item ? withoutKeys<MessageWait>(Item) : undefined;
    },

    async messageWaitsOf(caseId) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :await)',
          ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':await': keys.messageWaitPrefix },
          ConsistentRead: true,
        }),
      );
      return Items.map((item) => withoutKeys<MessageWait>(item));
    },

    async pendingOf(caseId) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :outbox)',
          ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':outbox': keys.outboxPrefix },
          ConsistentRead: true,
        }),
      );
      return Items.map((item) => withoutKeys<OutboxItem>(item));
    },

    async delivered(item) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: keys.outbox(item.caseId, item.id) }));
    },

    async getTask(id) {
      // The index finds the task's case; the task is then read from the table, as it is now. The index is eventually
      // consistent: a task created a moment ago may not be in it yet, so it is asked again a few times before the
      // task is taken not to exist.
      for (let attempt = 0; ; attempt++) {
        const { Items = [] } = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: byTaskId.index.name,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': byTaskId.index.partitionKey },
            ExpressionAttributeValues: { ':pk': byTaskId.partition(id) },
          }),
        );
        const entry = Items[0];
        if (entry) return readTask(byTaskId.caseIdOf(String(entry.PK)), id);
        const wait = indexLagMs[attempt];
        if (wait === undefined) return undefined;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },

    taskOfCase: readTask,

    async tasksOfCase(caseId) {
      const items = await partitionRange(keys.case(caseId).PK, keys.taskPrefix, afterTasks);
      return items.map((item) => withoutKeys<Task>(item));
    },
  };
}
