import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';

/** An event as the local bus received it: what a rule on AWS would match and its target receive. */
export interface PublishedEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  readonly eventBusName: string;
  readonly time: string;
}

export interface EventBridgeLocalOptions {
  /** Port to listen on, on 127.0.0.1; 0 picks a free port. @default 0 */
  readonly port?: number;
  /** Takes the accepted events of one PutEvents call, in order. */
  readonly publish: (events: readonly PublishedEvent[]) => void;
  readonly log?: (line: string) => void;
}

export interface EventBridgeLocal {
  readonly endpoint: string;
  close(): Promise<void>;
}

const targetPrefix = 'AWSEvents.';

/** PutEvents as the SDK sends it in AWS JSON 1.1: at most 10 entries; `Time` in epoch seconds. */
const putEventsRequest = z.object({
  Entries: z
    .array(
      z.object({
        Source: z.string().optional(),
        DetailType: z.string().optional(),
        Detail: z.string().optional(),
        EventBusName: z.string().optional(),
        Time: z.number().optional(),
        Resources: z.array(z.string()).optional(),
        TraceHeader: z.string().optional(),
      }),
    )
    .min(1)
    .max(10),
  EndpointId: z.string().optional(),
});

type Entry = z.infer<typeof putEventsRequest>['Entries'][number];

/** EventBridge's answer to one entry: its event id, or why it was not accepted (the call itself still succeeds). */
function accept(entry: Entry): { event: PublishedEvent } | { ErrorCode: string; ErrorMessage: string } {
  if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
    return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required.' };
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  const time = entry.Time === undefined ? new Date() : new Date(entry.Time * 1000);
  return { event: { source: entry.Source, detailType: entry.DetailType, detail, eventBusName: entry.EventBusName ?? 'default', time: time.toISOString() } };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID() });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A local EventBridge endpoint: the AWS JSON 1.1 `AWSEvents.PutEvents` operation only, so that
 * `@aws-sdk/client-eventbridge` (through AWS_ENDPOINT_URL_EVENTBRIDGE) and the workflows'
 * `events:putEvents` tasks publish locally with the same calls as on AWS. Like EventBridge it
 * answers each entry on its own (FailedEntryCount, an ErrorCode per refused entry) and refuses
 * a malformed call with a 400. It has no rules: the host takes the accepted events.
 */
export async function startEventBridgeLocal(options: EventBridgeLocalOptions): Promise<EventBridgeLocal> {
  const log = options.log ?? (() => undefined);
  const server = createServer((request, response) => {
    void (async () => {
      try {
        const target = request.headers['x-amz-target'];
        if (request.method !== 'POST' || target !== `${targetPrefix}PutEvents`) {
          send(response, 400, { __type: 'UnknownOperationException', message: `Operation '${String(target)}' is not supported by the local EventBridge endpoint` });
          return;
        }
        let body: unknown;
        try {
          body = JSON.parse((await readBody(request)) || '{}');
        } catch {
          send(response, 400, { __type: 'SerializationException', message: 'Request body is not valid JSON' });
          return;
        }
        const parsed = putEventsRequest.safeParse(body);
        if (!parsed.success) {
          send(response, 400, { __type: 'ValidationException', message: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ') });
          return;
        }
        const answers = parsed.data.Entries.map(accept);
        const accepted = answers.flatMap((answer) => ('event' in answer ? [answer.event] : []));
        options.publish(accepted);
        const entries = answers.map((answer) => ('event' in answer ? { EventId: randomUUID() } : answer));
        send(response, 200, { FailedEntryCount: answers.length - accepted.length, Entries: entries });
      } catch (error) {
        log(`eventbridge: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        send(response, 500, { __type: 'InternalException', message: 'Internal error in the local EventBridge endpoint' });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  log(`eventbridge: listening on ${endpoint}`);
  return {
    endpoint,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
