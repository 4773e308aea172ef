import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { checkAslStructure } from './asl-structure';
import { knownPlaceholders } from '../functions/app.declaration';
import type { TransactionType } from '../functions/domain/transaction-type';
import { dataValidator, transactionTypeSchema } from '../functions/domain/transaction-type';
import { expandWorkflowText, placeholdersIn, substitutePlaceholders, workflowsDirectory } from '../workflows/definitions';
import { readTypeFile, typeFileOf } from '../workflows/type-loader';
import {
  awaitedName,
  invokedStep,
  isTerminal,
  nestedMachines,
  recordedStatus,
  recordsFinalStatus,
  statesOf,
  transitionsOf,
  waitsForTaskToken,
  type Machine,
  type State,
} from './workflow-graph';


/**
 * The errors every Lambda Task must retry: Lambda's own transient service errors, its
 * timeouts and out-of-memory ends (`Lambda.Unknown`, `Sandbox.Timedout`), and the steps'
 * `TransientError` (throttling, 5xx, timeouts and network errors of the clients they use).
 * Every step is idempotent, so retrying it is safe.
 */
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

/**
 * The error an execution fails with when its failure recorder could not write either: an
 * infrastructure failure, apart from a case that ends `failed`. Its own alarm and the
 * reconciler (which flags the case, still open) pick it up.
 */
export const failureNotRecorded = 'FailureNotRecorded';

const quoted = (values: Iterable<string>) => [...values].map((value) => `"${value}"`).join(', ');
const atState = (name: string, problem: string, fix: string) => `state "${name}": ${problem}; ${fix}`;

/** A path from StartAt that ends at a state without a final status having been recorded on the way. */
interface UnfinishedPath {
  readonly terminal: string;
  readonly path: readonly string[];
}

/**
 * Walks every path from StartAt, breadth first so that the path reported is a shortest one.
 * Along a Next, Choice or Default edge a state's recording counts; along a Catch edge it does
 * not, since the state failed. A Fail right after a step that records a status ends a path
 * properly (the failure recorder), and so does the `FailureNotRecorded` Fail that the failure
 * recorder's own Catch leads to (the reconciler flags that case). Inside a Parallel branch or Map processor a Fail does not end
 * the case (the parent's Catch takes over), so only successful ends count there.
 */
function unfinishedPaths(machine: Machine, type: TransactionType, nested = false): UnfinishedPath[] {
  interface Visit {
    readonly name: string;
    readonly recorded: boolean;
    readonly afterStatusRecorder: boolean;
    readonly path: readonly string[];
  }
  const found = new Map<string, UnfinishedPath>();
  const seen = new Set<string>();
  const queue: Visit[] = [{ name: machine.StartAt, recorded: false, afterStatusRecorder: false, path: [machine.StartAt] }];
  while (queue.length > 0) {
    const visit = queue.shift() as Visit;
    const key = `${visit.name}\u0000${visit.recorded}\u0000${visit.afterStatusRecorder}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const state = machine.States[visit.name];
    if (!state) continue;
    const recordsHere =
      recordsFinalStatus(state, type) || nestedMachines(state).some((inner) => unfinishedPaths(inner, type, true).length === 0);
    const recorded = visit.recorded || recordsHere;
    const properFailure = state.Type === 'Fail' && (visit.afterStatusRecorder || nested || state.Error === failureNotRecorded);
    if (isTerminal(state) && !recorded && !properFailure && !found.has(visit.name)) {
      found.set(visit.name, { terminal: visit.name, path: visit.path });
    }
    for (const transition of transitionsOf(state)) {
      const failed = transition.kind === 'catch' || transition.kind === 'timeout';
      queue.push({
        name: transition.target,
        recorded: failed ? visit.recorded : recorded,
        afterStatusRecorder: !failed && recordedStatus(state) !== undefined,
        path: [...visit.path, transition.target],
      });
    }
  }
  return [...found.values()];
}

function lintTask(name: string, state: State, all: Map<string, State>, type: TransactionType): string[] {
  const problems: string[] = [];
  const retriers = (state.Retry as Array<{ ErrorEquals: string[] }> | undefined) ?? [];
  const catchers = (state.Catch as Array<{ ErrorEquals: string[]; Next: string }> | undefined) ?? [];
  const retried = new Set(retriers.flatMap((retrier) => retrier.ErrorEquals));
  const transientRetry = `add a Retry for ${quoted(transientErrors)}`;
  if (retriers.length === 0) {
    problems.push(atState(name, 'has no Retry', transientRetry));
  } else if (!retried.has('States.ALL') && !transientErrors.every((error) => retried.has(error)) && String(state.Resource).includes(':lambda:')) {
    const missing = transientErrors.filter((error) => !retried.has(error));
    problems.push(atState(name, `does not retry the transient errors ${quoted(missing)}`, `add them to its Retry`));
  }
  if (recordedStatus(state) === 'failed') {
    const fallback = catchers.find((catcher) => catcher.ErrorEquals.includes('States.ALL'));
    const target = fallback ? all.get(fallback.Next) : undefined;
    if (target?.Type !== 'Fail' || target.Error !== failureNotRecorded) {
      problems.push(
        atState(name, 'records the "failed" status but does not catch its own failure', `add a Catch for "States.ALL" into a Fail state with "Error": "${failureNotRecorded}"`),
      );
    }
  }
  const catchesAll = catchers.some((catcher) => catcher.ErrorEquals.includes('States.ALL'));
  if (!catchesAll && all.get(String(state.Next))?.Type !== 'Fail') {
    problems.push(atState(name, 'does not catch "States.ALL" into a failure path', 'add a Catch for "States.ALL" whose Next records the "failed" status'));
  }
  if (waitsForTaskToken(state)) {
    const handlesTimeout = catchers.some((catcher) => catcher.ErrorEquals.includes('States.Timeout'));
    if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
      problems.push(atState(name, 'waits for a task token without TimeoutSeconds', 'add "TimeoutSeconds" and a Catch for "States.Timeout"'));
    } else if (!handlesTimeout) {
      problems.push(atState(name, 'waits for a task token without handling "States.Timeout"', 'add a Catch for "States.Timeout" whose Next records an expiry status'));
    }
  }
  const declared = type.statuses.map((status) => status.code);
  for (const status of literalStatuses(state.Parameters)) {
    if (!declared.includes(status)) {
      problems.push(atState(name, `records status "${status}", which type.json does not declare`, `declare it in "statuses" or use one of ${quoted(declared)}`));
    }
  }
  const step = invokedStep(state);
  const awaited = awaitedName(state);
  if (step === 'create-task' && awaited !== undefined && !(awaited in type.tasks)) {
    problems.push(atState(name, `creates task "${awaited}", which type.json does not declare in "tasks"`, `declare it or use one of ${quoted(Object.keys(type.tasks))}`));
  }
  if (step === 'await-message' && awaited !== undefined && !(awaited in type.messages)) {
    const known = Object.keys(type.messages);
    const fix = known.length > 0 ? `declare it in "messages" or use one of ${quoted(known)}` : 'declare it in "messages"';
    problems.push(atState(name, `waits for message "${awaited}", which type.json does not declare in "messages"`, fix));
  }
  return problems;
}

const secondsPerDay = 86_400;
const inDays = (seconds: number) => (seconds % secondsPerDay === 0 ? `${seconds / secondsPerDay} days` : `${seconds} seconds`);

/**
 * The legal figures: every fixed wait in the workflow is one type.json declares, so the two
 * cannot drift. A Wait's `Seconds` is the period of the same name in "periods"; a task-token
 * state's `TimeoutSeconds` is the "expiresAfterDays" of the task it creates or the message it
 * awaits; a declared period has its Wait state.
 */
function lintFigures(all: Map<string, State>, type: TransactionType): string[] {
  const problems: string[] = [];
  for (const [name, state] of all) {
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') {
      const period = type.periods[name];
      if (!period) {
        problems.push(atState(name, `waits ${inDays(state.Seconds)}, a period type.json does not declare`, `declare it in "periods" as "${name}": { "days": …, "description": … }`));
      } else if (state.Seconds !== period.days * secondsPerDay) {
        problems.push(
          atState(name, `waits ${inDays(state.Seconds)}, but type.json declares the ${period.description.en} as ${period.days} days`, `set "Seconds" to ${period.days * secondsPerDay} or change "periods"`),
        );
      }
    }
    if (state.Type === 'Task' && waitsForTaskToken(state) && typeof state.TimeoutSeconds === 'number') {
      const awaited = awaitedName(state);
      const step = invokedStep(state);
      const [section, declared] =
        step === 'create-task' && awaited !== undefined ? (['tasks', type.tasks[awaited]] as const)
        : step === 'await-message' && awaited !== undefined ? (['messages', type.messages[awaited]] as const)
        : [undefined, undefined];
      // An undeclared task or message is reported by its own rule.
      if (!section || !declared) continue;
      const entry = `${section}."${awaited}"`;
      if (declared.expiresAfterDays === undefined) {
        problems.push(atState(name, `times out after ${inDays(state.TimeoutSeconds)}, which type.json does not declare`, `add "expiresAfterDays" to ${entry}`));
      } else if (state.TimeoutSeconds !== declared.expiresAfterDays * secondsPerDay) {
        problems.push(
          atState(
            name,
            `times out after ${inDays(state.TimeoutSeconds)}, but type.json declares "expiresAfterDays": ${declared.expiresAfterDays} for ${entry}`,
            `set "TimeoutSeconds" to ${declared.expiresAfterDays * secondsPerDay} or change type.json`,
          ),
        );
      }
    }
  }
  for (const [name, period] of Object.entries(type.periods)) {
    if (all.get(name)?.Type !== 'Wait') {
      problems.push(`type.json declares the ${period.description.en} "${name}", but the workflow has no Wait state "${name}"; add it or remove the period`);
    }
  }
  return problems;
}

/** The most calendar days `workingDays` working days can take: weekends count, holidays do not. */
export function longestSpanOf(workingDays: number): number {
  return workingDays + 2 * Math.ceil(workingDays / 5);
}

/**
 * The figures type.json must agree with itself on: a task does not expire before it falls
 * due, and a text that names a period says its number of days.
 */
function figureProblems(type: TransactionType): string[] {
  const problems: string[] = [];
  for (const [name, task] of Object.entries(type.tasks)) {
    const span = longestSpanOf(task.dueInWorkingDays);
    if (task.expiresAfterDays !== undefined && task.expiresAfterDays < span) {
      problems.push(
        `"tasks.${name}.expiresAfterDays" is ${task.expiresAfterDays}, so the task can expire before it falls due (${task.dueInWorkingDays} working days can take ${span} calendar days); make it at least ${span}`,
      );
    }
  }
  const texts = [
    ['title', type.title],
    ['description', type.description],
    ...type.statuses.map((status, index) => [`statuses.${index}.citizenText`, status.citizenText] as const),
    ...Object.entries(type.tasks).map(([name, task]) => [`tasks.${name}.title`, task.title] as const),
    ...Object.entries(type.messages).map(([name, message]) => [`messages.${name}.description`, message.description] as const),
  ] as const;
  for (const period of Object.values(type.periods)) {
    for (const [where, text] of texts) {
      for (const language of ['nl', 'en'] as const) {
        if (!text[language].toLowerCase().includes(period.description[language].toLowerCase())) continue;
        for (const match of text[language].matchAll(/(\d+)[\s-]+(?:kalender)?(?:dagen|dag|calendar days|days|day)\b/gi)) {
          if (Number(match[1]) !== period.days) {
            problems.push(`"${where}.${language}" says "${match[0]}" for the ${period.description.en}, which is ${period.days} days; make them equal`);
          }
        }
      }
    }
  }
  return problems;
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
 * handles States.Timeout; every status a step records, task it creates and message it awaits
 * is declared by the type; every Wait period and task-token timeout is the figure type.json
 * declares; every path ends in a final status.
 * Returns the problems found, each naming the state, what is wrong and what to change; empty
 * when the workflow is sound.
 */
export function lintWorkflow(definitionText: string, type: TransactionType): string[] {
  let raw: Machine;
  try {
    raw = JSON.parse(definitionText) as Machine;
  } catch (error) {
    return [`not valid JSON (${(error as Error).message}); fix the syntax`];
  }
  const unknown = placeholdersIn(definitionText).filter((name) => !knownPlaceholders.includes(name));
  if (unknown.length > 0) {
    return unknown.map((placeholder) => {
      const users = [...statesOf(raw)].filter(([, state]) => JSON.stringify(state).includes(`\${${placeholder}}`)).map(([name]) => name);
      const where = users.length > 0 ? `state "${users.join('", "')}": ` : '';
      return `${where}uses unknown placeholder \${${placeholder}}; use one of ${knownPlaceholders.join(', ')} (functions/app.declaration.ts)`;
    });
  }

  const problems: string[] = [];
  const dummyValues = Object.fromEntries(
    knownPlaceholders.map((name) => [name, name.endsWith('FunctionArn') ? `arn:aws:lambda:eu-west-1:000000000000:function:${name}` : name]),
  );
  const definition = JSON.parse(substitutePlaceholders(definitionText, dummyValues)) as Machine;
  const validation = checkAslStructure(definition);
  if (!validation.isValid) problems.push(`invalid ASL: ${validation.errors}; correct it against the Amazon States Language specification`);
  if (definition.QueryLanguage === 'JSONata') problems.push('the workflow uses QueryLanguage "JSONata"; use "JSONPath" (the local engine runs JSONPath only)');

  const all = new Map(statesOf(definition));
  for (const [name, state] of all) {
    if (state.QueryLanguage === 'JSONata') problems.push(atState(name, 'uses QueryLanguage "JSONata"', 'use "JSONPath"'));
    if (state.Type === 'Task') problems.push(...lintTask(name, state, all, type));
  }
  problems.push(...lintFigures(all, type));

  if (validation.isValid) {
    const finals = type.statuses.filter((status) => status.final).map((status) => status.code);
    for (const { terminal, path } of unfinishedPaths(definition, type)) {
      problems.push(
        atState(
          terminal,
          `a path ends here without recording a final status (${path.join(' → ')})`,
          `record one of the final statuses ${quoted(finals)} on that path before it ends`,
        ),
      );
    }
  }
  return problems;
}

/** The problems of one `<key>/` folder: its type.json and its workflow.asl.json, each message prefixed with the file. */
export interface FolderValidation {
  readonly key: string;
  readonly problems: readonly string[];
}

/** How a file is named in messages: relative to the working directory when it lies below it. */
function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? path : shown.split(sep).join('/');
}

function validateType(raw: unknown, key: string, file: string): { type?: TransactionType; problems: string[] } {
  const parsed = transactionTypeSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const where = issue.path.length > 0 ? `"${issue.path.join('.')}": ` : '';
      return `${file}: ${where}${issue.message}; fix it to match transactionTypeSchema (functions/domain/transaction-type.ts)`;
    });
    return { problems };
  }
  const type = parsed.data;
  const problems: string[] = [];
  if (type.key !== key) problems.push(`${file}: "key" is "${type.key}" but the folder is "${key}"; make them equal`);
  if (type.example.type !== key) problems.push(`${file}: "example.type" is "${type.example.type}"; set it to "${key}"`);
  problems.push(...figureProblems(type).map((problem) => `${file}: ${problem}`));
  const example = dataValidator(type).safeParse(type.example.data);
  if (!example.success) {
    for (const issue of example.error.issues) {
      const where = ['example', 'data', ...issue.path].join('.');
      problems.push(`${file}: "${where}" does not match "inputSchema": ${issue.message}; change the example or the schema`);
    }
  }
  return { type, problems };
}

/** Validates one transaction type folder: type.json against its schema and its example, then the workflow's rules. */
export function validateWorkflowFolder(key: string, directory: string = workflowsDirectory): FolderValidation {
  const typeFile = typeFileOf(directory, key);
  const workflowFile = join(directory, key, 'workflow.asl.json');
  const shownType = displayPath(typeFile);
  const shownWorkflow = displayPath(workflowFile);
  const problems: string[] = [];
  let type: TransactionType | undefined;
  if (!existsSync(typeFile)) {
    problems.push(`${shownType}: missing; add the type's metadata`);
  } else {
    let raw: unknown;
    try {
      raw = readTypeFile(directory, key);
    } catch (error) {
      const cause = (error as Error).message.replace(/^.* is not valid JSON: /, '');
      problems.push(`${shownType}: not valid JSON (${cause}); fix the syntax`);
    }
    if (raw !== undefined) {
      const checked = validateType(raw, key, shownType);
      type = checked.type;
      problems.push(...checked.problems);
    }
  }
  if (!existsSync(workflowFile)) {
    problems.push(`${shownWorkflow}: missing; add the workflow's definition`);
  } else if (type) {
    problems.push(...lintWorkflow(expandWorkflowText(readFileSync(workflowFile, 'utf8'), type), type).map((problem) => `${shownWorkflow}: ${problem}`));
  } else {
    problems.push(`${shownWorkflow}: not checked until ${shownType} is valid`);
  }
  return { key, problems };
}

/** The transaction type folders in `directory`, in key order. */
export function workflowKeys(directory: string = workflowsDirectory): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && ['type.json', 'workflow.asl.json'].some((file) => existsSync(join(directory, entry.name, file))))
    .map((entry) => entry.name)
    .sort();
}

/** Validates one type, or every type folder in `directory`. */
export function validateWorkflows(options: { directory?: string; key?: string } = {}): FolderValidation[] {
  const directory = options.directory ?? workflowsDirectory;
  if (options.key !== undefined) {
    if (!existsSync(join(directory, options.key))) {
      return [{ key: options.key, problems: [`${displayPath(join(directory, options.key))}: no such transaction type folder; use one of ${workflowKeys(directory).join(', ')}`] }];
    }
    return [validateWorkflowFolder(options.key, directory)];
  }
  return workflowKeys(directory).map((key) => validateWorkflowFolder(key, directory));
}
