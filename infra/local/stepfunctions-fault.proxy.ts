import { Agent, createServer } from 'node:http';
import { forwardRequest } from './proxy-forward';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

const targetPrefix = 'AWSStepFunctions.';

/**
 * What the proxy does to an operation:
 * - `throttle`: answers ThrottlingException before the request reaches the engine, as Step
 *   Functions does when a caller exceeds its API rate (the SDK retries it, then gives up);
 * - `forget`: answers StartExecution as if the execution had started, without starting it,
 *   as an engine that loses its executions does (the local engine keeps them in memory, so a
 *   restart forgets them all).
 */
export type StepFunctionsFault = 'throttle' | 'forget';

export interface StepFunctionsFaultProxy {
  readonly endpoint: string;
  /** The operations (e.g. `SendTaskSuccess`) that fail now, and how; empty: every request passes. */
  readonly faults: Map<string, StepFunctionsFault>;
  /** Requests answered with a fault, per operation. */
  readonly faulted: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function answer(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
    ...(errorType && { 'x-amzn-errortype': errorType }),
  });
  response.end(text);
}

/** What StartExecution answers: the execution's ARN follows from the state machine's and the name. */
function forgottenStart(body: Buffer): { executionArn: string; startDate: number } {
  const { stateMachineArn, name } = JSON.parse(body.toString('utf8')) as { stateMachineArn: string; name: string };
  return { executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`, startDate: Date.now() / 1000 };
}

/**
 * An HTTP proxy in front of the local Step Functions endpoint, for the functions only (the
 * workflows' own integrations do not pass through it), that fails chosen operations while a
 * test asks it to: the outbox must deliver what was committed once the fault stops.
 */
export async function startStepFunctionsFaultProxy(options: { readonly target: string }): Promise<StepFunctionsFaultProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const faults = new Map<string, StepFunctionsFault>();
  const faulted: Record<string, number> = {};
  const sockets = new Set<Socket>();

  const server = createServer((request, response) => {
    const header = request.headers['x-amz-target'];
    const operation = typeof header === 'string' && header.startsWith(targetPrefix) ? header.slice(targetPrefix.length) : undefined;
    const fault = operation === undefined ? undefined : faults.get(operation);
    readBody(request)
      .then((body) => {
        if (operation !== undefined && fault !== undefined) {
          faulted[operation] = (faulted[operation] ?? 0) + 1;
          if (fault === 'forget' && operation === 'StartExecution') return answer(response, 200, forgottenStart(body));
          return answer(response, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException');
        }
        forwardRequest(target, agent, request, response, body);
      })
      .catch(() => response.destroy());
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    faults,
    faulted,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      }),
  };
}
