import type { StateMachine } from 'aws-local-stepfunctions';
import { SfnError } from './sfn-error';

/**
 * How the Step Functions API names, checks and pages things, the same for the control plane,
 * the execution runner and the callbacks.
 */

export const ACCOUNT_ID = '000000000000';

/** A JSON value as the interpreter takes and returns it. */
export type JsonValue = Parameters<StateMachine['run']>[0];

export function stateMachineArnOf(region: string, name: string): string {
  return `arn:aws:states:${region}:${ACCOUNT_ID}:stateMachine:${name}`;
}

export function executionArnOf(region: string, stateMachineName: string, name: string): string {
  return `arn:aws:states:${region}:${ACCOUNT_ID}:execution:${stateMachineName}:${name}`;
}

export function assertStateMachineArn(arn: string): void {
  if (!/^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
}

/** A state machine ARN, bare or qualified by a version number (`:3`) or an alias name (`:live`). */
export interface StateMachineArnParts {
  /** The unqualified ARN. */
  readonly machineArn: string;
  readonly version?: number;
  readonly alias?: string;
}

export function parseStateMachineArn(arn: string): StateMachineArnParts {
  const match = /^(arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+)(?::([^:]+))?$/.exec(arn);
  if (!match) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
  const [, machineArn = '', qualifier] = match;
  if (qualifier === undefined) return { machineArn };
  return /^\d+$/.test(qualifier) ? { machineArn, version: Number(qualifier) } : { machineArn, alias: qualifier };
}

export function assertExecutionArn(arn: string): void {
  if (!/^arn:aws:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
}

const FORBIDDEN_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export function assertValidName(name: string): void {
  if (name.length < 1 || name.length > 80 || FORBIDDEN_NAME_CHARACTERS.test(name)) {
    throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
  }
}

export function parseJsonText(text: string, code: string, what: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new SfnError(code, `Invalid ${what}: '${text}' is not valid JSON`);
  }
}

const DEFAULT_PAGE_SIZE = 100;

function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodePageToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const offset = (decoded as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // falls through to the error below
  }
  throw new SfnError('InvalidToken', 'Invalid Token: nextToken was not issued by this endpoint');
}

export function paginate<T>(items: readonly T[], maxResults: number | undefined, nextToken: string | undefined): { page: T[]; nextToken?: string } {
  const offset = decodePageToken(nextToken);
  const size = maxResults || DEFAULT_PAGE_SIZE;
  const page = items.slice(offset, offset + size);
  return offset + size < items.length ? { page, nextToken: encodePageToken(offset + size) } : { page };
}
