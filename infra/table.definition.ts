/**
 * The one DynamoDB table, declared once as plain data: the CDK stateful stack and the
 * local host (CreateTable against DynamoDB Local) both build the table from it.
 * Key formats and attribute names live in functions/adapters/table-keys.ts.
 */
import type { IndexKeys } from '../functions/adapters/table-keys';
import { byArchiveMonth, byAttention, byDueDay, byOwner, byStatus, bySubmission, caseSummaryAttributes, deliveryAttributes, openCaseAttributes, tableKeys, taskAttributes } from '../functions/adapters/table-keys';

export interface KeySchema {
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface IndexDefinition extends KeySchema {
  readonly indexName: string;
  /** The access pattern the index serves. */
  readonly purpose: string;
  /**
   * The non-key attributes the index copies; absent means all of them, none means its keys only.
   * Every write of an item is also a write to each index it is in whose copy it changes, priced
   * by the projected size: an index that serves only summaries copies only those.
   */
  readonly projectedAttributes?: readonly string[];
}

/** How an index projects, in DynamoDB's terms (CreateTable and CloudFormation alike). */
export function projectionOf(index: IndexDefinition): { readonly type: 'ALL' } | { readonly type: 'KEYS_ONLY' } | { readonly type: 'INCLUDE'; readonly nonKeyAttributes: readonly string[] } {
  if (index.projectedAttributes === undefined) return { type: 'ALL' };
  return index.projectedAttributes.length === 0 ? { type: 'KEYS_ONLY' } : { type: 'INCLUDE', nonKeyAttributes: index.projectedAttributes };
}


export interface TableDefinition extends KeySchema {
  /**
   * Standard-IA: a case is written a few times and then kept for years (its retention), so what
   * the table costs is mostly storage; this class stores for 60 % less and serves requests for
   * 25 % more (the bench, issue 14: 17 % less per transaction over the types' mix). DynamoDB Local
   * has no classes.
   */
  readonly tableClass: 'STANDARD' | 'STANDARD_INFREQUENT_ACCESS';
  readonly timeToLiveAttribute: string;
  /** What the table's stream carries: the outbox dispatcher reads new items from it. */
  readonly stream: 'NEW_IMAGE';
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
}

const index = (keys: IndexKeys) => ({ indexName: keys.name, partitionKey: keys.partitionKey, sortKey: keys.sortKey });

/**
 * What the two overloaded indexes copy: the summary of a case (searches show no more), and tasks
 * (GSI1's inbox) and webhook deliveries whole. The case's own bulk (its data, documents, status history and audit
 * head) is not copied into them: on every change it was written three times, and kept three times
 * for the case's whole retention (issue 14's bench: a case item of 2.6 KB took 9.1 KB with its copies).
 * Changing an index's projection replaces the index: on a deployed table, CloudFormation replaces
 * one index per update, so this change deploys in two steps there (one index, then the other).
 */
const casesTasksAndDeliveries = [...new Set<string>([...caseSummaryAttributes, ...taskAttributes, ...deliveryAttributes])];

export const tableDefinition: TableDefinition = {
  ...tableKeys,
  tableClass: 'STANDARD_INFREQUENT_ACCESS',
  timeToLiveAttribute: 'expiresAt',
  stream: 'NEW_IMAGE',
  globalSecondaryIndexes: [
    {
      ...index(byStatus.index),
      purpose: "a tenant's cases by status and its open tasks by role, each ordered by due date; pending webhook deliveries by next attempt (sparse)",
      projectedAttributes: casesTasksAndDeliveries,
    },
    {
      ...index(byOwner.index),
      purpose: "a tenant's cases by applicant, and a subscription's deliveries",
      projectedAttributes: casesTasksAndDeliveries,
    },
    {
      ...index(byDueDay.index),
      purpose: 'open cases across tenants by due date, for the deadline watcher',
      // Not the summary: its status and updatedAt change on nearly every write of an open case, and each such write
      // rewrote this copy too. What the reconciler reads changes only with a deadline, a migration or a flag (issue 14).
      projectedAttributes: openCaseAttributes,
    },
    // GSI4 and GSI5 hold keys only: a search by type, or of all cases, reads the summaries of its page from the
    // table (one BatchGetItem). With the summary copied, every status change rewrote both copies: 40 of the 297 write
    // units of a resident parking permit (issue 14's bench, by place). Each is written once, when its case is.
    {
      ...index(bySubmission.typeIndex),
      purpose: "a tenant's cases by transaction type, in order of submission (keys only)",
      projectedAttributes: [],
    },
    {
      ...index(bySubmission.allIndex),
      purpose: "all of a tenant's cases, in order of submission, and a task by its id (keys only)",
      projectedAttributes: [],
    },
    {
      ...index(byAttention.index),
      purpose: "a tenant's open cases that need an operator, longest waiting first (sparse)",
      projectedAttributes: caseSummaryAttributes,
    },
    {
      ...index(byArchiveMonth.index),
      purpose: 'closed cases by the month their retention ends, for the retention job (sparse; no personal data)',
      projectedAttributes: ['id', 'tenant', 'type', 'retention'],
    },
  ],
};
