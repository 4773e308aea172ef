import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { genesisHash } from '../../domain/audit';
import type { AuditEvent, AuditHead } from '../../domain/audit';
import type { Case } from '../../domain/case';
import type { OutboxItem } from '../../domain/effect';
import type { MessageWait } from '../../domain/message-wait';
import type { Task } from '../../domain/task';
import type { CaseChange, TaskWrite } from '../../ports/case-store.port';
import { byArchiveMonth, byAttention, byDueDay, byOwner, byStatus, bySubmission, byTaskId, keyAttributes, keys, withoutKeys } from '../table-keys';

/** How the case aggregate's items look in the table: the one mapping of each domain object to its item. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The head of a case's audit trail, kept on the case item: the next event links to it, and verification checks the trail against it. */
export type { AuditHead };

/**
 * The case's item with its index keys. The applicant index is keyed by the applicant's
 * pseudonym (a keyed hash), so no index key holds a national or enterprise number.
 */
export function caseItem(subject: Case, head: AuditHead, applicantPseudonym: string): Record<string, unknown> {
  return {
    ...keys.case(subject.id),
    ...byStatus.cases(subject.tenant, subject.status, subject.dueAt, subject.id),
    ...byOwner.cases(subject.tenant, applicantPseudonym, subject.createdAt, subject.id),
    ...bySubmission.cases(subject.tenant, subject.type.key, subject.createdAt, subject.id),
    // Only open cases are in the deadline watcher's index.
    ...(subject.closedAt === undefined ? byDueDay.cases(subject.dueAt, subject.id) : {}),
    // Only open cases that need an operator are in the attention index.
    ...(subject.closedAt === undefined && subject.attention ? byAttention.cases(subject.tenant, subject.attention.since, subject.id) : {}),
    // A closed case is in the archive schedule until it is destroyed or found due for transfer to the archive.
    ...(subject.retention && !subject.retention.transferDueSince ? byArchiveMonth.cases(subject.tenant, subject.retention.dueOn, subject.id) : {}),
    entity: 'case',
    ...subject,
    auditHead: head,
  };
}

/**
 * Whether a case item's keys and index keys are the ones its case gives: they are derived, not
 * part of the case's state digest, so an edit of one (moving the case into another tenant's
 * or status's index) is found by deriving them again.
 */
export function caseKeysIntact(item: Record<string, unknown>, subject: Case, applicantPseudonym: string): boolean {
  const derived = caseItem(subject, { sequence: 0, hash: '' }, applicantPseudonym);
  return keyAttributes.every((attribute) => item[attribute] === derived[attribute]);
}

/**
 * The applicant's pseudonym as the case item's applicant index key holds it; undefined when the key is not the
 * tenant's applicant key. A change that keeps the applicant writes it back as it was read, instead of asking for the
 * pseudonym again (on AWS a KMS request in every function that changes a case). Verification does not take it
 * from here: it derives the keys from the case (caseKeysIntact).
 */
export function storedApplicantPseudonym(item: Record<string, unknown>, tenant: string): string | undefined {
  const prefix = byOwner.casesPartition(tenant, '');
  const key = item[byOwner.index.partitionKey];
  return typeof key === 'string' && key.startsWith(prefix) && key.length > prefix.length ? key.slice(prefix.length) : undefined;
}

/** The case's own item, written under a condition: that it is new, or that it still has the version read. */
export function casePut(tableName: string, subject: Case, head: AuditHead, applicantPseudonym: string, expectedVersion?: number): TransactItem {
  const guard =
    expectedVersion === undefined
      ? { ConditionExpression: 'attribute_not_exists(PK)' }
      : {
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        };
  return { Put: { TableName: tableName, Item: caseItem(subject, head, applicantPseudonym), ...guard } };
}

function taskItem(task: Task): Record<string, unknown> {
  return {
    ...keys.task(task.caseId, task.id),
    ...byStatus.tasks(task.tenant, task.role, task.status, task.dueAt, task.id),
    ...byTaskId.task(task.id),
    entity: 'task',
    ...task,
  };
}

/**
 * An audit event's item: the event without what the head it was chained onto holds. Its previous hash and
 * seal are that head's (chainEvent links them), and so is the state it found, unless the case was changed
 * outside the app since; the trail's reader (auditEventsOf) puts them back from the event before it. The
 * hash and the seal cover the whole event, so a trail of such items verifies as a trail of whole ones, and
 * an item that leaves out a link that was not the previous event's no longer matches its hash.
 * Each event keeps some 220 bytes fewer, for as long as the case is kept.
 */
export function auditPut(tableName: string, event: AuditEvent, chainedOnto: AuditHead): TransactItem {
  const { previousHash, previousSeal, previousStateDigest, ...own } = event;
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...keys.auditEvent(event.caseId, event.sequence),
        entity: 'audit',
        ...own,
        ...(previousHash === chainedOnto.hash ? {} : { previousHash }),
        ...(previousSeal === chainedOnto.seal ? {} : { previousSeal }),
        ...(previousStateDigest === chainedOnto.stateDigest ? {} : { previousStateDigest }),
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

/**
 * A case's trail from its audit items, in their order: each event whole again, its links that the item left
 * out (see auditPut) taken from the event before it, the first event's previous hash the genesis hash. Items
 * written whole, before items left links out, read as they were.
 */
export function auditEventsOf(items: readonly Record<string, unknown>[]): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const item of items) {
    const stored = withoutKeys<AuditEvent>(item);
    const previous = events.at(-1);
    const previousSeal = stored.previousSeal ?? previous?.seal;
    const previousStateDigest = stored.previousStateDigest ?? previous?.stateDigest;
    events.push({
      ...stored,
      previousHash: stored.previousHash ?? previous?.hash ?? genesisHash,
      ...(previousSeal === undefined ? {} : { previousSeal }),
      ...(previousStateDigest === undefined ? {} : { previousStateDigest }),
    });
  }
  return events;
}

/** A task's item, conditioned on the task not existing yet, or on it being exactly as it was read. */
export function taskPut(tableName: string, write: TaskWrite): TransactItem {
  if (write.expect === 'new') {
    return { Put: { TableName: tableName, Item: taskItem(write.task), ConditionExpression: 'attribute_not_exists(PK)' } };
  }
  const read = write.expect;
  const assigneeGuard = read.assignee === undefined ? 'attribute_not_exists(#assignee)' : '#assignee = :assignee';
  return {
    Put: {
      TableName: tableName,
      Item: taskItem(write.task),
      ConditionExpression: `#status = :status AND #token = :token AND ${assigneeGuard}`,
      ExpressionAttributeNames: { '#status': 'status', '#token': 'token', '#assignee': 'assignee' },
      ExpressionAttributeValues: {
        ':status': read.status,
        ':token': read.token,
        ...(read.assignee === undefined ? {} : { ':assignee': read.assignee }),
      },
    },
  };
}

export function messageWrites(tableName: string, change: CaseChange): TransactItem[] {
  const writes: TransactItem[] = [];
  if (change.awaitMessage) {
    const wait: MessageWait = change.awaitMessage;
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

/** The item the dispatcher is fed from the table's stream: a new item of entity `outbox`. */
export function outboxPut(tableName: string, item: OutboxItem): TransactItem {
  return {
    Put: {
      TableName: tableName,
      Item: { ...keys.outbox(item.caseId, item.id), entity: 'outbox', ...item },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}
