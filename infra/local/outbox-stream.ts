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
  /**
   * How many batches are delivered at once, as the event source mapping's parallelization factor
   * runs them on AWS: records are spread over this many lanes by their partition key, so that one
   * key's records stay in order and a lane that fails holds up only its own keys. @default 1
   */
  readonly concurrentBatches?: number;
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
  /** The last record read (every record read is delivered or waits in its lane): an expired iterator is replaced by one just after it. */
  lastSequenceNumber: string | undefined;
  closed: boolean;
}

/** One lane of concurrent batches: the records of its keys not yet delivered, in the order read. */
interface Lane {
  queue: StreamRecord[];
  /** The delivery under way, if any: a lane delivers one batch at a time. */
  delivering: Promise<void> | undefined;
  backoffMs: number;
}

/** Lanes hold at most this many records in all before the shards are read again (as a poller waits for its batches). */
const queuedAtMost = 1000;
/** How long the reader waits at most for the batches under way before it reads on. */
const slowLaneMs = 250;

/** The lane of a record: its partition key's, so that one key's records are always in the same lane. */
export function laneOf(record: StreamRecord, lanes: number): number {
  const key = JSON.stringify(record.dynamodb?.Keys?.PK ?? record.dynamodb?.Keys ?? '');
  let hash = 0;
  for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % lanes;
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
 * its beginning once its parent is read to its end. Records go into `concurrentBatches` lanes by
 * their partition key (one lane by default), whichever shard they come from; each lane delivers
 * its batches in order and backs off alone, while the others go on (the parallelization factor).
 * The shards are read again once the batches under way are done (what came meanwhile makes one
 * batch, as one reader's would), or after a quarter second when a lane is slow.
 */
export function startOutboxStream(options: OutboxStreamOptions): { stop(): Promise<void> } {
  const pollMs = options.pollMs ?? 50;
  const initialBackoff = options.backoffMs ?? 50;
  const maxBackoff = options.maxBackoffMs ?? 2000;
  const shards = new Map<string, ShardReader>();
  const lanes: Lane[] = Array.from({ length: Math.max(1, options.concurrentBatches ?? 1) }, () => ({ queue: [], delivering: undefined, backoffMs: initialBackoff }));
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
        shards.set(shard.ShardId, { parentShardId: shard.ParentShardId, iterator: ShardIterator, lastSequenceNumber: undefined, closed: closedAlready });
      }
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
  }

  /** Delivers the lane's queue as one batch; false when a failure asks for a backoff (the failed record and those after it stay). */
  async function deliverQueued(lane: Lane): Promise<boolean> {
    const batch = lane.queue.slice(0, 100);
    let response: Awaited<ReturnType<DeliverBatch>>;
    try {
      response = await options.deliver({ Records: batch.map((record) => lambdaRecord(record, options.streamArn)) });
    } catch (error) {
      options.log?.(`outbox stream: the dispatcher failed (${(error as Error).name}); the batch comes again`);
      return false;
    }
    const failed = response?.batchItemFailures?.[0]?.itemIdentifier;
    if (failed === undefined) {
      lane.queue.splice(0, batch.length);
      lane.backoffMs = initialBackoff;
      return true;
    }
    // An identifier the batch does not hold cannot say where to go on: the whole batch comes again.
    const from = batch.findIndex((record) => record.dynamodb?.SequenceNumber === failed);
    if (from > 0) lane.queue.splice(0, from);
    return false;
  }

  /** Starts the lane delivering, unless it is already: it goes on until its queue is empty (or the poller stops). */
  function pump(lane: Lane): void {
    if (lane.delivering || lane.queue.length === 0) return;
    lane.delivering = (async () => {
      while (running && lane.queue.length > 0) {
        if (await deliverQueued(lane)) continue;
        await sleep(lane.backoffMs);
        lane.backoffMs = Math.min(maxBackoff, lane.backoffMs * 2);
      }
    })().finally(() => {
      lane.delivering = undefined;
    });
  }

  const queued = () => lanes.reduce((total, lane) => total + lane.queue.length, 0);

  async function readShard(id: string, reader: ShardReader): Promise<void> {
    if (!reader.iterator) {
      reader.closed = true;
      return;
    }
    try {
      const { Records = [], NextShardIterator } = await options.client.send(new GetRecordsCommand({ ShardIterator: reader.iterator, Limit: 100 }));
      reader.iterator = NextShardIterator;
      reader.lastSequenceNumber = Records.at(-1)?.dynamodb?.SequenceNumber ?? reader.lastSequenceNumber;
      // A filtered-out record is passed over for good, as on AWS.
      for (const record of Records) if (passes(record, options.records)) lanes[laneOf(record, lanes.length)]!.queue.push(record);
      for (const lane of lanes) pump(lane);
    } catch (error) {
      if (error instanceof ExpiredIteratorException) {
        // The host slept past the iterator's 15 minutes: go on right after the last record read.
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
        // Lanes full: wait for them (as a poller waits for its batches) instead of reading more.
        if (queued() < queuedAtMost) for (const [id, reader] of shards) if (readable(reader)) await readShard(id, reader);
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
      // As one reader does, the batches under way finish before the shards are read again, so that what comes meanwhile
      // goes in one batch; but no lane holds up the others' next records longer than a quarter second (Lambda polls a
      // shard four times a second), except when the lanes are full.
      const underWay = Promise.all(lanes.map((lane) => lane.delivering));
      await (queued() >= queuedAtMost ? underWay : Promise.race([underWay, sleep(slowLaneMs)]));
      await sleep(pollMs);
    }
  })();

  return {
    async stop() {
      running = false;
      await loop.catch(() => undefined);
      await Promise.all(lanes.map((lane) => lane.delivering));
    },
  };
}
