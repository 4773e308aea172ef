import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { freePort } from '../infra/local/local-network';
import { projectRoot } from '../infra/local/paths';

export interface LocalProcess {
  readonly child: ChildProcess;
  readonly apiUrl: string;
  readonly dynamodbEndpoint: string;
  readonly stepFunctionsEndpoint: string;
  /** The last lines it printed. */
  output(): string;
  /**
   * Resolves with the milliseconds from spawning to the first 200 on /v1/health once the child
   * has said it runs (a port another process took in the meantime answers health, too).
   */
  readonly ready: Promise<number>;
  /** `kill -9` of its whole process group: npm, tsx, node and DynamoDB Local's JVM. */
  kill9(): Promise<void>;
  /** Ctrl-C, then kill -9 of whatever is left after a few seconds. */
  stop(): Promise<void>;
}

export interface LocalProcessOptions {
  readonly stateDirectory: string;
  /** `npm` runs `npm start` as a developer would; `node` runs start.ts directly (faster). @default 'node' */
  readonly via?: 'npm' | 'node';
  readonly ports?: { api: number; stepFunctions: number; dynamodb: number; s3: number };
  readonly env?: Record<string, string>;
  readonly readyTimeoutMs?: number;
}

/**
 * Runs `npm start` (infra/local/start.ts) as a child process with its own state directory
 * and ports, in its own process group so that a crash can be simulated with kill -9 of the
 * whole tree. (DynamoDB Local's JVM would outlive a kill -9 of node alone: its parent's exit
 * hook never runs.)
 */
export async function spawnLocalStack(options: LocalProcessOptions): Promise<LocalProcess> {
  const ports = options.ports ?? { api: await freePort(), stepFunctions: await freePort(), dynamodb: await freePort(), s3: await freePort() };
  const env: Record<string, string | undefined> = {
    ...process.env,
    LOKET_STATE_DIR: options.stateDirectory,
    LOKET_API_PORT: String(ports.api),
    LOKET_SFN_PORT: String(ports.stepFunctions),
    LOKET_DYNAMODB_PORT: String(ports.dynamodb),
    LOKET_S3_PORT: String(ports.s3),
    LOKET_LOG_LEVEL: 'WARN',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.env,
  };
  delete env.NODE_OPTIONS; // Jest's --experimental-vm-modules is not for the child
  const startedAt = performance.now();
  const child =
    options.via === 'npm'
      ? spawn('npm', ['start', '--silent'], { cwd: projectRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts'], { cwd: projectRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const apiUrl = `http://127.0.0.1:${ports.api}`;

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  // Never leave a stack behind when the harness itself ends.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);

  const ready = (async () => {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the local stack exited with code ${child.exitCode}:\n${log}`);
      try {
        const response = await fetch(`${apiUrl}/v1/health`);
        await response.arrayBuffer();
        if (response.status === 200 && log.includes('Loket is running locally') && child.exitCode === null) return performance.now() - startedAt;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`the local stack did not serve within the time allowed:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  ready.catch(() => undefined);

  /** Waits until no process of the group is left (the JVM may take a moment to be reaped). */
  const groupGone = async () => {
    for (let i = 0; i < 100; i++) {
      try {
        process.kill(-child.pid!, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  return {
    child,
    apiUrl,
    dynamodbEndpoint: `http://127.0.0.1:${ports.dynamodb}`,
    stepFunctionsEndpoint: `http://127.0.0.1:${ports.stepFunctions}`,
    output: () => log,
    ready,
    async kill9() {
      killGroup('SIGKILL');
      await exited;
      await groupGone();
      process.off('exit', onExit);
    },
    async stop() {
      killGroup('SIGINT');
      const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      killGroup('SIGKILL');
      await groupGone();
      process.off('exit', onExit);
    },
  };
}
