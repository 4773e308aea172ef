import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closingNoticeDetailType, closingNoticeInWorkflow, closingNoticeSource } from '../functions/domain/closing-notice';
import { entryStateNames, migrationEntryState, resumeAtField, takesMovedCases, unknownResumePointState } from '../functions/domain/migration';
import { publishedVersions, readTypeFile, readTypeVersion, versionFolderOf } from './type-loader';

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

/** A type's published workflows: the ASL of every version it keeps, oldest first. */
export interface PublishedWorkflow {
  readonly key: string;
  /** Each kept version's workflow, expanded with that version's type.json; the last is the current one. */
  readonly versions: readonly WorkflowSource[];
}

/**
 * What both hosts deploy: for each type, in key order, the workflow of every version kept
 * under `<key>/versions/<n>/` (see type-loader's `versionsFolder`), each expanded with its own
 * type.json; a type never published deploys its working copy as its only version. The local
 * host publishes each as a Step Functions version; AWS deploys the current one (its earlier
 * versions stay published from earlier deployments).
 */
export function loadPublishedWorkflows(directory: string = workflowsDirectory): PublishedWorkflow[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && (existsSync(join(directory, entry.name, 'workflow.asl.json')) || publishedVersions(directory, entry.name).length > 0))
    .map((entry) => entry.name)
    .sort()
    .map((key) => {
      const versions = publishedVersions(directory, key);
      if (versions.length === 0) {
        const type = readTypeVersion(directory, key);
        return { key, versions: [{ key, version: type.version, definition: stampedWithVersion(loadWorkflowDefinition(key, directory), type) }] };
      }
      return {
        key,
        versions: versions.map((version) => {
          const folder = versionFolderOf(key, version);
          const type = readTypeVersion(directory, folder, key);
          if (type.version !== version) throw new Error(`workflows/${folder}/type.json does not declare version ${version}`);
          return { key, version, definition: stampedWithVersion(loadWorkflowDefinition(folder, directory), type) };
        }),
      };
    });
}

/**
 * The definition as deployed: with the migration entry when the version takes moved cases, and
 * its type version in its top-level `Comment`. Two versions whose workflows are the same (a
 * publish that changed only texts) must still be two Step Functions versions: Step Functions
 * publishes an unchanged revision as the version it already has.
 */
function stampedWithVersion(definition: string, type: { readonly key: string; readonly version: number; readonly takesMovedCases: boolean }): string {
  const parsed = deployedWorkflow(JSON.parse(definition) as Json, type);
  const stamp = `Transaction type ${type.key}, version ${type.version}.`;
  const comment = typeof parsed.Comment === 'string' && parsed.Comment.length > 0 ? `${parsed.Comment} ${stamp}` : stamp;
  return JSON.stringify({ ...parsed, Comment: comment }, null, 2);
}

/**
 * An expanded workflow as its type version deploys it: with the migration entry
 * ({@link withMigrationEntry}) when the version takes moved cases (domain/migration's
 * `takesMovedCases`), as it is otherwise.
 */
export function deployedWorkflow(expanded: Json, type: { readonly key: string; readonly version: number; readonly takesMovedCases?: boolean }): Json {
  if (takesMovedCases(type)) return withMigrationEntry(expanded);
  // The names stay reserved either way, so that the next version can ask for the entry.
  refuseEntryStateNames(expanded);
  return expanded;
}

function refuseEntryStateNames(machine: Json): void {
  if (!isObject(machine.States)) return;
  for (const name of entryStateNames) {
    if (name in machine.States) throw new Error(`A workflow may not name a state ${name}: a version that takes moved cases adds it`);
  }
}

/**
 * The definition with the entry state a version that takes moved cases begins with (see
 * functions/domain/migration): an execution whose input names a top-level state in
 * `resumeAt` (a case moved here from another version by `npm run workflows -- migrate`) starts
 * there; every other one at the workflow's own start; one that names a state the version does
 * not have fails at once, so a wrong move shows instead of running the case from the start.
 * Written in the workflow's query language, since a JSONata workflow takes no JSONPath state.
 * It costs each execution one state transition.
 */
export function withMigrationEntry(machine: Json): Json {
  if (!isObject(machine.States) || typeof machine.StartAt !== 'string') return machine;
  refuseEntryStateNames(machine);
  const start = machine.StartAt;
  const targets = Object.keys(machine.States);
  const jsonata = machine.QueryLanguage === 'JSONata';
  const field = `$states.input.${resumeAtField}`;
  const choices = jsonata
    ? [
        { Condition: `{% $not($exists(${field})) %}`, Next: start },
        ...targets.map((name) => ({ Condition: `{% ${field} = ${JSON.stringify(name)} %}`, Next: name })),
      ]
    : [
        { Not: { Variable: `$.${resumeAtField}`, IsPresent: true }, Next: start },
        ...targets.map((name) => ({ Variable: `$.${resumeAtField}`, StringEquals: name, Next: name })),
      ];
  const entry: Json = {
    Type: 'Choice',
    Comment: `A case moved here from another version resumes at the state its input names in "${resumeAtField}"; every other case starts at ${start}.`,
    Choices: choices,
    Default: unknownResumePointState,
  };
  const unknown: Json = { Type: 'Fail', Error: 'Loket.UnknownResumePoint', Cause: `The state named in "${resumeAtField}" is not a top-level state of this version.` };
  return { ...machine, StartAt: migrationEntryState, States: { [migrationEntryState]: entry, ...machine.States, [unknownResumePointState]: unknown } };
}

/** The current published version of each type's workflow: what a deployment runs new cases on. */
export function currentWorkflowSources(directory: string = workflowsDirectory): WorkflowSource[] {
  return loadPublishedWorkflows(directory).map((published) => published.versions.at(-1) as WorkflowSource);
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
/**
 * The state every final status leads to. In the versions listed in closing-notice's
 * `closingNoticeInWorkflowUpTo` it publishes the case's CaseClosed.v1 event; in every later
 * version the closing step writes that event to the outbox with the closing, and the expansion
 * ends the workflow where it led here (one state transition less per case). CaseClosed.v1 is
 * superseded by `be.loket.case.closed.v1`, which the case store publishes through the outbox with
 * every closing (a CloudEvent with a JSON Schema, GET /v1/events/schemas); kept because
 * consumers may rely on it. New consumers should match the case events instead.
 */
export const closingPublisher = 'PublishCaseClosed';
/** Where the legacy PublishCaseClosed state fails when it could not publish. */
const closingNotPublished = 'CaseClosedEventNotPublished';
/** The state a Choice on a task's outcome defaults to when no outcome matched. */
export const unknownOutcome = 'UnknownOutcome';

/**
 * The errors that close a case `failed`: a step refused the case as it is (its data, its type,
 * a mistake in the workflow), which running the step again would repeat. Every other error is
 * the infrastructure's (a Lambda service error, a timeout, a `TransientError` still failing
 * after its retries, a missing permission): no Catch takes it, so the execution fails at that
 * step with the case still open, and a redrive resumes there once the cause is gone.
 */
export const caseErrors = ['DomainError', 'ZodError', 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'States.ResultPathMatchFailure'];

/** Where a failure path keeps the error of the state it left: `$.failure.<state>`, so the failure recorder can name the state. */
export const failurePath = (state: string) => `$.failure.${state}`;

/**
 * How a Catch into the failure recorder keeps the error at `failure.<state>`: a ResultPath in a
 * JSONPath state; in a JSONata state, which has no ResultPath, an Output that adds it to the input.
 */
const keepFailure = (state: string, jsonata: boolean): Json =>
  jsonata ? { Output: `{% $merge([$states.input, {'failure': {${JSON.stringify(state)}: $states.errorOutput}}]) %}` } : { ResultPath: failurePath(state) };

/** The Catch into the failure recorder that every top-level step ends with. */
const failureCatcher = (state: string, jsonata: boolean) => ({ ErrorEquals: caseErrors, ...keepFailure(state, jsonata), Next: failureRecorder });

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
      Payload: { 'caseId.$': '$.caseId', status: 'failed', cancelOpenTasks: true, 'failure.$': '$.failure' },
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
          Source: closingNoticeSource,
          DetailType: closingNoticeDetailType,
          Detail: { 'caseId.$': '$.caseId', 'tenant.$': '$.tenant', 'type.$': '$.type', 'status.$': '$.closed.status' },
        },
      ],
    },
    ResultPath: null,
    Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' }],
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: closingNotPublished }],
    End: true,
  },
  [closingNotPublished]: {
    Type: 'Fail',
    Error: 'EventNotPublished',
    Cause: 'The case reached its final status but its CaseClosed event could not be published; redrive the execution.',
  },
};

/**
 * The standard ends written in JSONata, for a workflow whose top level is JSONata: there every
 * state runs JSONata unless it says otherwise, so the ends say the same as their JSONPath
 * versions in the workflow's own language.
 */
const standardEndsInJsonata: Readonly<Record<string, Json>> = {
  ...standardEnds,
  [failureRecorder]: {
    ...withoutJsonPathFields(standardEnds[failureRecorder]!),
    Arguments: {
      FunctionName: '${RecordStatusFunctionArn}',
      Payload: { caseId: '{% $states.input.caseId %}', status: 'failed', cancelOpenTasks: true, failure: '{% $states.input.failure %}' },
    },
    Output: '{% $states.input %}',
    Catch: [{ ErrorEquals: ['States.ALL'], Next: 'FailureNotRecorded' }],
  },
  [closingPublisher]: {
    ...withoutJsonPathFields(standardEnds[closingPublisher]!),
    Arguments: {
      Entries: [
        {
          EventBusName: '${EventBusName}',
          Source: closingNoticeSource,
          DetailType: closingNoticeDetailType,
          Detail: { caseId: '{% $states.input.caseId %}', tenant: '{% $states.input.tenant %}', type: '{% $states.input.type %}', status: '{% $states.input.closed.status %}' },
        },
      ],
    },
    Output: '{% $states.input %}',
    Catch: [{ ErrorEquals: ['States.ALL'], Next: closingNotPublished }],
  },
};

/** A state without the fields only JSONPath has (JSONata has `Arguments` and `Output` instead). */
function withoutJsonPathFields(state: Json): Json {
  const jsonPathOnly = ['Parameters', 'ResultPath', 'ResultSelector', 'InputPath', 'OutputPath', 'Result'];
  return Object.fromEntries(Object.entries(state).filter(([field]) => !jsonPathOnly.includes(field)));
}

const unknownOutcomeState: Json = {
  Type: 'Pass',
  Result: { Error: 'UnknownOutcome', Cause: 'The task was completed with an outcome this workflow does not know.' },
  ResultPath: failurePath(unknownOutcome),
  Next: failureRecorder,
};

const unknownOutcomeStateInJsonata: Json = {
  Type: 'Pass',
  Output: `{% $merge([$states.input, {'failure': {'${unknownOutcome}': ${JSON.stringify(unknownOutcomeState.Result)}}}]) %}`,
  Next: failureRecorder,
};

/** What the expansion reads of type.json; read defensively, since the designer's lint reports a broken type.json itself. */
interface DeclaredFigures {
  /** The type version (type.json's key and version): whether its workflow publishes CaseClosed.v1 itself (closing-notice). */
  readonly key?: unknown;
  readonly version?: unknown;
  readonly tasks?: Readonly<Record<string, { readonly expiresAfterDays?: unknown }>>;
  readonly messages?: Readonly<Record<string, { readonly expiresAfterDays?: unknown }>>;
  readonly periods?: Readonly<Record<string, { readonly days?: unknown }>>;
  readonly legalDeadline?: { readonly days?: unknown; readonly kind?: unknown };
  readonly extension?: { readonly allowed?: unknown; readonly maxDays?: unknown; readonly times?: unknown };
  readonly suspension?: { readonly allowed?: unknown; readonly maxDays?: unknown };
}

/** Step Functions ends a Standard execution after one year at most. */
export const maxExecutionSeconds = 365 * secondsPerDay;

/**
 * Calendar days that a deadline of `days` days of its kind can span at most, whatever day it
 * starts: five working days take at most a week, the first may wait out a weekend, a year's
 * public holidays (ten) may fall in each 250 working days; a calendar deadline ending on a
 * weekend or holiday moves to the next working day (at most four days on). One day more for
 * the end of the last day.
 */
export function calendarDaysAtMost(days: number, kind: 'working' | 'calendar'): number {
  return kind === 'working' ? days + 2 * Math.ceil(days / 5) + 2 + 10 * Math.ceil(days / 250) + 1 : days + 4 + 1;
}

/**
 * The days a case may run by law: its legal deadline, plus every extension it may get, plus the
 * longest suspension its type allows (a year when type.json bounds none).
 */
export function legalDays(type: DeclaredFigures): number | undefined {
  const deadline = positiveDays(type.legalDeadline?.days);
  if (deadline === undefined) return undefined;
  const kind = type.legalDeadline?.kind === 'working' ? 'working' : 'calendar';
  const extension = type.extension?.allowed === true ? (nonNegative(type.extension.maxDays) ?? 0) * (nonNegative(type.extension.times) ?? 0) : 0;
  const suspension = type.suspension?.allowed === true ? (nonNegative(type.suspension.maxDays) ?? 365) : 0;
  return calendarDaysAtMost(deadline, kind) + extension + suspension;
}

/**
 * The longest an execution can wait by its own timers, in seconds: the task-token timeouts and
 * Wait seconds along its longest path (a Parallel as its longest branch). Undefined when a path
 * loops back, since a loop can wait any number of times.
 */
export function longestWaitSeconds(machine: Json): number | undefined {
  const states = isObject(machine.States) ? machine.States : {};
  const memo = new Map<string, number | undefined>();
  const visiting = new Set<string>();
  const from = (name: string): number | undefined => {
    if (memo.has(name)) return memo.get(name);
    const state = states[name];
    if (!isObject(state)) return 0;
    if (visiting.has(name)) return undefined;
    visiting.add(name);
    let own = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : 0;
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') own = state.Seconds;
    for (const branch of Array.isArray(state.Branches) ? state.Branches : []) {
      const inner = isObject(branch) ? longestWaitSeconds(branch) : 0;
      own = inner === undefined ? Number.NaN : Math.max(own, inner);
    }
    const next = [...targetsOf({ [name]: state })].map(from);
    const after = next.some((value) => value === undefined) ? undefined : Math.max(0, ...(next as number[]));
    visiting.delete(name);
    const total = after === undefined || Number.isNaN(own) ? undefined : own + after;
    memo.set(name, total);
    return total;
  };
  return typeof machine.StartAt === 'string' ? from(machine.StartAt) : undefined;
}

/**
 * The execution's `TimeoutSeconds`: the days a case may run by law, or the longest its own
 * timers make it wait plus a day for its steps and retries when that is longer (a task may
 * expire after the legal deadline, and its expiry path must still run), capped at Step
 * Functions' one year. A suspension stops no timer of the workflow, so no suspension can
 * make an execution outlive it.
 */
export function executionTimeoutSeconds(machine: Json, type: DeclaredFigures): number | undefined {
  const legal = legalDays(type);
  if (legal === undefined) return undefined;
  const waits = longestWaitSeconds(machine);
  const own = waits === undefined ? maxExecutionSeconds : waits + secondsPerDay;
  return Math.min(maxExecutionSeconds, Math.max(legal * secondsPerDay, own));
}

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const positiveDays = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined);
const nonNegative = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined);

/** The task or message a callback state waits for, with the days its type declares it may take. */
function declaredExpiry(state: Json, type: DeclaredFigures): number | undefined {
  const call = state.Parameters ?? state.Arguments;
  const parameters = isObject(call) ? call : {};
  const payload = isObject(parameters.Payload) ? parameters.Payload : {};
  const name = payload.name;
  if (typeof name !== 'string') return undefined;
  const step = String(parameters.FunctionName);
  const declared = step.includes('${CreateTaskFunctionArn}') ? type.tasks?.[name] : step.includes('${AwaitMessageFunctionArn}') ? type.messages?.[name] : undefined;
  return positiveDays(declared?.expiresAfterDays);
}

const waitsForTaskToken = (state: Json) => typeof state.Resource === 'string' && state.Resource.endsWith('.waitForTaskToken');
const invokesLambda = (state: Json) => typeof state.Resource === 'string' && state.Resource.startsWith('arn:aws:states:::lambda:invoke');

/**
 * Completes the states of one state machine (the top level, or a Parallel branch when
 * `nested`). Only what the workflow leaves out is filled in; what it writes is kept.
 */
function expandStates(states: Json, type: DeclaredFigures, nested: boolean, language: unknown): Json {
  const expanded: Json = {};
  for (const [name, value] of Object.entries(states)) {
    if (!isObject(value)) {
      expanded[name] = value;
      continue;
    }
    const state: Json = { ...value };
    const jsonata = (state.QueryLanguage ?? language) === 'JSONata';
    if (Array.isArray(state.Branches)) {
      state.Branches = state.Branches.map((branch: unknown) =>
        isObject(branch) && isObject(branch.States) ? { ...branch, States: expandStates(branch.States, type, true, branch.QueryLanguage ?? language) } : branch,
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
      const catchers = (Array.isArray(state.Catch) ? (state.Catch as Json[]) : []).map((catcher) =>
        catcher.Next === failureRecorder ? { ...catcher, ...keepFailure(name, jsonata) } : catcher,
      );
      state.Catch = catchers.some((catcher) => catcher.Next === failureRecorder) ? catchers : [...catchers, failureCatcher(name, jsonata)];
    }
    expanded[name] = orderedLikeAsl(state);
  }
  return expanded;
}

/** The order in which a state's fields are written, so that the expanded ASL reads like hand-written ASL. */
const fieldOrder = ['Type', 'Comment', 'Resource', 'Parameters', 'Arguments', 'TimeoutSeconds', 'HeartbeatSeconds', 'ResultSelector', 'ResultPath', 'Output', 'Assign', 'Retry', 'Catch'];

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
 * Ends the workflow where it leads to PublishCaseClosed, for a version whose closing step publishes
 * CaseClosed.v1: a step that goes on to it ends there instead (`End: true`); a Choice or a Catch
 * that names it, which cannot end, goes to a Succeed state of that name.
 */
function endAtClosing(states: Json): void {
  let named = false;
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    if (state.Next === closingPublisher && state.Type !== 'Choice') {
      const { Next: _next, ...rest } = state;
      states[name] = { ...rest, End: true };
    }
    const choices = Array.isArray(state.Choices) ? (state.Choices as Json[]) : [];
    const catchers = Array.isArray(state.Catch) ? (state.Catch as Json[]) : [];
    if (state.Default === closingPublisher || [...choices, ...catchers].some((target) => target.Next === closingPublisher)) named = true;
  }
  if (named) states[closingPublisher] = { Type: 'Succeed', Comment: 'The case is closed: its closing step published CaseClosed.v1 with the closing.' };
}

/**
 * The ASL a workflow runs, from the workflow as written and its type.json (unvalidated):
 * - every Lambda step without a Retry retries the transient errors;
 * - every top-level step (Task or Parallel) catches the {@link caseErrors} into `RecordFailed`,
 *   which closes the case `failed` and records the state, its error and its cause; an
 *   infrastructure error fails the execution at the step, the case still open, for a redrive;
 * - the execution times out after {@link executionTimeoutSeconds};
 * - a task-token state without a timeout times out after the `expiresAfterDays` of the task
 *   it creates or the message it awaits; a Wait without a duration waits the `days` of the
 *   period of its name;
 * - `RecordFailed`, `PublishCaseClosed` and their ends, and `UnknownOutcome` when a Choice
 *   defaults to it, are added unless the workflow writes its own; in a version whose closing step
 *   publishes CaseClosed.v1 (closing-notice), the workflow ends where it leads to `PublishCaseClosed`.
 * What the workflow writes itself always wins, so a designer can still write any of it out.
 */
export function expandWorkflow(written: Json, declared: unknown): Json {
  const type: DeclaredFigures = isObject(declared) ? declared : {};
  if (!isObject(written.States)) return written;
  const jsonata = written.QueryLanguage === 'JSONata';
  const states = expandStates(written.States, type, false, written.QueryLanguage);
  if (targetsOf(states).has(unknownOutcome) && !(unknownOutcome in states)) states[unknownOutcome] = jsonata ? unknownOutcomeStateInJsonata : unknownOutcomeState;
  // A version whose closing step publishes CaseClosed.v1 ends where its workflow leads to PublishCaseClosed (unless it writes that state itself).
  const noticeByStep = !(closingPublisher in states) && !closingNoticeInWorkflow({ key: String(type.key), version: Number(type.version) });
  if (noticeByStep) endAtClosing(states);
  for (const [name, state] of Object.entries(jsonata ? standardEndsInJsonata : standardEnds)) {
    if (noticeByStep && (name === closingPublisher || name === closingNotPublished)) continue;
    if (!(name in states)) states[name] = jsonata ? orderedLikeAsl(state) : state;
  }
  const expanded: Json = { ...written, States: states };
  if (written.TimeoutSeconds === undefined) {
    const timeout = executionTimeoutSeconds(expanded, type);
    if (timeout !== undefined) return { ...written, TimeoutSeconds: timeout, States: states };
  }
  return expanded;
}
