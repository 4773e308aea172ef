/**
 * The one DynamoDB table, declared once as plain data: the CDK stateful stack and the
 * local host (CreateTable against DynamoDB Local) both build the table from it.
 * Key formats live in functions/adapters/table-keys.ts.
 */
export interface KeySchema {
  readonly partitionKey: string;
  readonly sortKey: string;
}

export interface IndexDefinition extends KeySchema {
  readonly indexName: string;
  /** The access pattern the index serves. */
  readonly purpose: string;
  /**
   * The non-key attributes the index copies; absent means all of them. Every write of an
   * item is also a write to each index it is in, priced by the projected size: an index
   * that serves only summaries copies only those.
   */
  readonly projectedAttributes?: readonly string[];
}

/** What a case search result shows; the indexes that only serve searches copy just these. */
export const caseSummaryAttributes = ['id', 'number', 'tenant', 'type', 'applicant', 'status', 'createdAt', 'updatedAt', 'dueAt'] as const;

export interface TableDefinition extends KeySchema {
  readonly timeToLiveAttribute: string;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
}

export const tableDefinition: TableDefinition = {
  partitionKey: 'PK',
  sortKey: 'SK',
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    {
      indexName: 'GSI1',
      partitionKey: 'GSI1PK',
      sortKey: 'GSI1SK',
      purpose: "a tenant's cases by status and its open tasks by role, each ordered by due date",
    },
    {
      indexName: 'GSI2',
      partitionKey: 'GSI2PK',
      sortKey: 'GSI2SK',
      purpose: "a tenant's cases by applicant, and a case's tasks",
    },
    {
      indexName: 'GSI3',
      partitionKey: 'GSI3PK',
      sortKey: 'GSI3SK',
      purpose: 'open cases across tenants by due date, for the deadline watcher',
      projectedAttributes: caseSummaryAttributes,
    },
    {
      indexName: 'GSI4',
      partitionKey: 'GSI4PK',
      sortKey: 'GSI4SK',
      purpose: "a tenant's cases by transaction type, in order of submission",
      projectedAttributes: caseSummaryAttributes,
    },
    {
      indexName: 'GSI5',
      partitionKey: 'GSI5PK',
      sortKey: 'GSI5SK',
      purpose: "all of a tenant's cases, in order of submission",
      projectedAttributes: caseSummaryAttributes,
    },
  ],
};
