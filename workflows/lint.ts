import { createRequire } from 'node:module';
import { knownPlaceholders } from '../functions/app.declaration';
import type { TransactionType } from '../functions/domain/transaction-type';
import { placeholdersIn, substitutePlaceholders } from './definitions';

const require = createRequire(import.meta.url);
const validateAsl = require('asl-validator') as (definition: unknown) => { isValid: boolean; errorsText: (separator?: string) => string };

type State = Record<string, unknown> & { Type: string };

/** Lambda's transient errors, which every Task must retry. */
export const transientLambdaErrors = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];

function* statesOf(machine: { States?: Record<string, State> }): Generator<[string, State]> {
  for (const [name, state] of Object.entries(machine.States ?? {})) {
    yield [name, state];
    for (const branch of (state.Branches as Array<{ States: Record<string, State> }> | undefined) ?? []) yield* statesOf(branch);
    const processor = (state.ItemProcessor ?? state.Iterator) as { States: Record<string, State> } | undefined;
    if (processor) yield* statesOf(processor);
  }
}

function literalStatuses(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(literalStatuses);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === 'status' && typeof inner === 'string' ? [inner] : literalStatuses(inner)));
}

/**
 * The rules every workflow keeps, checked before anything is deployed or run:
 * the ASL validates; every placeholder is known; JSONPath only (the local engine ignores
 * JSONata); every Task retries Lambda's transient errors and catches the rest, or is itself
 * the failure path that ends in a Fail state; every task-token state has a timeout and
 * handles States.Timeout; every status a step records is declared by the type.
 * Returns the problems found, empty when the workflow is sound.
 */
export function lintWorkflow(definitionText: string, type: TransactionType): string[] {
  const problems: string[] = [];
  const unknown = placeholdersIn(definitionText).filter((name) => !knownPlaceholders.includes(name));
  if (unknown.length > 0) return [`unknown placeholders: ${unknown.join(', ')}`];

  const dummyValues = Object.fromEntries(
    knownPlaceholders.map((name) => [name, name.endsWith('FunctionArn') ? `arn:aws:lambda:eu-west-1:000000000000:function:${name}` : name]),
  );
  const definition = JSON.parse(substitutePlaceholders(definitionText, dummyValues)) as { QueryLanguage?: string; States: Record<string, State> };
  const validation = validateAsl(structuredClone(definition));
  if (!validation.isValid) problems.push(`invalid ASL: ${validation.errorsText('; ')}`);
  if (definition.QueryLanguage === 'JSONata') problems.push('the workflow uses JSONata; use JSONPath');

  const declared = new Set(type.statuses.map((status) => status.code));
  const all = new Map(statesOf(definition));
  for (const [name, state] of all) {
    if (state.QueryLanguage === 'JSONata') problems.push(`${name}: uses JSONata; use JSONPath`);
    if (state.Type !== 'Task') continue;
    const retriers = (state.Retry as Array<{ ErrorEquals: string[] }> | undefined) ?? [];
    const catchers = (state.Catch as Array<{ ErrorEquals: string[]; Next: string }> | undefined) ?? [];
    const retried = new Set(retriers.flatMap((retrier) => retrier.ErrorEquals));
    if (!retried.has('States.ALL') && !transientLambdaErrors.every((error) => retried.has(error)) && String(state.Resource).includes(':lambda:')) {
      problems.push(`${name}: does not retry Lambda's transient errors`);
    }
    if (retriers.length === 0) problems.push(`${name}: has no Retry`);
    const catchesAll = catchers.some((catcher) => catcher.ErrorEquals.includes('States.ALL'));
    const next = all.get(String(state.Next));
    if (!catchesAll && next?.Type !== 'Fail') problems.push(`${name}: does not catch States.ALL into a failure path`);
    if (String(state.Resource).endsWith('.waitForTaskToken')) {
      if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) problems.push(`${name}: waits for a task token without TimeoutSeconds`);
      if (!catchers.some((catcher) => catcher.ErrorEquals.includes('States.Timeout'))) problems.push(`${name}: does not handle States.Timeout`);
    }
    for (const status of literalStatuses(state.Parameters)) {
      if (!declared.has(status)) problems.push(`${name}: records status '${status}', which type.json does not declare`);
    }
  }
  return problems;
}
