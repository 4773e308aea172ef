import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { byDueDay } from '../../functions/adapters/table-keys';
import type { Case } from '../../functions/domain/case';
import type { WorkflowInput } from '../../functions/ports/workflow-engine.port';
import { catalogue } from '../../functions/catalogue/catalogue';
import { localCredentials, localRegion } from './local-network';

export interface RecoveryOptions {
  /** A client of DynamoDB Local itself (not of the fault proxy). */
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
  readonly stepFunctionsEndpoint: string;
  /** State machine ARN by transaction type key. */
  readonly stateMachineArns: Readonly<Record<string, string>>;
}

export interface Recovery {
  /** Ids of the open cases whose workflow was started again. */
  readonly resumed: readonly string[];
  /** Open cases that could not be resumed, and why. */
  readonly skipped: ReadonlyArray<{ readonly caseId: string; readonly reason: string }>;
}

/**
 * The local Step Functions engine keeps its executions in memory, so after a crash the
 * open cases in DynamoDB Local have no execution. This starts each one's workflow again,
 * named after the case id and with the input submission gives it; the steps are
 * idempotent (a status recorded again is a no-op, an active task takes the new token, a
 * closed case is not issued twice), so the workflow runs up to where it stood and waits
 * there again. AWS keeps executions durably and needs none of this.
 *
 * Open cases are found with a Scan of GSI3, the sparse index that holds only open cases,
 * and then read whole from the table (the index projects only a summary). A Scan is
 * acceptable here: it runs once at start-up of the local host, never on a request path.
 */
export async function resumeOpenCases(options: RecoveryOptions): Promise<Recovery> {
  const documents = DynamoDBDocumentClient.from(options.dynamodb);
  const sfn = new SFNClient({ endpoint: options.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
  const resumed: string[] = [];
  const skipped: Array<{ caseId: string; reason: string }> = [];
  try {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(
        new ScanCommand({ TableName: options.tableName, IndexName: byDueDay.index.name, ExclusiveStartKey: startKey }),
      );
      startKey = page.LastEvaluatedKey;
      for (const entry of page.Items ?? []) {
        const { Item } = await documents.send(new GetCommand({ TableName: options.tableName, Key: { PK: entry.PK, SK: entry.SK }, ConsistentRead: true }));
        if (!Item) continue;
        const item = Item as Case;
        const type = catalogue.find(item.type.key);
        const stateMachineArn = options.stateMachineArns[item.type.key];
        if (!type || !stateMachineArn) {
          skipped.push({ caseId: item.id, reason: `no workflow for transaction type '${item.type.key}'` });
          continue;
        }
        if (type.statuses.find((status) => status.code === item.status)?.final) continue;
        const input: WorkflowInput = { caseId: item.id, tenant: item.tenant, type: item.type.key, applicant: item.applicant, data: item.data };
        try {
          await sfn.send(new StartExecutionCommand({ stateMachineArn, name: item.id, input: JSON.stringify(input) }));
          resumed.push(item.id);
        } catch (error) {
          if (error instanceof ExecutionAlreadyExists) continue;
          skipped.push({ caseId: item.id, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        }
      }
    } while (startKey);
  } finally {
    sfn.destroy();
  }
  return { resumed, skipped };
}
