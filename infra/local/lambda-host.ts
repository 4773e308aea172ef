import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import { findFunctionDeployment, functionArnOf, functionDeployments, type FunctionDeployment } from '../deployment';
import { localAccountId, localRegion } from './local-network';
import { projectRoot } from './paths';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The ARN a function has on the local host; workflows reference it through their placeholders. */
export function localFunctionArn(name: string): string {
  return functionArnOf(name, { region: localRegion, accountId: localAccountId });
}

function lambdaContext(deployment: FunctionDeployment): Context {
  const deadline = Date.now() + deployment.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: deployment.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(deployment.name),
    memoryLimitInMB: String(deployment.memorySize),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${deployment.functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** One call of a function on the local host, as a middleware sees it. */
export interface Invocation {
  readonly function: FunctionDeployment;
  /** The name the caller used: a declared name, `loket-<name>` or an ARN, as a workflow names it. */
  readonly calledAs: string;
  /** Who called: the HTTP API for a route, or a workflow's Task state. */
  readonly trigger: InvocationTrigger;
  /** The event as the caller sent it; the handler gets its own copy. */
  readonly event: unknown;
}

/** Who invoked: a route, a workflow's Task state, the table's stream, or a schedule. */
export type InvocationTrigger = 'api' | 'workflow' | 'stream' | 'schedule';

/**
 * Wraps every invocation: call `next()` to run the function (and the middlewares after this
 * one), or throw instead to fail the invocation the way Lambda itself can.
 */
export type InvocationMiddleware = (invocation: Invocation, next: () => Promise<unknown>) => Promise<unknown>;

export interface LambdaHostOptions {
  /**
   * Run around every invocation, the first outermost.
   * @default - none
   */
  readonly middleware?: readonly InvocationMiddleware[];
}

export interface InvokeOptions {
  /** @default 'api' */
  readonly trigger?: InvocationTrigger;
}

/**
 * The store in which each invocation runs, as Lambda Managed Instances runs concurrent invocations
 * of one environment: Powertools keeps an invocation's log context, keys and metrics there
 * (AWS_LAMBDA_MAX_CONCURRENCY tells it to), so that invocations running at once in this process
 * do not write each other's. Powertools finds it at `globalThis.awslambda.InvokeStore`.
 * The package's own `InvokeStore.getInstanceAsync` cannot be used: the AWS SDK calls it first,
 * before the environment names a concurrency, and it keeps the single-invocation store it made then.
 */
class ConcurrentInvocations extends InvokeStoreBase {
  readonly #contexts = new AsyncLocalStorage<Record<string | symbol, unknown>>();
  /** What a function's initialization stored, outside any invocation (Powertools' Logger, when built): each invocation starts from a copy. */
  readonly #initial: Record<string | symbol, unknown> = {};

  getContext() {
    return this.#contexts.getStore();
  }

  hasContext() {
    return this.#contexts.getStore() !== undefined;
  }

  get<T = unknown>(key: string | symbol): T | undefined {
    return (this.#contexts.getStore() ?? this.#initial)[key] as T | undefined;
  }

  set<T = unknown>(key: string | symbol, value: T): void {
    if (this.isProtectedKey(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    (this.#contexts.getStore() ?? this.#initial)[key] = value;
  }

  run<T>(context: Record<string | symbol, unknown>, fn: () => T): T {
    const initial = Reflect.ownKeys(this.#initial).map((key) => [key, copyOf(this.#initial[key])] as const);
    return this.#contexts.run({ ...Object.fromEntries(initial), ...context }, fn);
  }
}

/** A stored value an invocation may change in place (a Map or a plain object), copied one level deep so that the change stays its own. */
function copyOf(value: unknown): unknown {
  if (value instanceof Map) return new Map(value);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return { ...value };
  return value;
}

const invocations = new ConcurrentInvocations();

/** Makes the invocations' store the one Powertools uses; before the functions load, as their Logger looks for it when built. */
export function installInvocationStore(): void {
  const global = globalThis as { awslambda?: { InvokeStore?: InvokeStoreBase } };
  global.awslambda ??= {};
  global.awslambda.InvokeStore = invocations;
}

/**
 * Runs the declared functions in this process, the way Lambda would run their bundles:
 * each module is loaded once (a warm container) after the host has set the environment, and
 * each invocation runs in its own context of the invocations' store ({@link installInvocationStore}).
 */
export class LambdaHost {
  private readonly loaded = new Map<string, Promise<Handler>>();
  private readonly middleware: readonly InvocationMiddleware[];

  constructor(options: LambdaHostOptions = {}) {
    this.middleware = options.middleware ?? [];
  }

  private load(deployment: FunctionDeployment): Promise<Handler> {
    let handler = this.loaded.get(deployment.name);
    if (!handler) {
      const { entry } = deployment.declaration;
      installInvocationStore();
      handler = import(join(projectRoot, entry)).then((module: { handler?: Handler }) => {
        if (typeof module.handler !== 'function') throw new Error(`${entry} exports no handler`);
        return module.handler;
      });
      this.loaded.set(deployment.name, handler);
    }
    return handler;
  }

  /** Loads every function ahead of its first request, as provisioned concurrency would. */
  async preload(): Promise<void> {
    // One at a time: Jest's ESM loader fails on concurrent imports of shared modules.
    for (const deployment of functionDeployments) await this.load(deployment);
  }

  /** Accepts a function's name, its local name (`loket-x`) or its local ARN. */
  find(functionName: string): FunctionDeployment | undefined {
    return findFunctionDeployment(functionName);
  }

  async invoke(functionName: string, event: unknown, options: InvokeOptions = {}): Promise<unknown> {
    const deployment = this.find(functionName);
    if (!deployment) {
      const error = new Error(`Function not found: ${functionName}`);
      error.name = 'Lambda.ResourceNotFoundException';
      throw error;
    }
    const invocation: Invocation = { function: deployment, calledAs: functionName, trigger: options.trigger ?? 'api', event };
    const run = async (index: number): Promise<unknown> => {
      const middleware = this.middleware[index];
      if (middleware) return middleware(invocation, () => run(index + 1));
      const handler = await this.load(deployment);
      const context = lambdaContext(deployment);
      return invocations.run({ [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId }, () => handler(structuredClone(event), context));
    };
    return run(0);
  }
}
