import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTypeFile, readTypeVersion } from './type-loader';

/** The folder that holds one sub-folder per transaction type. */
export const workflowsDirectory = dirname(fileURLToPath(import.meta.url));

export interface WorkflowSource {
  /** Transaction type key, the folder's name. */
  readonly key: string;
  readonly version: number;
  /**
   * The ASL both hosts deploy, with its `${Placeholder}` names unresolved: the workflow as
   * written, completed by {@link expandWorkflow} from the type's declarations.
   */
  readonly definition: string;
}

/**
 * Reads every `workflows/<key>/workflow.asl.json` with its type's version, in key order so
 * that synthesis is deterministic, each expanded to the ASL that runs. Used at build and
 * start-up time only, never by a Lambda.
 */
export function loadWorkflowSources(directory: string = workflowsDirectory): WorkflowSource[] {
  return readdirSync(directory, { withFileTypes: true })
    // Only type folders with a workflow: workflows/ also holds the loader and these helpers.
    .filter((entry) => entry.isDirectory() && existsSync(join(directory, entry.name, 'workflow.asl.json')))
    .map((entry) => entry.name)
    .sort()
    .map((key) => ({ key, version: readTypeVersion(directory, key).version, definition: loadWorkflowDefinition(key, directory) }));
}

/**
 * One type's workflow as it runs: `<key>/workflow.asl.json` expanded with `<key>/type.json`,
 * as JSON text. What the designer tools read, so that they check and draw what is deployed.
 * Throws when either file is missing or is not JSON.
 */
export function loadWorkflowDefinition(key: string, directory: string = workflowsDirectory): string {
  const written = JSON.parse(readFileSync(join(directory, key, 'workflow.asl.json'), 'utf8')) as Json;
  return JSON.stringify(expandWorkflow(written, readTypeFile(directory, key)), null, 2);
}

/**
 * {@link expandWorkflow} on the text of a workflow.asl.json; text that is not a JSON object is
 * returned as it is, for the lint to report.
 */
export function expandWorkflowText(text: string, declared: unknown): string {
  let written: unknown;
  try {
    written = JSON.parse(text);
  } catch {
    return text;
  }
  return isObject(written) ? JSON.stringify(expandWorkflow(written, declared), null, 2) : text;
}

/** The `${Name}` placeholders a definition uses, sorted and without duplicates. */
export function placeholdersIn(definition: string): string[] {
  return [...new Set([...definition.matchAll(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((match) => match[1] as string))].sort();
}

/** Resolves `${Name}` placeholders the way CDK's DefinitionSubstitutions do; an unknown one is an error. */
export function substitutePlaceholders(definition: string, values: Readonly<Record<string, string>>): string {
  return definition.replace(/\$\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No value for workflow placeholder \${${name}}`);
    return value;
  });
}

type Json = Record<string, unknown>;

const secondsPerDay = 86_400;

/** The failures of a Lambda step that a retry can cure: Lambda's service errors, its timeouts and a step's `TransientError`. */
export const transientErrors = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.Unknown',
  'Sandbox.Timedout',
  'TransientError',
];

/** The Retry of every Lambda step that declares none. */
const standardRetry = [{ ErrorEquals: transientErrors, IntervalSeconds: 1, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: 'FULL' }];

/** The state every failure path leads to: it closes the case `failed`. */
export const failureRecorder = 'RecordFailed';
/** The state every final status leads to: it publishes the case's CaseClosed event. */
export const closingPublisher = 'PublishCaseClosed';
/** The state a Choice on a task's outcome defaults to when no outcome matched. */
export const unknownOutcome = 'UnknownOutcome';

/** The Catch that every step which declares no catch-all ends with. */
const failureCatcher = () => ({ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: failureRecorder });

/**
 * The states every workflow ends with, added when the workflow does not write its own:
 * the failure recorder with its two ends, and the publication of the CaseClosed event.
 */
const standardEnds: Readonly<Record<string, Json>> = {
  [failureRecorder]: {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: {
      FunctionName: '${RecordStatusFunctionArn}',
      Payload: { 'caseId.$': '$.caseId', status: 'failed', cancelOpenTasks: true, 'error.$': '$.error' },
    },
    ResultPath: null,
    Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' }],
    Next: 'CaseFailed',
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordError', Next: 'FailureNotRecorded' }],
  },
  CaseFailed: {
    Type: 'Fail',
    Error: 'CaseFailed',
    Cause: "A step failed; the case was closed with status 'failed'. See the execution history.",
  },
  FailureNotRecorded: {
    Type: 'Fail',
    Comment:
      'Infrastructure, not the case: the failure recorder itself could not write. The case stays open; the reconciler flags it for an operator, who redrives the execution.',
    Error: 'FailureNotRecorded',
    Cause: "A step failed and the case's failure could not be recorded either; the reconciler flags the case for an operator.",
  },
  [closingPublisher]: {
    Type: 'Task',
    Resource: 'arn:aws:states:::events:putEvents',
    Parameters: {
      Entries: [
        {
          EventBusName: '${EventBusName}',
          Source: 'loket.cases',
          DetailType: 'CaseClosed.v1',
          Detail: { 'caseId.$': '$.caseId', 'tenant.$': '$.tenant', 'type.$': '$.type', 'status.$': '$.closed.status' },
        },
      ],
    },
    ResultPath: null,
    Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' }],
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'CaseClosedEventNotPublished' }],
    End: true,
  },
  CaseClosedEventNotPublished: {
    Type: 'Fail',
    Error: 'EventNotPublished',
    Cause: 'The case reached its final status but its CaseClosed event could not be published; redrive the execution.',
  },
};

const unknownOutcomeState: Json = {
  Type: 'Pass',
  Result: { Error: 'UnknownOutcome', Cause: 'The task was completed with an outcome this workflow does not know.' },
  ResultPath: '$.error',
  Next: failureRecorder,
};

/** What the expansion reads of type.json; read defensively, since the designer's lint reports a broken type.json itself. */
interface DeclaredFigures {
  readonly tasks?: Readonly<Record<string, { readonly expiresAfterDays?: unknown }>>;
  readonly messages?: Readonly<Record<string, { readonly expiresAfterDays?: unknown }>>;
  readonly periods?: Readonly<Record<string, { readonly days?: unknown }>>;
}

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const positiveDays = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);

/** The task or message a callback state waits for, with the days its type declares it may take. */
function declaredExpiry(state: Json, type: DeclaredFigures): number | undefined {
  const parameters = isObject(state.Parameters) ? state.Parameters : {};
  const payload = isObject(parameters.Payload) ? parameters.Payload : {};
  const name = payload.name;
  if (typeof name !== 'string') return undefined;
  const step = String(parameters.FunctionName);
  const declared = step.includes('${CreateTaskFunctionArn}') ? type.tasks?.[name] : step.includes('${AwaitMessageFunctionArn}') ? type.messages?.[name] : undefined;
  return positiveDays(declared?.expiresAfterDays);
}

const waitsForTaskToken = (state: Json) => typeof state.Resource === 'string' && state.Resource.endsWith('.waitForTaskToken');
const invokesLambda = (state: Json) => typeof state.Resource === 'string' && state.Resource.startsWith('arn:aws:states:::lambda:invoke');
const catchesAll = (catchers: readonly Json[]) => catchers.some((catcher) => Array.isArray(catcher.ErrorEquals) && catcher.ErrorEquals.includes('States.ALL'));

/**
 * Completes the states of one state machine (the top level, or a Parallel branch when
 * `nested`). Only what the workflow leaves out is filled in; what it writes is kept.
 */
function expandStates(states: Json, type: DeclaredFigures, nested: boolean): Json {
  const expanded: Json = {};
  for (const [name, value] of Object.entries(states)) {
    if (!isObject(value)) {
      expanded[name] = value;
      continue;
    }
    const state: Json = { ...value };
    if (Array.isArray(state.Branches)) {
      state.Branches = state.Branches.map((branch: unknown) =>
        isObject(branch) && isObject(branch.States) ? { ...branch, States: expandStates(branch.States, type, true) } : branch,
      );
    }
    if (state.Type === 'Task' && waitsForTaskToken(state) && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
      const days = declaredExpiry(state, type);
      if (days !== undefined) state.TimeoutSeconds = days * secondsPerDay;
    }
    if (state.Type === 'Wait' && ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].every((field) => state[field] === undefined)) {
      const days = positiveDays(type.periods?.[name]?.days);
      if (days !== undefined) state.Seconds = days * secondsPerDay;
    }
    if (state.Type === 'Task' && state.Retry === undefined && invokesLambda(state)) state.Retry = standardRetry;
    if (!nested && (state.Type === 'Task' || state.Type === 'Parallel') && name !== failureRecorder && name !== closingPublisher) {
      const catchers = Array.isArray(state.Catch) ? (state.Catch as Json[]) : [];
      if (!catchesAll(catchers)) state.Catch = [...catchers, failureCatcher()];
    }
    expanded[name] = orderedLikeAsl(state);
  }
  return expanded;
}

/** The order in which a state's fields are written, so that the expanded ASL reads like hand-written ASL. */
const fieldOrder = ['Type', 'Comment', 'Resource', 'Parameters', 'TimeoutSeconds', 'HeartbeatSeconds', 'ResultSelector', 'ResultPath', 'Retry', 'Catch'];

function orderedLikeAsl(state: Json): Json {
  const known = fieldOrder.filter((field) => field in state);
  const rest = Object.keys(state).filter((field) => !fieldOrder.includes(field));
  return Object.fromEntries([...known, ...rest].map((field) => [field, state[field]]));
}

/** The names every transition of a state machine's states leads to, nested branches apart. */
function targetsOf(states: Json): Set<string> {
  const targets = new Set<string>();
  for (const state of Object.values(states)) {
    if (!isObject(state)) continue;
    if (typeof state.Next === 'string') targets.add(state.Next);
    if (typeof state.Default === 'string') targets.add(state.Default);
    for (const choice of Array.isArray(state.Choices) ? state.Choices : []) if (isObject(choice) && typeof choice.Next === 'string') targets.add(choice.Next);
    for (const catcher of Array.isArray(state.Catch) ? state.Catch : []) if (isObject(catcher) && typeof catcher.Next === 'string') targets.add(catcher.Next);
  }
  return targets;
}

/**
 * The ASL a workflow runs, from the workflow as written and its type.json (unvalidated):
 * - every Lambda step without a Retry retries the transient errors;
 * - every top-level step (Task or Parallel) without a catch-all catches the rest into
 *   `RecordFailed`, which closes the case `failed`;
 * - a task-token state without a timeout times out after the `expiresAfterDays` of the task
 *   it creates or the message it awaits; a Wait without a duration waits the `days` of the
 *   period of its name;
 * - `RecordFailed`, `PublishCaseClosed` and their ends, and `UnknownOutcome` when a Choice
 *   defaults to it, are added unless the workflow writes its own.
 * What the workflow writes itself always wins, so a designer can still write any of it out.
 */
export function expandWorkflow(written: Json, declared: unknown): Json {
  const type: DeclaredFigures = isObject(declared) ? declared : {};
  if (!isObject(written.States)) return written;
  const states = expandStates(written.States, type, false);
  if (targetsOf(states).has(unknownOutcome) && !(unknownOutcome in states)) states[unknownOutcome] = unknownOutcomeState;
  for (const [name, state] of Object.entries(standardEnds)) if (!(name in states)) states[name] = state;
  return { ...written, States: states };
}
