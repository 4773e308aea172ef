import { execFile, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort, localCredentials, localRegion } from './local-network';
import { projectRoot } from './paths';

export interface DynamoDbLocalOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Folder that keeps the data across restarts; absent means in memory (tests). */
  readonly dataDirectory?: string;
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The DynamoDB Local jar shipped inside the amplify-dynamodb-simulator package. */
function emulatorDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
}

export function assertJavaInstalled(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      [
        'Java was not found. DynamoDB Local (AWS’s own emulator) runs on Java 17 or newer.',
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless',
        '  macOS:         brew install openjdk@17',
        'Then run the command again.',
      ].join('\n'),
    );
  }
}

const launcherClass = 'LoopbackDynamoDbLocal';
const launcherSource = join(projectRoot, 'infra', 'local', `${launcherClass}.java`);

/**
 * The folder holding the compiled launcher that binds DynamoDB Local to 127.0.0.1 (its own
 * command line cannot: it listens on every interface). Compiled once per launcher source and
 * jar into node_modules/.cache, with the Java compiler module that a JDK, and Debian's JRE
 * package, include; two processes compiling at once each build their own copy and keep one.
 */
async function loopbackLauncher(emulator: string): Promise<string> {
  const jar = join(emulator, 'DynamoDBLocal.jar');
  const key = createHash('sha256').update(readFileSync(launcherSource)).update(`${statSync(jar).size}`).digest('hex').slice(0, 16);
  const cache = join(projectRoot, 'node_modules', '.cache', 'loket');
  const directory = join(cache, `dynamodb-local-loopback-${key}`);
  if (existsSync(join(directory, `${launcherClass}.class`))) return directory;
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(`${directory}-`);
  try {
    await promisify(execFile)('java', ['-m', 'jdk.compiler/com.sun.tools.javac.Main', '-d', staging, '-cp', jar, launcherSource]);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(
      'DynamoDB Local is started through a small launcher that makes it listen on 127.0.0.1 only; compiling it needs the Java compiler ' +
        'module (jdk.compiler), which a JDK 17 or newer has (and Debian’s openjdk-17-jre-headless). Install one and run the command again.',
      { cause: error },
    );
  }
  try {
    renameSync(staging, directory);
  } catch {
    // Another process put its copy there first.
    rmSync(staging, { recursive: true, force: true });
  }
  return directory;
}

async function waitUntilServing(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: localRegion, credentials: localCredentials });
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}:\n${output()}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start within 30 s:\n${output()}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/** Starts DynamoDB Local on the system Java, listening on 127.0.0.1 only, and stops it with its parent. */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  assertJavaInstalled();
  const port = options.port === 0 ? await freePort() : options.port;
  const directory = emulatorDirectory();
  const launcher = await loopbackLauncher(directory);
  const storage = options.dataDirectory ? ['-dbPath', options.dataDirectory] : ['-inMemory'];
  if (options.dataDirectory) mkdirSync(options.dataDirectory, { recursive: true });
  const child = spawn(
    'java',
    [
      '-Xmx512m',
      // A short-lived dev server: the client compiler and serial GC start the JVM in about half the time.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(directory, 'DynamoDBLocal_lib')}`,
      '-cp',
      [join(directory, 'DynamoDBLocal.jar'), launcher].join(delimiter),
      launcherClass,
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
      ...storage,
    ],
    { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // Never leave the JVM behind, even when the parent exits without stopping the stack.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  try {
    await waitUntilServing(endpoint, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}
