import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import type { FunctionDeclaration } from '../../functions/app.declaration';
import { functions } from '../../functions/app.declaration';
import { localAccountId, localRegion } from './local-network';
import { projectRoot } from './paths';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The ARN a function has on the local host; workflows reference it through their placeholders. */
export function localFunctionArn(name: string): string {
  return `arn:aws:lambda:${localRegion}:${localAccountId}:function:loket-${name}`;
}

function lambdaContext(declaration: FunctionDeclaration): Context {
  const timeoutMs = (declaration.timeoutSeconds ?? 10) * 1000;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `loket-${declaration.name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(declaration.name),
    memoryLimitInMB: String(declaration.memorySize ?? 256),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/loket-${declaration.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Runs the declared functions in this process, the way Lambda would run their bundles:
 * each module is loaded once (a warm container) after the host has set the environment.
 */
export class LambdaHost {
  private readonly loaded = new Map<string, Promise<Handler>>();

  private load(declaration: FunctionDeclaration): Promise<Handler> {
    let handler = this.loaded.get(declaration.name);
    if (!handler) {
      handler = import(join(projectRoot, declaration.entry)).then((module: { handler?: Handler }) => {
        if (typeof module.handler !== 'function') throw new Error(`${declaration.entry} exports no handler`);
        return module.handler;
      });
      this.loaded.set(declaration.name, handler);
    }
    return handler;
  }

  /** Loads every function ahead of its first request, as provisioned concurrency would. */
  async preload(): Promise<void> {
    // One at a time: Jest's ESM loader fails on concurrent imports of shared modules.
    for (const declaration of functions) await this.load(declaration);
  }

  /** Accepts a function's name, its local name (`loket-x`) or its local ARN. */
  find(functionName: string): FunctionDeclaration | undefined {
    const name = functionName.replace(/^arn:aws:lambda:[^:]+:\d+:function:/, '').replace(/^loket-/, '').replace(/:.*$/, '');
    return functions.find((declaration) => declaration.name === name);
  }

  async invoke(functionName: string, event: unknown): Promise<unknown> {
    const declaration = this.find(functionName);
    if (!declaration) {
      const error = new Error(`Function not found: ${functionName}`);
      error.name = 'Lambda.ResourceNotFoundException';
      throw error;
    }
    const handler = await this.load(declaration);
    return handler(structuredClone(event), lambdaContext(declaration));
  }
}
