import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoProcessingLog } from '../functions/adapters/dynamodb/processing-log';
import { keys } from '../functions/adapters/table-keys';
import { localCredentials, localRegion } from '../infra/local/local-network';
import { Driver, latenciesOf, type Tokens } from './transactions';

/** What section 3 reads, and how much of it. */
export interface ReadLoad {
  readonly apiUrl: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  readonly tokens: Record<string, Tokens>;
  readonly tenant: string;
  readonly caseId: string;
  /** Requests in flight at once. */
  readonly clients: number;
  /** Requests of each kind not counted, first. */
  readonly warmUp: number;
  /** Requests of each kind counted, split over the rounds. */
  readonly requests: number;
  readonly rounds: number;
}

/** Milliseconds per request of each kind, in the order they ended. */
export interface ReadLatencies {
  /** GET /v1/cases/{id} through the API. */
  readonly get: number[];
  /** A bare GetItem of the case's item. */
  readonly getItem: number[];
  /** The case's GetItem, then an access record's PutItem with the processing log's own adapter. */
  readonly readAndRecord: number[];
}

/**
 * Makes section 3's reads where a portal makes them, outside the server's event loop: in a worker
 * thread of this process, with its own event loop, HTTP client and DynamoDB client. The local stack
 * runs in the main thread, as the API runs on machines of its own; when the readers shared its event
 * loop, every request's own client work (fetch, the SDK's request and response) waited in the same
 * queue as the server's and counted as the server's latency (the process spent 4.86 ms of CPU per GET,
 * and 0.96 ms per bare GetItem, all of it client work; issue 14). Both kinds of read, and the
 * processing log's floor, come from the same thread in turns, so that the ratio compares like with like.
 */
export function measureReadsFromClientThread(load: ReadLoad): Promise<ReadLatencies> {
  // The bench runs under tsx; the worker registers it before it loads this file again.
  const source = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(source, { eval: true, workerData: { readLoad: load } });
  return new Promise<ReadLatencies>((resolve, reject) => {
    worker.once('message', (latencies: ReadLatencies) => {
      resolve(latencies);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the read worker exited (${code}) before it reported`)));
  });
}

async function readFromThisThread(load: ReadLoad): Promise<ReadLatencies> {
  const bare = new DynamoDBClient({ endpoint: load.dynamodbEndpoint, region: localRegion, credentials: localCredentials });
  const driver = new Driver({ apiUrl: load.apiUrl, dynamodbEndpoint: load.dynamodbEndpoint, tableName: load.tableName, tokens: load.tokens });
  const log = dynamoProcessingLog(DynamoDBDocumentClient.from(bare, { marshallOptions: { removeUndefinedValues: true } }), load.tableName);
  const Key = { PK: { S: keys.case(load.caseId).PK }, SK: { S: 'CASE' } };
  const getItem = () => bare.send(new GetItemCommand({ TableName: load.tableName, Key }));
  const get = async () => {
    const response = await driver.getCase(load.tenant, load.caseId);
    if (response.status !== 200) throw new Error(`GET /v1/cases/${load.caseId} answered ${response.status}`);
  };
  /*
   * What the design asks of every read of a person's data, done directly: the case read, then its
   * access record written (with the processing log's own adapter, the item the GET writes) before the
   * answer goes out. A write costs DynamoDB Local more than a read, so this floor shows how much of the
   * goal's 3× the processing log takes before the API, the function or the Query of the case's tasks
   * and waits add anything.
   */
  const readAndRecord = async () => {
    await getItem();
    await log.record({ tenant: load.tenant, at: new Date().toISOString(), actor: { subject: 'bench', roles: ['clerk'] }, person: 'b'.repeat(32), caseId: load.caseId, action: 'case.read', purpose: 'bench' });
  };
  const timed = (requests: number, read: () => Promise<unknown>) => latenciesOf(requests, load.clients, read);
  try {
    // Steady state, as a deployed function serves its reads: a first round of each, not counted, warms what the first requests of a process pay once.
    for (const read of [get, getItem, readAndRecord]) await timed(load.warmUp, read);
    // In turns (a round of GETs, a round of GetItems, a round of the floor), so that all meet the same moments of a shared, noisy machine.
    const latencies: ReadLatencies = { get: [], getItem: [], readAndRecord: [] };
    for (let round = 0; round < load.rounds; round++) {
      latencies.get.push(...(await timed(load.requests / load.rounds, get)));
      latencies.getItem.push(...(await timed(load.requests / load.rounds, getItem)));
      latencies.readAndRecord.push(...(await timed(load.requests / load.rounds, readAndRecord)));
    }
    return latencies;
  } finally {
    driver.close();
    bare.destroy();
  }
}

if (!isMainThread && (workerData as { readLoad?: ReadLoad } | undefined)?.readLoad) {
  parentPort!.postMessage(await readFromThisThread((workerData as { readLoad: ReadLoad }).readLoad));
}
