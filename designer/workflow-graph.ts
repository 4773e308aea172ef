import { functionPlaceholder, stepFunctions } from '../functions/app.declaration';
import type { TransactionType } from '../functions/domain/transaction-type';
import { caseErrors, loadWorkflowDefinition } from '../workflows/definitions';

/** One state of an Amazon States Language definition, as read from JSON. */
export type State = Record<string, unknown> & { Type: string };

/** A state machine, or one Parallel branch or Map processor of it. */
export interface Machine {
  readonly StartAt: string;
  readonly States: Record<string, State>;
  readonly QueryLanguage?: string;
  readonly Comment?: string;
}

export type TransitionKind = 'next' | 'choice' | 'default' | 'catch' | 'timeout';

export interface Transition {
  readonly target: string;
  readonly kind: TransitionKind;
  /** A Choice rule in words, or the errors a Catch takes. */
  readonly label?: string;
}

/** A type's workflow as both hosts load it (through workflows/definitions.ts), its placeholders unresolved. */
export function loadMachine(directory: string, key: string): Machine {
  return JSON.parse(loadWorkflowDefinition(key, directory)) as Machine;
}

/** A number of seconds as a designer reads it: "30 days", "1.5 days", "2 h", "45 s". */
export function formatDuration(seconds: number): string {
  const round = (value: number) => String(Math.round(value * 10) / 10);
  if (seconds >= 86_400) return `${round(seconds / 86_400)} ${seconds === 86_400 ? 'day' : 'days'}`;
  if (seconds >= 3_600) return `${round(seconds / 3_600)} h`;
  if (seconds >= 60) return `${round(seconds / 60)} min`;
  return `${round(seconds)} s`;
}

/** How a diagram names the loader's catch of the case errors (workflows/definitions.ts). */
export const caseErrorsLabel = 'case errors';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The machines nested in a Parallel (its branches) or a Map (its processor); none for other states. */
export function nestedMachines(state: State): Machine[] {
  const branches = Array.isArray(state.Branches) ? (state.Branches as Machine[]) : [];
  const processor = (state.ItemProcessor ?? state.Iterator) as Machine | undefined;
  return processor ? [...branches, processor] : branches;
}

/** Every state of a machine, its Parallel branches and Map processors, depth first. */
export function* statesOf(machine: Machine): Generator<[string, State]> {
  for (const [name, state] of Object.entries(machine.States ?? {})) {
    yield [name, state];
    for (const nested of nestedMachines(state)) yield* statesOf(nested);
  }
}

/** Whether a value is a JSONata expression (`{% … %}`), whose value is known only when it runs. */
export function isJsonataExpression(value: unknown): boolean {
  return typeof value === 'string' && /^\s*\{%[\s\S]*%\}\s*$/.test(value);
}

/** What a Task passes to its resource: `Parameters` in a JSONPath state, `Arguments` in a JSONata one. */
export function callOf(state: State): Record<string, unknown> | undefined {
  const call = state.Parameters ?? state.Arguments;
  return isObject(call) ? call : undefined;
}

function payloadOf(state: State): Record<string, unknown> | undefined {
  const call = callOf(state);
  if (!call) return undefined;
  return isObject(call.Payload) ? call.Payload : call;
}

/** A payload field's literal text; undefined for a path (`"name.$"`) or a JSONata expression, which only a run decides. */
function literalText(value: unknown): string | undefined {
  return typeof value === 'string' && !isJsonataExpression(value) ? value : undefined;
}

/**
 * The Loket step function a Task invokes (`record-status`, `create-task`, ...), read from its
 * FunctionName whether the placeholder is still `${RecordStatusFunctionArn}` or resolved the way
 * the lint resolves it (`...:function:RecordStatusFunctionArn`).
 */
export function invokedStep(state: State): string | undefined {
  const call = callOf(state);
  if (state.Type !== 'Task' || !call) return undefined;
  const functionName = call.FunctionName;
  if (typeof functionName !== 'string') return undefined;
  const placeholder = /([A-Za-z0-9]+FunctionArn)\}?$/.exec(functionName)?.[1];
  return stepFunctions.find((fn) => functionPlaceholder(fn.name) === placeholder)?.name;
}

/** The literal `status` a Task's payload records, if it names one. */
export function recordedStatus(state: State): string | undefined {
  if (state.Type !== 'Task') return undefined;
  return literalText(payloadOf(state)?.status);
}

/** The literal `name` of a task (create-task) or message (await-message) a step waits for. */
export function awaitedName(state: State): string | undefined {
  return literalText(payloadOf(state)?.name);
}

export function waitsForTaskToken(state: State): boolean {
  return state.Type === 'Task' && String(state.Resource).endsWith('.waitForTaskToken');
}

/** Whether entering this state closes the case with a status that type.json declares final. */
export function recordsFinalStatus(state: State, type: TransactionType): boolean {
  if (state.Type !== 'Task') return false;
  if (invokedStep(state) === 'issue-certificate') return true;
  const status = recordedStatus(state);
  return status !== undefined && type.statuses.some((declared) => declared.code === status && declared.final);
}

const comparators: Record<string, string> = {
  StringEquals: '==',
  StringEqualsPath: '==',
  NumericEquals: '==',
  NumericEqualsPath: '==',
  BooleanEquals: '==',
  BooleanEqualsPath: '==',
  TimestampEquals: '==',
  TimestampEqualsPath: '==',
  StringLessThan: '<',
  NumericLessThan: '<',
  TimestampLessThan: '<',
  StringGreaterThan: '>',
  NumericGreaterThan: '>',
  TimestampGreaterThan: '>',
  StringLessThanEquals: '<=',
  NumericLessThanEquals: '<=',
  TimestampLessThanEquals: '<=',
  StringGreaterThanEquals: '>=',
  NumericGreaterThanEquals: '>=',
  TimestampGreaterThanEquals: '>=',
  StringMatches: 'matches',
  IsPresent: 'is present:',
  IsNull: 'is null:',
  IsBoolean: 'is boolean:',
  IsNumeric: 'is numeric:',
  IsString: 'is string:',
  IsTimestamp: 'is timestamp:',
};

const shortPath = (path: unknown) => String(path).replace(/^\$\./, '');

/** A Choice rule in words, e.g. `review.outcome == "approve"`. */
export function describeChoiceRule(rule: Record<string, unknown>): string {
  if (Array.isArray(rule.And)) return rule.And.map((inner) => describeChoiceRule(inner as Record<string, unknown>)).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.map((inner) => `(${describeChoiceRule(inner as Record<string, unknown>)})`).join(' or ');
  if (isObject(rule.Not)) return `not (${describeChoiceRule(rule.Not)})`;
  if (typeof rule.Condition === 'string') return rule.Condition;
  const operator = Object.keys(rule).find((key) => key in comparators);
  if (!operator) return 'rule';
  const value = rule[operator];
  const operand = operator.endsWith('Path') ? shortPath(value) : JSON.stringify(value);
  return `${shortPath(rule.Variable)} ${comparators[operator]} ${operand}`;
}

/** Where a state can go next: Next, Choice rules and Default, and Catch handlers (a States.Timeout one as a timeout). */
export function transitionsOf(state: State): Transition[] {
  const transitions: Transition[] = [];
  if (typeof state.Next === 'string') transitions.push({ target: state.Next, kind: 'next' });
  if (Array.isArray(state.Choices)) {
    for (const rule of state.Choices as Array<Record<string, unknown>>) {
      if (typeof rule.Next === 'string') transitions.push({ target: rule.Next, kind: 'choice', label: describeChoiceRule(rule) });
    }
  }
  if (typeof state.Default === 'string') transitions.push({ target: state.Default, kind: 'default', label: 'otherwise' });
  if (Array.isArray(state.Catch)) {
    for (const catcher of state.Catch as Array<{ ErrorEquals?: string[]; Next?: string }>) {
      if (typeof catcher.Next !== 'string') continue;
      const errors = catcher.ErrorEquals ?? [];
      const timeout = errors.length === 1 && errors[0] === 'States.Timeout';
      // The loader's catch of the case errors is named as one, not as its eight error names.
      const label = timeout ? 'timeout' : caseErrors.every((error) => errors.includes(error)) ? caseErrorsLabel : errors.join(', ');
      transitions.push({ target: catcher.Next, kind: timeout ? 'timeout' : 'catch', label });
    }
  }
  return transitions;
}

export function isTerminal(state: State): boolean {
  return state.Type === 'Succeed' || state.Type === 'Fail' || state.End === true;
}

/** What a state does, in a few words, for diagrams and run reports: the status it records, the task or message it waits for. */
export function describeState(state: State): string | undefined {
  if (state.Type === 'Map' || state.Type === 'Parallel') return undefined;
  if (state.Type === 'Wait') {
    const how = state.Seconds ?? state.SecondsPath ?? state.Timestamp ?? state.TimestampPath;
    return how === undefined ? undefined : `waits ${typeof how === 'number' ? formatDuration(how) : String(how)}`;
  }
  if (state.Type === 'Fail') return typeof state.Error === 'string' ? `fails: ${state.Error}` : undefined;
  if (state.Type !== 'Task') return undefined;
  const step = invokedStep(state);
  const status = recordedStatus(state);
  const name = awaitedName(state);
  const moves = status !== undefined ? `; records "${status}"` : '';
  if (step === 'create-task') return `task "${name ?? '?'}"${moves}`;
  if (step === 'await-message') return `awaits message "${name ?? '?'}"${moves}`;
  if (step === 'issue-certificate') return `issues the document${status ? `; records "${status}"` : ''}`;
  if (status !== undefined) return `records "${status}"`;
  if (step) return step;
  const resource = String(state.Resource);
  if (resource.includes(':events:putEvents')) return 'publishes an event';
  return resource.replace(/^arn:aws:states:::/, '');
}
