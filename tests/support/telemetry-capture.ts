import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { format } from 'node:util';
import { functionDeployments, sharedEnvironment } from '../../infra/deployment';
import type { InvocationMiddleware } from '../../infra/local/lambda-host';

/** Everything this process printed while capturing, in order, each piece with where it went. */
export interface CapturedOutput {
  readonly pieces: ReadonlyArray<{ readonly source: string; readonly text: string }>;
  /** Adds a line that a callback received instead of printing it (e.g. the local stack's `log`). */
  record(source: string, text: string): void;
  /** Puts process.stdout, process.stderr and the console back as they were. */
  restore(): void;
}

const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Captures what this process prints from now on: every write to process.stdout and
 * process.stderr (where Powertools' Logger and Metrics write, as on Lambda) and every console
 * call. The output is kept, not shown.
 */
export function captureOutput(): CapturedOutput {
  const pieces: Array<{ source: string; text: string }> = [];
  const streams = { stdout: process.stdout, stderr: process.stderr };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  for (const [name, stream] of Object.entries(streams)) {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      pieces.push({ source: name, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8') });
      const callback = rest.find((argument) => typeof argument === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  }
  const originals = Object.fromEntries(consoleMethods.map((method) => [method, console[method]]));
  for (const method of consoleMethods) {
    console[method] = (...args: unknown[]) => {
      pieces.push({ source: `console.${method}`, text: format(...args) });
    };
  }
  return {
    pieces,
    record: (source, text) => pieces.push({ source, text }),
    restore() {
      streams.stdout.write = writes.stdout;
      streams.stderr.write = writes.stderr;
      for (const method of consoleMethods) console[method] = originals[method] as never;
    },
  };
}

/** A UDP listener standing in for the X-Ray daemon: it keeps every datagram the X-Ray SDK sends. */
export interface FakeXrayDaemon {
  /** `127.0.0.1:<port>`, for AWS_XRAY_DAEMON_ADDRESS. */
  readonly address: string;
  readonly datagrams: readonly string[];
  close(): Promise<void>;
}

export async function startFakeXrayDaemon(): Promise<FakeXrayDaemon> {
  const socket = createSocket('udp4');
  const datagrams: string[] = [];
  socket.on('message', (message) => datagrams.push(message.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return {
    address: `127.0.0.1:${socket.address().port}`,
    datagrams,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/**
 * The environment in which the functions' Tracer traces in this process as it does on Lambda:
 * the Lambda markers the Tracer and the X-Ray SDK look for, the daemon's address, and the
 * Powertools settings the AWS deployment gives every function. Outgoing HTTP calls are not
 * patched (the X-Ray SDK would patch `http` for the whole test process); the AWS SDK clients
 * are traced through `captureAWSv3Client` as on AWS.
 */
export function lambdaTracingEnvironment(daemonAddress: string): Record<string, string> {
  const onAws = sharedEnvironment(
    functionDeployments.map((deployment) => deployment.declaration),
    {
      host: 'aws',
      tableName: 'table',
      documentsBucket: 'bucket',
      stateMachineArns: '{}',
      pseudonymKey: { kmsKeyId: 'key' },
      auditSealKey: { kmsKeyId: 'seal-key' },
      eventSchemasUrl: 'https://api.example/v1/events/schemas',
      eventBusName: 'loket',
      // Only the Powertools settings are taken; the overview is named because a function that feeds it needs one.
      caseOverview: { url: 'https://dosis.example/api', tokenUrl: 'https://dosis.example/token', credentials: { secretArn: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:overview' } },
    },
  );
  const powertools = Object.fromEntries(Object.entries(onAws).filter(([name]) => name.startsWith('POWERTOOLS_')));
  return {
    ...powertools,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    LAMBDA_TASK_ROOT: '/var/task',
    AWS_XRAY_DAEMON_ADDRESS: daemonAddress,
    POWERTOOLS_TRACE_ENABLED: 'true',
    POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS: 'false',
  };
}

/** Gives every invocation its own sampled trace header, as the Lambda runtime does before it calls the handler. */
export const traceEachInvocation: InvocationMiddleware = (_invocation, next) => {
  const root = `1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
  process.env._X_AMZN_TRACE_ID = `Root=${root};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
  return next();
};
