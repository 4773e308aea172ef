import { BatchGetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchGetCommandOutput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Task } from '../../domain/task';
import type { CaseReads, CaseSummary, OpenCase, Page } from '../../ports/case-store.port';
import type { Pseudonyms } from '../../ports/services.port';
import type { IndexKeys } from '../table-keys';
import { auditEventsOf } from './case-items';
import { byAttention, byDueDay, byOwner, byStatus, bySubmission, caseSummaryAttributes, keys, tableKeys, withoutKeys } from '../table-keys';
import { queryAll } from './query-all';

interface IndexQuery {
  readonly index: IndexKeys;
  readonly partition: string;
  readonly after?: string;
  readonly limit: number;
  readonly filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> };
}

type Sorted = { sortKey: string; item: Record<string, unknown> };

function pageOf<T>(sorted: Sorted[], limit: number): Page<T> {
  const items = sorted.slice(0, limit);
  const more = sorted.length > limit;
  return {
    items: items.map(({ item }) => withoutKeys<T>(item)),
    ...(more && items.length > 0 ? { after: items[items.length - 1]!.sortKey } : {}),
  };
}

/** The read side of the case aggregate: inboxes, searches and audit trails, each through an index, never a Scan. */
export function dynamoCaseReads(client: DynamoDBDocumentClient, tableName: string, pseudonyms: Pseudonyms): CaseReads {
  /**
   * Reads up to limit + 1 matching items of one index partition after a position, page by
   * page while a filter leaves pages short; the extra item tells whether more follow.
   */
  async function queryIndex(query: IndexQuery): Promise<Sorted[]> {
    const { index } = query;
    const items: Sorted[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: query.after ? '#pk = :pk AND #sk > :after' : '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey, ...(query.after ? { '#sk': index.sortKey } : {}), ...query.filter?.names },
          ExpressionAttributeValues: { ':pk': query.partition, ...(query.after ? { ':after': query.after } : {}), ...query.filter?.values },
          FilterExpression: query.filter?.expression,
          ExclusiveStartKey: startKey,
          Limit: query.limit + 1,
        }),
      );
      for (const item of page.Items ?? []) items.push({ sortKey: String(item[index.sortKey]), item });
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length <= query.limit);
    return items.slice(0, query.limit + 1);
  }

  /**
   * The summaries of cases an index holds by key only (GSI4, GSI5), read from the table in one
   * BatchGetItem, in the index's order. A case destroyed between the two reads is left out; keys
   * DynamoDB leaves unprocessed (throttling) are asked again, after a short pause.
   */
  async function withSummaries(sorted: Sorted[]): Promise<Sorted[]> {
    if (sorted.length === 0) return sorted;
    const names = Object.fromEntries(caseSummaryAttributes.map((attribute, i) => [`#a${i}`, attribute]));
    const found = new Map<string, Record<string, unknown>>();
    let wanted: Array<Record<string, unknown>> | undefined = sorted.map(({ item }) => ({ [tableKeys.partitionKey]: item[tableKeys.partitionKey], [tableKeys.sortKey]: item[tableKeys.sortKey] }));
    for (let attempt = 0; wanted && wanted.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const answer: BatchGetCommandOutput = await client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: wanted, ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } } }),
      );
      for (const item of answer.Responses?.[tableName] ?? []) found.set(String(item.id), item);
      wanted = answer.UnprocessedKeys?.[tableName]?.Keys;
    }
    return sorted.flatMap(({ sortKey, item }) => {
      const summary = found.get(String(item[tableKeys.partitionKey]).slice(keys.case('').PK.length));
      return summary ? [{ sortKey, item: summary }] : [];
    });
  }

  return {
    /** Each role-and-status partition is read from the position and the results merged, soonest due first. */
    async tasksByRole(query) {
      const partitions = query.roles.flatMap((role) => query.statuses.map((status) => byStatus.tasksPartition(query.tenant, role, status)));
      const pages = await Promise.all(
        partitions.map((partition) => queryIndex({ index: byStatus.index, partition, after: query.after, limit: query.limit })),
      );
      const merged = pages.flat().sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
      return pageOf<Task>(merged, query.limit);
    },

    /** Through the index that serves the most selective filter; the others filter within it. */
    async searchCases(query) {
      const filters: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      const filterOn = (attribute: string, path: string, value: string | undefined) => {
        if (value === undefined) return;
        names[`#${attribute}`] = attribute;
        values[`:${attribute}`] = value;
        filters.push(`${path} = :${attribute}`);
      };
      let source: { index: IndexKeys; partition: string; keysOnly?: true };
      if (query.applicant !== undefined) {
        source = { index: byOwner.index, partition: byOwner.casesPartition(query.tenant, await pseudonyms.of(query.applicant)) };
        filterOn('status', '#status', query.status);
        filterOn('type', '#type.#key', query.type);
      } else if (query.status !== undefined) {
        source = { index: byStatus.index, partition: byStatus.casesPartition(query.tenant, query.status) };
        filterOn('type', '#type.#key', query.type);
      } else if (query.type !== undefined) {
        source = { index: bySubmission.typeIndex, partition: bySubmission.typePartition(query.tenant, query.type), keysOnly: true };
      } else {
        source = { index: bySubmission.allIndex, partition: bySubmission.allPartition(query.tenant), keysOnly: true };
      }
      if (names['#type']) names['#key'] = 'key';
      const sorted = await queryIndex({
        index: source.index,
        partition: source.partition,
        after: query.after,
        limit: query.limit,
        filter: filters.length > 0 ? { expression: filters.join(' AND '), names, values } : undefined,
      });
      if (!source.keysOnly) return pageOf<CaseSummary>(sorted, query.limit);
      // The page's summaries, and the item after it only as far as its key: it only tells that more follow.
      const inPage = sorted.slice(0, query.limit);
      const last = inPage.at(-1);
      const summaries = await withSummaries(inPage);
      return { items: summaries.map(({ item }) => withoutKeys<CaseSummary>(item)), ...(sorted.length > query.limit && last ? { after: last.sortKey } : {}) };
    },

    /**
     * A Scan of GSI3, which holds only open cases: the reconciler must see every one of
     * them, whatever its due day. It is a background job, never a request path.
     */
    async openCases(after, limit) {
      const { Items = [], LastEvaluatedKey } = await client.send(
        new ScanCommand({
          TableName: tableName,
          IndexName: byDueDay.index.name,
          Limit: limit,
          ExclusiveStartKey: after === undefined ? undefined : (JSON.parse(after) as Record<string, unknown>),
        }),
      );
      return {
        items: Items.map((item) => withoutKeys<OpenCase>(item)),
        ...(LastEvaluatedKey ? { after: JSON.stringify(LastEvaluatedKey) } : {}),
      };
    },

    async casesNeedingAttention(query) {
      const sorted = await queryIndex({ index: byAttention.index, partition: byAttention.partition(query.tenant), after: query.after, limit: query.limit });
      return pageOf<CaseSummary>(sorted, query.limit);
    },

    async history(caseId) {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :audit)',
        ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':audit': keys.auditPrefix },
        ConsistentRead: true,
      });
      return auditEventsOf(items);
    },
  };
}
