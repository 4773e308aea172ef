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
import type { StreamRecordFilter } from '../../functions/app.declaration';

/** What the poller hands each batch to: the stream function, through the local Lambda host. */
export type DeliverBatch = (event: DynamoDBStreamEvent) => Promise<{ batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined>;

export interface OutboxStreamOptions {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly deliver: DeliverBatch;
  /** Only the records that pass it are delivered, as the event source mapping's filter does on AWS. @default every record */
  readonly records?: StreamRecordFilter;
  /** How often an idle shard is read again. @default 50 */
  readonly pollMs?: number;
  /** Backoff after a failed batch, doubling up to `maxBackoffMs`. @default 50 */
  readonly backoffMs?: number;
  /** @default 2000 */
  readonly maxBackoffMs?: number;
  readonly log?: (line: string) => void;
}

interface ShardReader {
  /** A child shard is read once its parent is read to its end, so that a key's records stay in order. */
  readonly parentShardId: string | undefined;
  iterator: string | undefined;
  /** The last record delivered: an expired iterator is replaced by one just after it. */
  lastSequenceNumber: string | undefined;
  /** Records read but not yet delivered: a failed batch is delivered again from its first failure. */
  pending: StreamRecord[];
  backoffMs: number;
  closed: boolean;
}

/** Whether a record passes a filter the way Lambda's filter criteria on `eventName` and the new image's `entity` pass it. */
export function passes(record: StreamRecord, filter: StreamRecordFilter | undefined): boolean {
  return filter === undefined || (record.eventName === filter.eventName && record.dynamodb?.NewImage?.entity?.S === filter.entity);
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
 * record after a backoff (doubling up to `maxBackoffMs`), so that nothing is skipped. A
 * closed shard hands over to its children, which DescribeStream lists; a child is read from
 * its beginning once its parent is read to its end. Shards are read one after another, so a
 * failing batch holds up the others while it backs off (on AWS each shard has its own poller).
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
        // At start only what comes from now on counts (shards already closed hold nothing new);
        // a shard that appears later is a child of one being read, and is read from its beginning.
        const closedAlready = first && shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
        const ShardIterator = closedAlready ? undefined : await iteratorOf(shard.ShardId, { ShardIteratorType: first ? 'LATEST' : 'TRIM_HORIZON' });
        shards.set(shard.ShardId, {
          parentShardId: shard.ParentShardId,
          iterator: ShardIterator,
          lastSequenceNumber: undefined,
          pending: [],
          backoffMs: initialBackoff,
          closed: closedAlready,
        });
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
      reader.lastSequenceNumber = reader.pending.at(-1)?.dynamodb?.SequenceNumber ?? reader.lastSequenceNumber;
      reader.pending = [];
      reader.backoffMs = initialBackoff;
      return true;
    }
    // An identifier the batch does not hold cannot say where to go on: the whole batch comes again.
    const from = reader.pending.findIndex((record) => record.dynamodb?.SequenceNumber === failed);
    if (from > 0) reader.lastSequenceNumber = reader.pending[from - 1]?.dynamodb?.SequenceNumber ?? reader.lastSequenceNumber;
    reader.pending = from < 0 ? reader.pending : reader.pending.slice(from);
    return false;
  }

  async function backOff(reader: ShardReader): Promise<void> {
    await sleep(reader.backoffMs);
    reader.backoffMs = Math.min(maxBackoff, reader.backoffMs * 2);
  }

  async function readShard(id: string, reader: ShardReader): Promise<void> {
    if (!(await deliverPending(reader))) return backOff(reader);
    if (!reader.iterator) {
      reader.closed = true;
      return;
    }
    try {
      const { Records = [], NextShardIterator } = await options.client.send(new GetRecordsCommand({ ShardIterator: reader.iterator, Limit: 100 }));
      reader.iterator = NextShardIterator;
      // A filtered-out record is passed over for good, as on AWS; the last one read still marks the position.
      reader.pending = Records.filter((record) => passes(record, options.records));
      if (reader.pending.length === 0 && Records.length > 0) reader.lastSequenceNumber = Records.at(-1)?.dynamodb?.SequenceNumber;
    } catch (error) {
      if (error instanceof ExpiredIteratorException) {
        // The host slept past the iterator's 15 minutes: go on right after the last record delivered.
        const after = reader.lastSequenceNumber;
        options.log?.(`outbox stream: the iterator of shard ${id} expired; reading on ${after ? `after ${after}` : 'from its oldest record'}`);
        reader.iterator = await iteratorOf(id, after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' });
        return;
      }
      if (error instanceof TrimmedDataAccessException) {
        // Records older than the stream keeps are gone: the reconciler delivers what they carried.
        options.log?.(`outbox stream: shard ${id} was trimmed past where it was read; reading on from its oldest record`);
        reader.iterator = await iteratorOf(id, { ShardIteratorType: 'TRIM_HORIZON' });
        return;
      }
      throw error;
    }
    if (!(await deliverPending(reader))) await backOff(reader);
  }

  async function iteratorOf(
    shardId: string,
    position: { ShardIteratorType: 'LATEST' | 'TRIM_HORIZON' } | { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER'; SequenceNumber: string },
  ): Promise<string | undefined> {
    const { ShardIterator } = await options.client.send(new GetShardIteratorCommand({ StreamArn: options.streamArn, ShardId: shardId, ...position }));
    return ShardIterator;
  }

  /** A shard whose parent is still being read waits for it. */
  const readable = (reader: ShardReader) => {
    if (reader.closed) return false;
    const parent = reader.parentShardId === undefined ? undefined : shards.get(reader.parentShardId);
    return parent === undefined || parent.closed;
  };

  const loop = (async () => {
    await discover(true);
    let sinceDiscovery = 0;
    while (running) {
      try {
        for (const [id, reader] of shards) if (readable(reader)) await readShard(id, reader);
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
