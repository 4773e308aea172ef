import type { IncomingMessage, ServerResponse } from 'node:http';
import { startFaultProxyServer } from './proxy-forward';

const targetPrefix = 'AWSStepFunctions.';

/**
 * What the proxy does to an operation:
 * - `throttle`: answers ThrottlingException before the request reaches the engine, as Step
 *   Functions does when a caller exceeds its API rate (the SDK retries it, then gives up);
 * - `unavailable`: answers 503 ServiceUnavailable before the request reaches the engine;
 * - `disconnect`: breaks the caller's connection before the request reaches the engine, as
 *   an unreachable endpoint does (the SDK sees a network error);
 * - `lose-answer`: passes the request on, so the engine acts on it, then breaks the caller's
 *   connection instead of answering (the effect happened; the caller cannot know);
 * - `forget`: answers StartExecution as if the execution had started, without starting it,
 *   as an engine that loses its executions does (the local engine keeps them in memory, so a
 *   restart forgets them all).
 */
export type StepFunctionsFault = 'throttle' | 'unavailable' | 'disconnect' | 'lose-answer' | 'forget';

/** A share of an operation's requests meets a fault: each faulted request the next of `faults`, in turn. */
export interface StepFunctionsFaultRule {
  readonly faults: readonly StepFunctionsFault[];
  /** Share (0–1) of the operation's requests that meet a fault. */
  readonly rate: number;
}

export interface StepFunctionsFaultProxy {
  readonly endpoint: string;
  /**
   * The operations (e.g. `SendTaskSuccess`) that fail now, and how: every request, or a share
   * of them (a rule); empty: every request passes.
   */
  readonly faults: Map<string, StepFunctionsFault | StepFunctionsFaultRule>;
  /** Requests answered with a fault, per operation. */
  readonly faulted: Readonly<Record<string, number>>;
  /** Requests seen, per operation. */
  readonly requests: Readonly<Record<string, number>>;
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
export async function startStepFunctionsFaultProxy(options: { readonly target: string; readonly random?: () => number }): Promise<StepFunctionsFaultProxy> {
  const random = options.random ?? Math.random;
  const faults = new Map<string, StepFunctionsFault | StepFunctionsFaultRule>();
  const faulted: Record<string, number> = {};
  const requests: Record<string, number> = {};
  const turns: Record<string, number> = {};

  /** The fault this request of `operation` meets now, if any. */
  const faultOf = (operation: string): StepFunctionsFault | undefined => {
    const rule = faults.get(operation);
    if (rule === undefined || typeof rule === 'string') return rule;
    if (rule.faults.length === 0 || !(random() < rule.rate)) return undefined;
    const turn = (turns[operation] = (turns[operation] ?? -1) + 1);
    return rule.faults[turn % rule.faults.length];
  };

  const server = await startFaultProxyServer(new URL(options.target), (request, response, passOn) => {
    const header = request.headers['x-amz-target'];
    const operation = typeof header === 'string' && header.startsWith(targetPrefix) ? header.slice(targetPrefix.length) : undefined;
    if (operation !== undefined) requests[operation] = (requests[operation] ?? 0) + 1;
    const fault = operation === undefined ? undefined : faultOf(operation);
    readBody(request)
      .then((body) => {
        if (operation === undefined || fault === undefined) return passOn(request, response, body);
        faulted[operation] = (faulted[operation] ?? 0) + 1;
        switch (fault) {
          case 'forget':
            if (operation === 'StartExecution') return answer(response, 200, forgottenStart(body));
            return answer(response, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException');
          case 'throttle':
            return answer(response, 400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException');
          case 'unavailable':
            return answer(response, 503, { __type: 'ServiceUnavailable', message: 'Service Unavailable' }, 'ServiceUnavailable');
          case 'disconnect':
            return response.socket?.destroy();
          case 'lose-answer':
            return passOn(request, response, body, { loseAnswer: true });
        }
      })
      .catch(() => response.destroy());
  });
  return {
    endpoint: server.endpoint,
    faults,
    faulted,
    requests,
    close: server.close,
  };
}
