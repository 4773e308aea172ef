import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';

/** What the poller hands each batch to: the stream function, through the local Lambda host. */
export type DeliverBatch = (event: DynamoDBStreamEvent) => Promise<{ batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined>;

export interface OutboxStreamOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly deliver: DeliverBatch;
  /** How often an idle shard is read again. @default 50 */
  readonly pollMs?: number;
  /** Backoff after a failed batch, doubling up to `maxBackoffMs`. @default 50 */
  readonly backoffMs?: number;
  /** @default 2000 */
  readonly maxBackoffMs?: number;
  readonly log?: (line: string) => void;
}

interface ShardReader {
  iterator: string | undefined;
  /** Records read but not yet delivered: a failed batch is delivered again from its first failure. */
  pending: StreamRecord[];
  backoffMs: number;
  closed: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stream record in the shape Lambda's DynamoDB event source mapping delivers it. */
function lambdaRecord(record: StreamRecord, streamArn: string): DynamoDBStreamEvent['Records'][number] {
  return {
    eventID: record.eventID,
    eventName: record.eventName as 'INSERT' | 'MODIFY' | 'REMOVE',
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: record.dynamodb?.ApproximateCreationDateTime ? record.dynamodb.ApproximateCreationDateTime.getTime() / 1000 : undefined,
      Keys: record.dynamodb?.Keys as never,
      NewImage: record.dynamodb?.NewImage as never,
      SequenceNumber: record.dynamodb?.SequenceNumber,
      SizeBytes: record.dynamodb?.SizeBytes,
      StreamViewType: record.dynamodb?.StreamViewType,
    },
  };
}

/**
 * Feeds the outbox dispatcher from DynamoDB Local's own stream, the way Lambda's event source
 * mapping does on AWS: every shard is read in order from where the host started (LATEST; the
 * reconciler delivers what an earlier run left in the outbox), each batch goes to the
 * function, and a batch that reports failures is delivered again from its first failed
 * record after a backoff, so that nothing is skipped. Closed shards hand over to their
 * children, which DescribeStream lists.
 */
export function startOutboxStream(options: OutboxStreamOptions): { stop(): Promise<void> } {
  const pollMs = options.pollMs ?? 50;
  const initialBackoff = options.backoffMs ?? 50;
  const maxBackoff = options.maxBackoffMs ?? 2000;
  const shards = new Map<string, ShardReader>();
  let running = true;

  async function discover(first: boolean): Promise<void> {
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await options.client.send(new DescribeStreamCommand({ StreamArn: options.streamArn, ExclusiveStartShardId: exclusiveStartShardId }));
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || shards.has(shard.ShardId)) continue;
        const parentKnown = shard.ParentShardId !== undefined && shards.has(shard.ParentShardId);
        // At start the newest records count; a child shard found later is read from its beginning.
        const type = first && !parentKnown ? 'LATEST' : 'TRIM_HORIZON';
        const { ShardIterator } = await options.client.send(new GetShardIteratorCommand({ StreamArn: options.streamArn, ShardId: shard.ShardId, ShardIteratorType: type }));
        shards.set(shard.ShardId, { iterator: ShardIterator, pending: [], backoffMs: initialBackoff, closed: false });
      }
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  /** Delivers what a shard has pending; false when a failure asks for a backoff. */
  async function deliverPending(reader: ShardReader): Promise<boolean> {
    if (reader.pending.length === 0) return true;
    let response: Awaited<ReturnType<DeliverBatch>>;
    try {
      response = await options.deliver({ Records: reader.pending.map((record) => lambdaRecord(record, options.streamArn)) });
    } catch (error) {
      options.log?.(`outbox stream: the dispatcher failed (${(error as Error).name}); the batch comes again`);
      return false;
    }
    const failed = response?.batchItemFailures?.[0]?.itemIdentifier;
    if (failed === undefined) {
      reader.pending = [];
      reader.backoffMs = initialBackoff;
      return true;
    }
    const from = reader.pending.findIndex((record) => record.dynamodb?.SequenceNumber === failed);
    reader.pending = from < 0 ? reader.pending : reader.pending.slice(from);
    return false;
  }

  async function readShard(id: string, reader: ShardReader): Promise<void> {
    if (!(await deliverPending(reader))) {
      await sleep(reader.backoffMs);
      reader.backoffMs = Math.min(maxBackoff, reader.backoffMs * 2);
      return;
    }
    if (!reader.iterator) {
      reader.closed = true;
      return;
    }
    try {
      const { Records = [], NextShardIterator } = await options.client.send(new GetRecordsCommand({ ShardIterator: reader.iterator, Limit: 100 }));
      reader.iterator = NextShardIterator;
      reader.pending = Records;
      await deliverPending(reader);
    } catch (error) {
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
        options.log?.(`outbox stream: shard ${id} must be read again from its oldest record`);
        const { ShardIterator } = await options.client.send(new GetShardIteratorCommand({ StreamArn: options.streamArn, ShardId: id, ShardIteratorType: 'TRIM_HORIZON' }));
        reader.iterator = ShardIterator;
        return;
      }
      throw error;
    }
  }

  const loop = (async () => {
    await discover(true);
    let sinceDiscovery = 0;
    while (running) {
      try {
        for (const [id, reader] of shards) if (!reader.closed) await readShard(id, reader);
        sinceDiscovery += 1;
        // New and child shards appear over time (DynamoDB rolls shards); look for them now and then.
        if (sinceDiscovery >= 20 || [...shards.values()].every((reader) => reader.closed)) {
          await discover(false);
          sinceDiscovery = 0;
        }
      } catch (error) {
        if (!running) break;
        options.log?.(`outbox stream: ${(error as Error).name}: ${(error as Error).message}; polling on`);
      }
      await sleep(pollMs);
    }
  })();

  return {
    async stop() {
      running = false;
      await loop.catch(() => undefined);
    },
  };
}
