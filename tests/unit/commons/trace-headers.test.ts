import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { withoutTraceHeader } from '../../../functions/commons/trace-headers';
import { localCredentials, localRegion } from '../../../infra/local/local-network';

/** A Step Functions endpoint that answers every StartExecution and keeps the headers each request came with. */
let server: Server;
const received: IncomingHttpHeaders[] = [];
let endpoint: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    received.push(request.headers);
    request.resume().on('end', () => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify({ executionArn: 'arn:aws:states:eu-west-1:000000000000:execution:loket-proof-of-residence:01', startDate: 1 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

// As Lambda sets them for an invocation that X-Ray does not sample (PassThrough, no upstream header).
const lambda = { AWS_LAMBDA_FUNCTION_NAME: 'loket-dispatch-outbox', _X_AMZN_TRACE_ID: 'Root=1-67891233-abcdef012345678912345678;Parent=53995c3f42cd8ad8;Sampled=0' };
const saved = Object.fromEntries(Object.keys(lambda).map((name) => [name, process.env[name]]));
afterEach(() => {
  received.length = 0;
  for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name];
  else process.env[name] = value;
});

async function startWith(client: SFNClient): Promise<IncomingHttpHeaders> {
  Object.assign(process.env, lambda);
  await client.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:loket-proof-of-residence:live', name: '01', input: '{}' }));
  client.destroy();
  return received.at(-1)!;
}

const client = () => new SFNClient({ endpoint, region: localRegion, credentials: localCredentials });

describe("an untraced function's Step Functions client", () => {
  test("on Lambda the AWS SDK passes the invocation's unsampled trace header on, which would leave the execution untraced", async () => {
    expect((await startWith(client()))['x-amzn-trace-id']).toBe(lambda._X_AMZN_TRACE_ID);
  });

  test('passes no trace header on, so that Step Functions samples the execution itself', async () => {
    const headers = await startWith(withoutTraceHeader(client()));
    expect(Object.keys(headers).filter((name) => ['x-amzn-trace-id', 'traceparent', 'tracestate', 'baggage'].includes(name))).toEqual([]);
    // The request is otherwise the same: signed, and for the operation asked.
    expect(headers['x-amz-target']).toBe('AWSStepFunctions.StartExecution');
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });
});
