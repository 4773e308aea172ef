import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAslStructure } from './asl-structure';
import { analyseDataFlow, type ChoiceFinding, type PayloadFinding, type UnwrittenRead } from './data-flow';
import { stepContracts } from './step-contracts';
import { knownPlaceholders } from '../functions/app.declaration';
import { closingNoticeDetailType, closingNoticeInWorkflow } from '../functions/domain/closing-notice';
import { entryStateNames } from '../functions/domain/migration';
import type { TransactionType } from '../functions/domain/transaction-type';
import { dataValidator, transactionTypeSchema } from '../functions/domain/transaction-type';
import { failureNotRecorded } from '../functions/ports/workflow-engine.port';
import { caseErrors, expandWorkflowText, placeholdersIn, substitutePlaceholders, transientErrors, workflowsDirectory } from '../workflows/definitions';
import { documentProblems, readTypeFile, typeFileOf } from '../workflows/type-loader';
import {
  awaitedName,
  callOf,
  invokedStep,
  isJsonataExpression,
  isObject,
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

/** Every Lambda Task retries these (the loader adds that Retry where a workflow writes none); every step is idempotent. */
export { failureNotRecorded, transientErrors };

/**
 * Every problem `validate` reports, by its code, with what it means. A designer searches the
 * workflows README for the code; the README lists them all (a test holds it to this list).
 */
export const problemCodes = {
  LOKET_FILE_MISSING: 'type.json or workflow.asl.json is missing from the folder',
  LOKET_JSON_INVALID: 'a file is not valid JSON',
  LOKET_TYPE_UNKNOWN: 'no folder of that name',
  LOKET_TYPE_SCHEMA: 'type.json does not match type.schema.json',
  LOKET_TYPE_KEY_MISMATCH: '"key" or "example.type" is not the folder\'s name',
  LOKET_IPDC_PRODUCT_ID: '"ipdcProductId" is missing or not an IPDC product id',
  LOKET_EXAMPLE_INVALID: 'the example request does not match "inputSchema"',
  LOKET_STATUS_REQUIRED: '"withdrawn" or "failed" is not declared as a final status',
  LOKET_STATUS_ORDER_DUPLICATE: 'two statuses share an "order"',
  LOKET_STATUS_UNDECLARED: 'a step records a status type.json does not declare',
  LOKET_STATUS_FINAL_ON_WAIT: 'a waiting step (create-task, await-message) records a final status, which would close the case before it waits',
  LOKET_CLOSING_PUBLISHED_TWICE: "a state publishes CaseClosed.v1 in a version whose closing step publishes it already",
  LOKET_STATE_NAME_RESERVED: 'a top-level state named like a state the loader adds to a version that takes moved cases',
  LOKET_STATUS_UNUSED: 'a declared status no step records',
  LOKET_TASK_UNDECLARED: 'a step creates a task type.json does not declare',
  LOKET_TASK_UNUSED: 'a declared task no step creates',
  LOKET_MESSAGE_UNDECLARED: 'a step waits for a message type.json does not declare',
  LOKET_MESSAGE_UNUSED: 'a declared message no step waits for',
  LOKET_OUTCOME_UNUSED: "a task offers outcomes, but nothing reads the task's outcome",
  LOKET_OUTCOME_UNHANDLED: 'a declared outcome that no Choice rule handles, so the case fails',
  LOKET_CHOICE_UNKNOWN_OUTCOME: 'a Choice tests a value the task it tests cannot answer',
  LOKET_PATH_UNWRITTEN: 'a state reads a path that some way into it does not write',
  LOKET_PAYLOAD_FIELD_MISSING: 'a step is called without a Payload field it needs',
  LOKET_TASK_TOKEN_MISMATCH: 'a step that resumes the workflow later is called without ".waitForTaskToken", or one that answers at once with it',
  LOKET_PAYLOAD_FIELD_MISSPELT: 'a Payload field a step does not know, close to one it does',
  LOKET_RESULT_FIELD_UNKNOWN: "a ResultSelector reads a field the step does not answer",
  LOKET_VARIABLE_UNASSIGNED: 'a state reads a variable no earlier Assign sets',
  LOKET_DOCUMENT_UNDECLARED: 'a step issues a document the folder does not declare',
  LOKET_DOCUMENT_INVALID: "a document template that is missing or names what a case does not hold",
  LOKET_PLACEHOLDER_UNKNOWN: 'a ${Placeholder} neither host can fill in',
  LOKET_ASL_INVALID: 'the definition breaks the Amazon States Language',
  LOKET_RETRY_MISSING: 'a Task without Retry',
  LOKET_RETRY_INCOMPLETE: 'a Lambda Task that does not retry every transient error',
  LOKET_CATCH_MISSING: 'a Task whose failure does not reach the failure recorder',
  LOKET_FAILURE_RECORDER_UNCAUGHT: 'the failure recorder does not catch its own failure',
  LOKET_TIMEOUT_MISSING: 'a task-token state that could wait forever',
  LOKET_TIMEOUT_UNHANDLED: 'a task-token state whose timeout fails the case',
  LOKET_TIMEOUT_UNDECLARED: 'a timeout type.json does not declare as "expiresAfterDays"',
  LOKET_TIMEOUT_MISMATCH: 'a timeout other than the declared "expiresAfterDays"',
  LOKET_TIMEOUT_BEFORE_DUE: 'a task that times out before it falls due',
  LOKET_PERIOD_UNDECLARED: 'a Wait of a period type.json does not declare',
  LOKET_PERIOD_MISMATCH: 'a Wait other than the declared period',
  LOKET_PERIOD_WITHOUT_WAIT: 'a declared period no Wait state waits out',
  LOKET_TEXT_DAYS_MISMATCH: 'a text that names a period with other days',
  LOKET_FINAL_STATUS_MISSING: 'a path that ends without a final status',
  LOKET_NOT_CHECKED: 'the workflow waits until type.json is valid',
} as const;

export type ProblemCode = keyof typeof problemCodes;

/** One problem: its code, where it is in the designer's words (a state, a field of type.json, a file), and what is wrong and what to change. */
export interface Problem {
  readonly code: ProblemCode;
  readonly at: string;
  readonly text: string;
}

const quoted = (values: Iterable<string>) => [...values].map((value) => `"${value}"`).join(', ');
const problem = (code: ProblemCode, at: string, what: string, fix: string): Problem => ({ code, at, text: `${what}; ${fix}` });
const inState = (name: string) => `state "${name}"`;
const inType = (field?: string) => (field === undefined ? 'type.json' : `type.json "${field}"`);

/** A problem as validate prints it: `LOKET_… <type>, <where>: <what>; <fix>`. */
export function formatProblem(key: string, found: Problem): string {
  return `${found.code} ${key}, ${found.at}: ${found.text}`;
}

/** The task or message a task-token state waits for, as type.json declares it; undefined when it declares none of that name. */
function declaredEntry(state: State, type: TransactionType): { entry: string; task?: TransactionType['tasks'][string] & { name: string }; expiresAfterDays?: number } | undefined {
  const awaited = awaitedName(state);
  if (awaited === undefined) return undefined;
  const step = invokedStep(state);
  const task = step === 'create-task' ? type.tasks[awaited] : undefined;
  if (task) return { entry: `tasks."${awaited}"`, task: { ...task, name: awaited }, expiresAfterDays: task.expiresAfterDays };
  const message = step === 'await-message' ? type.messages[awaited] : undefined;
  return message ? { entry: `messages."${awaited}"`, expiresAfterDays: message.expiresAfterDays } : undefined;
}

function lintTask(name: string, state: State, all: Map<string, State>, type: TransactionType, nested: boolean): Problem[] {
  const problems: Problem[] = [];
  const at = inState(name);
  const retriers = (state.Retry as Array<{ ErrorEquals: string[] }> | undefined) ?? [];
  const catchers = (state.Catch as Array<{ ErrorEquals: string[]; Next: string }> | undefined) ?? [];
  const retried = new Set(retriers.flatMap((retrier) => retrier.ErrorEquals));
  if (retriers.length === 0) {
    const fix = String(state.Resource).includes(':lambda:')
      ? `remove its empty "Retry" (the loader then adds the standard one), or retry ${quoted(transientErrors)}`
      : 'add a Retry for the errors a retry can cure';
    problems.push(problem('LOKET_RETRY_MISSING', at, 'has no Retry', fix));
  } else if (!retried.has('States.ALL') && !transientErrors.every((error) => retried.has(error)) && String(state.Resource).includes(':lambda:')) {
    const missing = transientErrors.filter((error) => !retried.has(error));
    problems.push(problem('LOKET_RETRY_INCOMPLETE', at, `does not retry the transient errors ${quoted(missing)}`, 'add them to its Retry'));
  }
  if (recordedStatus(state) === 'failed') {
    const fallback = catchers.find((catcher) => catcher.ErrorEquals.includes('States.ALL'));
    const target = fallback ? all.get(fallback.Next) : undefined;
    if (target?.Type !== 'Fail' || target.Error !== failureNotRecorded) {
      problems.push(
        problem('LOKET_FAILURE_RECORDER_UNCAUGHT', at, 'records the "failed" status but does not catch its own failure', `add a Catch for "States.ALL" into a Fail state with "Error": "${failureNotRecorded}"`),
      );
    }
  }
  // The loader's catch of the case errors counts: the infrastructure's errors are left to fail the execution for a redrive.
  const catchesAll = catchers.some((catcher) => catcher.ErrorEquals.includes('States.ALL') || caseErrors.every((error) => catcher.ErrorEquals.includes(error)));
  // Inside a Parallel branch an uncaught error fails the branch, and the Parallel's Catch takes it.
  if (!catchesAll && !nested && all.get(String(state.Next))?.Type !== 'Fail') {
    problems.push(problem('LOKET_CATCH_MISSING', at, 'does not catch "States.ALL" into a failure path', 'add a Catch for "States.ALL" whose Next records the "failed" status'));
  }
  if (waitsForTaskToken(state)) {
    const handlesTimeout = catchers.some((catcher) => catcher.ErrorEquals.includes('States.Timeout'));
    if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
      const entry = declaredEntry(state, type);
      const fix = entry ? `declare "expiresAfterDays" for ${entry.entry} in type.json (the timeout follows from it)` : 'add "TimeoutSeconds"';
      problems.push(problem('LOKET_TIMEOUT_MISSING', at, 'waits for a task token without a timeout, so the case could wait forever', `${fix}, and a Catch for "States.Timeout"`));
    } else if (!handlesTimeout) {
      problems.push(problem('LOKET_TIMEOUT_UNHANDLED', at, 'waits for a task token without handling "States.Timeout"', 'add a Catch for "States.Timeout" whose Next records an expiry status'));
    }
  }
  const declared = type.statuses.map((status) => status.code);
  for (const status of literalStatuses(callOf(state))) {
    // A missing "withdrawn" or "failed" is told once, by typeProblems (LOKET_STATUS_REQUIRED).
    if (!declared.includes(status) && !(status in requiredStatuses)) {
      problems.push(problem('LOKET_STATUS_UNDECLARED', at, `records status "${status}", which type.json does not declare`, `declare it in "statuses" or use one of ${quoted(declared)}`));
    }
  }
  const step = invokedStep(state);
  const waitingStatus = step === 'create-task' || step === 'await-message' ? recordedStatus(state) : undefined;
  if (type.statuses.some((status) => status.code === waitingStatus && status.final)) {
    problems.push(
      problem(
        'LOKET_STATUS_FINAL_ON_WAIT',
        at,
        `records the final status "${waitingStatus}" before it waits, so the case would close and the ${step === 'create-task' ? 'task' : 'message'} never come`,
        'record a status that is not final, or record the final status in a step after the wait',
      ),
    );
  }
  const contract = step === undefined ? undefined : stepContracts[step];
  if (contract && contract.waitsForTaskToken !== waitsForTaskToken(state)) {
    problems.push(
      contract.waitsForTaskToken
        ? problem('LOKET_TASK_TOKEN_MISMATCH', at, `calls ${step} without ".waitForTaskToken", so the workflow goes on at once instead of waiting for its answer`, 'use "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken" and pass "taskToken.$": "$$.Task.Token"')
        : problem('LOKET_TASK_TOKEN_MISMATCH', at, `calls ${step} with ".waitForTaskToken", but it answers at once and never returns the token, so the case waits until its timeout`, 'use "Resource": "arn:aws:states:::lambda:invoke"'),
    );
  }
  const awaited = awaitedName(state);
  if (step === 'create-task' && awaited !== undefined && !(awaited in type.tasks)) {
    problems.push(problem('LOKET_TASK_UNDECLARED', at, `creates task "${awaited}", which type.json does not declare in "tasks"`, `declare it or use one of ${quoted(Object.keys(type.tasks))}`));
  }
  if (step === 'await-message' && awaited !== undefined && !(awaited in type.messages)) {
    const known = Object.keys(type.messages);
    const fix = known.length > 0 ? `declare it in "messages" or use one of ${quoted(known)}` : 'declare it in "messages"';
    problems.push(problem('LOKET_MESSAGE_UNDECLARED', at, `waits for message "${awaited}", which type.json does not declare in "messages"`, fix));
  }
  return problems;
}

const secondsPerDay = 86_400;

/** A duration as a designer reads it: in days when whole, else in hours, minutes or seconds. */
export function inDays(seconds: number): string {
  const unit = (amount: number, name: string) => `${amount} ${name}${amount === 1 ? '' : 's'}`;
  if (seconds % secondsPerDay === 0) return unit(seconds / secondsPerDay, 'day');
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour');
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute');
  return unit(seconds, 'second');
}

/** The most calendar days `workingDays` working days can take: weekends count, holidays do not. */
export function longestSpanOf(workingDays: number): number {
  return workingDays + 2 * Math.ceil(workingDays / 5);
}

/**
 * The legal figures: every fixed wait in the workflow is one type.json declares, so the two
 * cannot drift. A Wait's `Seconds` is the period of the same name in "periods"; a task-token
 * state's `TimeoutSeconds` is the "expiresAfterDays" of the task it creates or the message it
 * awaits, and a task does not time out before it falls due; a declared period has its Wait state.
 */
function lintFigures(all: Map<string, State>, type: TransactionType): Problem[] {
  const problems: Problem[] = [];
  for (const [name, state] of all) {
    const at = inState(name);
    if (state.Type === 'Wait' && typeof state.Seconds === 'number') {
      const period = type.periods[name];
      if (!period) {
        problems.push(problem('LOKET_PERIOD_UNDECLARED', at, `waits ${inDays(state.Seconds)}, a period type.json does not declare`, `declare it in "periods" as "${name}": { "days": …, "description": … }`));
      } else if (state.Seconds !== period.days * secondsPerDay) {
        problems.push(
          problem('LOKET_PERIOD_MISMATCH', at, `waits ${inDays(state.Seconds)}, but type.json declares the ${period.description.en} as ${period.days} days`, 'remove "Seconds" (the wait follows from "periods") or change "periods"'),
        );
      }
    }
    const declared = waitsForTaskToken(state) && typeof state.TimeoutSeconds === 'number' ? declaredEntry(state, type) : undefined;
    // An undeclared task or message is reported by its own rule.
    if (!declared) continue;
    const timeout = state.TimeoutSeconds as number;
    const { entry, task, expiresAfterDays } = declared;
    const span = task ? longestSpanOf(task.dueInWorkingDays) : 0;
    const derived = expiresAfterDays !== undefined && timeout === expiresAfterDays * secondsPerDay;
    // A timeout that follows from "expiresAfterDays" is judged once, on type.json (typeProblems).
    if (task && timeout < span * secondsPerDay && !derived) {
      const expiry = Math.max(span, expiresAfterDays ?? span);
      problems.push(
        problem(
          'LOKET_TIMEOUT_BEFORE_DUE',
          at,
          `times out after ${inDays(timeout)}, before task "${task.name}" falls due (type.json: "dueInWorkingDays": ${task.dueInWorkingDays}, which can take ${span} calendar days)`,
          expiresAfterDays !== undefined && expiresAfterDays >= span
            ? `remove "TimeoutSeconds": the timeout then follows from "expiresAfterDays": ${expiresAfterDays} of ${entry}`
            : `remove "TimeoutSeconds" and declare "expiresAfterDays": ${expiry} (or more) for ${entry}; the timeout follows from it`,
        ),
      );
    } else if (expiresAfterDays === undefined) {
      problems.push(problem('LOKET_TIMEOUT_UNDECLARED', at, `times out after ${inDays(timeout)}, which type.json does not declare`, `add "expiresAfterDays" to ${entry} and remove "TimeoutSeconds"; the timeout follows from it`));
    } else if (timeout !== expiresAfterDays * secondsPerDay) {
      problems.push(
        problem(
          'LOKET_TIMEOUT_MISMATCH',
          at,
          `times out after ${inDays(timeout)}, but type.json declares "expiresAfterDays": ${expiresAfterDays} for ${entry}`,
          'remove "TimeoutSeconds" (the timeout follows from "expiresAfterDays") or change type.json',
        ),
      );
    }
  }
  for (const [name, period] of Object.entries(type.periods)) {
    if (all.get(name)?.Type !== 'Wait') {
      problems.push(problem('LOKET_PERIOD_WITHOUT_WAIT', inType(`periods.${name}`), `declares the ${period.description.en} "${name}", but the workflow has no Wait state "${name}"`, 'add it or remove the period'));
    }
  }
  return problems;
}

/** The statuses every type declares as final, with what goes wrong without each. */
const requiredStatuses: Readonly<Record<string, string>> = {
  withdrawn: "a citizen's withdrawal would be refused with 409 Conflict",
  failed: 'a step that fails could not close the case, which would stay open until an operator looks',
};

/** The statuses a case reaches without any step recording them: the first one on submission, and withdrawn from the API. */
const statusesSetOutsideTheWorkflow = ['withdrawn'];

/**
 * What type.json must say of itself: "withdrawn" and "failed" are final statuses (a withdrawal
 * and the failure recorder need them), no two statuses share an order, a task does not expire
 * before it falls due, and a text that names a period says its number of days.
 */
export function typeProblems(type: TransactionType): Problem[] {
  const problems: Problem[] = [];
  for (const [code, without] of Object.entries(requiredStatuses)) {
    const declared = type.statuses.find((status) => status.code === code);
    if (!declared) {
      problems.push(problem('LOKET_STATUS_REQUIRED', inType('statuses'), `declares no status "${code}": ${without}`, `add { "code": "${code}", "order": …, "citizenText": { "nl": …, "en": … }, "inform": true, "final": true }`));
    } else if (!declared.final) {
      problems.push(problem('LOKET_STATUS_REQUIRED', inType(`statuses.${type.statuses.indexOf(declared)}.final`), `status "${code}" is not final: the case would stay open after it`, 'set "final": true'));
    }
  }
  const byOrder = new Map<number, string[]>();
  for (const status of type.statuses) byOrder.set(status.order, [...(byOrder.get(status.order) ?? []), status.code]);
  for (const [order, codes] of byOrder) {
    if (codes.length > 1) {
      problems.push(problem('LOKET_STATUS_ORDER_DUPLICATE', inType('statuses'), `the statuses ${quoted(codes)} all have "order": ${order}`, 'give each status an order of its own'));
    }
  }
  for (const [name, task] of Object.entries(type.tasks)) {
    const span = longestSpanOf(task.dueInWorkingDays);
    if (task.expiresAfterDays !== undefined && task.expiresAfterDays < span) {
      problems.push(
        problem(
          'LOKET_TIMEOUT_BEFORE_DUE',
          inType(`tasks.${name}.expiresAfterDays`),
          `is ${task.expiresAfterDays}, so the task can expire before it falls due (${task.dueInWorkingDays} working days can take ${span} calendar days)`,
          `make it at least ${span}`,
        ),
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
            problems.push(problem('LOKET_TEXT_DAYS_MISMATCH', inType(`${where}.${language}`), `says "${match[0]}" for the ${period.description.en}, which is ${period.days} days`, 'make them equal'));
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
  return Object.entries(value).flatMap(([key, inner]) => (key === 'status' && typeof inner === 'string' && !isJsonataExpression(inner) ? [inner] : literalStatuses(inner)));
}

/** Whether a step records a status it reads from the data (`"status.$"`, or a JSONata expression), which the lint cannot follow. */
function recordsComputedStatus(state: State): boolean {
  const step = invokedStep(state);
  if (step === undefined || !['record-status', 'issue-certificate', 'create-task', 'await-message'].includes(step)) return false;
  const call = callOf(state);
  const payload = call && isObject(call.Payload) ? call.Payload : {};
  return 'status.$' in payload || isJsonataExpression(payload.status);
}

/** A path that ends at a state without a final status having been recorded on the way. */
interface UnfinishedPath {
  readonly terminal: string;
  readonly path: readonly string[];
}

/**
 * Walks every path from StartAt, breadth first so that the path reported is a shortest one.
 * Along a Next, Choice or Default edge a state's recording counts; along a Catch edge it does
 * not, since the state failed. A Fail right after a step that records a status ends a path
 * properly (the failure recorder), and so does the `FailureNotRecorded` Fail that the failure
 * recorder's own Catch leads to (the reconciler flags that case). Inside a Parallel branch or
 * Map processor a Fail does not end the case (the parent's Catch takes over), so only
 * successful ends count there.
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

/** The fields in which a JSONata state reads its input (`$states.input`). */
const jsonataFields = ['Arguments', 'Output', 'Items', 'Condition', 'Seconds', 'Timestamp'];

function unwrittenProblem(found: UnwrittenRead): Problem {
  const at = inState(found.state);
  if (found.variable !== undefined) {
    const known = found.holds.length > 0 ? `; the variables set before it are ${quoted(found.holds)}` : '';
    return problem('LOKET_VARIABLE_UNASSIGNED', at, `reads the variable "${found.path}" in ${found.field}, which no earlier state assigns${known}`, 'assign it earlier or fix the name');
  }
  const holds = found.holds.length > 0 ? `"${found.written}" holds ${quoted(found.holds)}` : `"${found.written}" holds no fields`;
  if (found.ofResult !== undefined) {
    return problem('LOKET_RESULT_FIELD_UNKNOWN', at, `its ResultSelector reads "${found.path}", which ${found.ofResult} does not answer (${holds})`, 'fix the path');
  }
  if (found.droppedBy !== undefined && jsonataFields.includes(found.field)) {
    return problem(
      'LOKET_PATH_UNWRITTEN',
      at,
      `reads "$states.input${found.path.slice(1)}" in ${found.field}, but ${quoted(found.droppedBy)} drops it on the way here: its Output, or a Catch without an Output (which passes on only the error), replaces the data`,
      `keep the data: merge the result into the input, e.g. a Catch's "Output": "{% $merge([$states.input, {'error': $states.errorOutput}]) %}"`,
    );
  }
  if (found.droppedBy !== undefined) {
    return problem(
      'LOKET_PATH_UNWRITTEN',
      at,
      `reads "${found.path}" in ${found.field}, but ${quoted(found.droppedBy)} drops it on the way here: its ResultPath, OutputPath or a Catch's ResultPath replaces the data`,
      'keep the data: give that ResultPath a field of its own (e.g. "$.error" for a Catch)',
    );
  }
  const where =
    found.missingAfter.length > 0 ? `no state writes it on the way from ${quoted(found.missingAfter)}` : 'no earlier state writes it';
  if (jsonataFields.includes(found.field)) {
    const written = `"$states.input${found.written.slice(1)}" holds ${found.holds.length > 0 ? quoted(found.holds) : 'no fields'}`;
    return problem('LOKET_PATH_UNWRITTEN', at, `reads "$states.input${found.path.slice(1)}" in ${found.field}, but ${where} (${written})`, 'fix the path, or write it earlier with an Output on every way into this state');
  }
  return problem(
    'LOKET_PATH_UNWRITTEN',
    at,
    `reads "${found.path}" in ${found.field}, but ${where} (${holds})`,
    'fix the path, or write it earlier with a ResultPath on every way into this state',
  );
}

function choiceProblem(found: ChoiceFinding): Problem {
  const at = inState(found.state);
  const whose = found.tasks.length > 0 ? `the outcomes of task ${quoted(found.tasks)}` : `the values "${found.path}" can hold`;
  if (found.kind === 'unknown-value') {
    return problem(
      'LOKET_CHOICE_UNKNOWN_OUTCOME',
      at,
      `tests "${found.path}" against "${found.value}", which is not one of ${whose} (${quoted(found.possible)})`,
      `use one of ${quoted(found.possible)}, or declare "${found.value}" in the task's "outcomes"`,
    );
  }
  const otherwise =
    found.default === undefined ? 'the Choice has no Default, so the execution fails (States.NoChoiceMatched)' : `it goes to the Default "${found.default}", which fails the case`;
  return problem('LOKET_OUTCOME_UNHANDLED', at, `no rule handles "${found.value}", one of ${whose}: ${otherwise}`, `add a rule for "${found.value}", or remove it from the task's "outcomes"`);
}

/**
 * What the type and its workflow must agree on beyond single states: every declared status is
 * recorded somewhere (the first on submission, withdrawn by the API), every declared task is
 * created and every message awaited, a task that offers a choice of outcomes has its outcome
 * read, and a step that issues a document has one declared.
 */
function crossProblems(all: Map<string, State>, type: TransactionType): Problem[] {
  const problems: Problem[] = [];
  const states = [...all.values()];
  const steps = states.map((state) => ({ step: invokedStep(state), name: awaitedName(state) }));
  if (!states.some(recordsComputedStatus)) {
    const recorded = new Set(states.flatMap((state) => literalStatuses(callOf(state))));
    if (steps.some(({ step }, index) => step === 'issue-certificate' && recordedStatus(states[index] as State) === undefined)) recorded.add('issued');
    for (const [index, status] of type.statuses.entries()) {
      if (index === 0 || statusesSetOutsideTheWorkflow.includes(status.code) || recorded.has(status.code)) continue;
      problems.push(problem('LOKET_STATUS_UNUSED', inType(`statuses.${index}`), `declares status "${status.code}", which no step records`, 'record it in a step or remove it'));
    }
  }
  const created = new Set(steps.filter(({ step }) => step === 'create-task').map(({ name }) => name));
  for (const name of Object.keys(type.tasks)) {
    if (!created.has(name)) problems.push(problem('LOKET_TASK_UNUSED', inType(`tasks.${name}`), `declares task "${name}", which no step creates`, 'create it in a create-task step or remove it'));
  }
  const awaited = new Set(steps.filter(({ step }) => step === 'await-message').map(({ name }) => name));
  for (const name of Object.keys(type.messages)) {
    if (!awaited.has(name)) problems.push(problem('LOKET_MESSAGE_UNUSED', inType(`messages.${name}`), `declares message "${name}", which no step waits for`, 'wait for it in an await-message step or remove it'));
  }
  if (type.document === undefined) {
    for (const [name, state] of all) {
      if (invokedStep(state) !== 'issue-certificate') continue;
      problems.push(
        problem(
          'LOKET_DOCUMENT_UNDECLARED',
          inState(name),
          "issues the type's document, but type.json declares no \"document\", so every case would fail here",
          'declare "document" (its kind, title and a template file per language in the folder), or record a final status instead',
        ),
      );
    }
  }
  return problems;
}

function payloadProblems(found: PayloadFinding): Problem[] {
  const at = inState(found.state);
  return [
    ...found.misspelt.map(({ field, meant }) =>
      problem('LOKET_PAYLOAD_FIELD_MISSPELT', at, `passes "${field}" to ${found.step}, which takes no such field`, `did you mean "${meant}"? (see the step payload contract in workflows/README.md)`),
    ),
    ...found.missing.map(({ field, holds }) =>
      problem(
        'LOKET_PAYLOAD_FIELD_MISSING',
        at,
        `calls ${found.step} without "${field}"${holds ? ` ("${field.split('.')[0]}" holds ${holds.length > 0 ? quoted(holds) : 'no fields'})` : ''}, so the step refuses its input and the case fails`,
        `add it to the Payload (see the step payload contract in workflows/README.md)`,
      ),
    ),
  ];
}

function outcomeProblems(definition: Machine, all: Map<string, State>, type: TransactionType): Problem[] {
  const flow = analyseDataFlow(definition, type);
  const problems = [...flow.unwritten.map(unwrittenProblem), ...flow.choices.map(choiceProblem), ...flow.payloads.flatMap(payloadProblems)];
  // A misspelt read is the likelier reason an outcome goes unread: that is told first, and once.
  if (flow.unwritten.length > 0) return problems;
  // A JSONata state's result goes on through expressions the lint does not evaluate, so there a
  // task's outcome counts as read when a JSONata Condition tests an outcome.
  const conditionsTestOutcome = [...all.values()].some(
    (state) => Array.isArray(state.Choices) && (state.Choices as Array<Record<string, unknown>>).some((rule) => typeof rule.Condition === 'string' && /\boutcome\b/.test(rule.Condition)),
  );
  for (const [name, state] of all) {
    const task = invokedStep(state) === 'create-task' ? awaitedName(state) : undefined;
    const declared = task === undefined ? undefined : type.tasks[task];
    if (task === undefined || !declared || declared.outcomes.length < 2 || flow.outcomesRead.has(task)) continue;
    if (conditionsTestOutcome && (state.QueryLanguage ?? definition.QueryLanguage) === 'JSONata') continue;
    problems.push(
      problem(
        'LOKET_OUTCOME_UNUSED',
        inState(name),
        `task "${task}" offers the outcomes ${quoted(declared.outcomes)}, but no state reads its outcome, so each one leads to the same`,
        `test "${String(state.ResultPath ?? '$')}.outcome" in a Choice after it, or declare a single outcome`,
      ),
    );
  }
  return problems;
}

/**
 * asl-validator's findings in the designer's words: at the state they concern rather than at a
 * JSON pointer (`/States/GatherAdvice/Branches/0/States/PoliceAdvice/TimeoutSeconds`), and a
 * transition to a missing state at the states that lead there.
 */
function aslProblems(errors: string, definition: Machine): Problem[] {
  const fix = 'correct it against the Amazon States Language specification';
  return errors.split('; ').map((error) => {
    // Stryker disable Regex: each piece of asl-validator's findings is one finding, from its start to its end; the anchors say so, nothing else can match
    const pointer = /^\w+: (\/\S*) is invalid\. (.*)$/.exec(error);
    if (pointer) {
      const parts = (pointer[1] as string).split('/').slice(1);
      // The state the pointer reaches into; a `States` it ends at (a branch's) belongs to the state that holds it.
      const ending = parts.lastIndexOf('States');
      const last = ending === parts.length - 1 ? parts.slice(0, ending).lastIndexOf('States') : ending;
      const field = parts.slice(last >= 0 ? last + 2 : 0).join('.');
      const at = last >= 0 ? inState(parts[last + 1] as string) : 'workflow.asl.json';
      return problem('LOKET_ASL_INVALID', at, `${field ? `"${field}" ` : ''}${pointer[2]}`, fix);
    }
    const unreachable = /^\w+: State (\S+) is not reachable$/.exec(error);
    if (unreachable) return problem('LOKET_ASL_INVALID', inState(unreachable[1] as string), 'no state leads to it', `lead a transition to it or remove it`);
    const missing = /^\w+: Missing .* target: (\S+)$/.exec(error);
    // Stryker restore Regex
    if (missing) {
      const target = missing[1] as string;
      const from = [...statesOf(definition)].filter(([, state]) => transitionsOf(state).some((transition) => transition.target === target)).map(([name]) => name);
      const at = from.length > 0 ? `state "${from.join('", "')}"` : 'workflow.asl.json';
      return problem('LOKET_ASL_INVALID', at, `goes to "${target}", which is no state of the workflow`, 'name an existing state or add it');
    }
    return problem('LOKET_ASL_INVALID', 'workflow.asl.json', error, fix);
  });
}

/**
 * The rules every workflow keeps, checked before anything is deployed or run, as problems:
 * the ASL validates, in JSONPath or JSONata, per state as on AWS; every placeholder is known; every Task retries Lambda's transient errors and catches the rest, or is itself
 * the failure path that ends in a Fail state; every task-token state has a timeout, not
 * before its task falls due, and handles States.Timeout; every status a step records, task it
 * creates and message it awaits is declared by the type, and every one the type declares is
 * used; every Wait period and task-token timeout is the figure type.json declares; every path
 * a state reads is written on every way into it; every Choice tests values its task can answer
 * and handles each; a document step has its document; every path ends in a final status.
 */
export function lintProblems(definitionText: string, type: TransactionType): Problem[] {
  let raw: Machine;
  try {
    raw = JSON.parse(definitionText) as Machine;
  } catch (error) {
    return [problem('LOKET_JSON_INVALID', 'workflow.asl.json', `not valid JSON (${(error as Error).message})`, 'fix the syntax')];
  }
  const unknown = placeholdersIn(definitionText).filter((name) => !knownPlaceholders.includes(name));
  if (unknown.length > 0) {
    return unknown.map((placeholder) => {
      const users = [...statesOf(raw)].filter(([, state]) => JSON.stringify(state).includes(`\${${placeholder}}`)).map(([name]) => name);
      const at = users.length > 0 ? `state "${users.join('", "')}"` : 'workflow.asl.json';
      return problem('LOKET_PLACEHOLDER_UNKNOWN', at, `uses unknown placeholder \${${placeholder}}`, `use one of ${knownPlaceholders.join(', ')}`);
    });
  }

  const problems: Problem[] = [];
  const dummyValues = Object.fromEntries(
    // Stryker disable next-line StringLiteral: the ASL check reads no table's or bus's name; a function's ARN it does, as a Task's Resource
    knownPlaceholders.map((name) => [name, name.endsWith('FunctionArn') ? `arn:aws:lambda:eu-west-1:000000000000:function:${name}` : name]),
  );
  const definition = JSON.parse(substitutePlaceholders(definitionText, dummyValues)) as Machine;
  const validation = checkAslStructure(definition);
  if (!validation.isValid) problems.push(...aslProblems(validation.errors, definition));

  for (const name of entryStateNames.filter((reserved) => reserved in (definition.States ?? {}))) {
    problems.push(
      problem('LOKET_STATE_NAME_RESERVED', inState(name), 'is a name the loader gives a state of its own, in every version that takes moved cases', 'give the state another name'),
    );
  }
  const all = new Map(statesOf(definition));
  for (const [name, state] of all) {
    if (state.Type === 'Task') problems.push(...lintTask(name, state, all, type, !(name in definition.States)));
    if (publishesClosingNotice(state) && !closingNoticeInWorkflow(type)) {
      problems.push(
        problem(
          'LOKET_CLOSING_PUBLISHED_TWICE',
          inState(name),
          `publishes CaseClosed.v1, which the closing step already publishes with the closing in version ${type.version}, so consumers would get it twice`,
          'remove the state and lead the final steps to "PublishCaseClosed", where the workflow ends',
        ),
      );
    }
  }
  problems.push(...lintFigures(all, type));
  problems.push(...crossProblems(all, type));

  if (validation.isValid) {
    problems.push(...outcomeProblems(definition, all, type));
    const finals = type.statuses.filter((status) => status.final).map((status) => status.code);
    for (const { terminal, path } of unfinishedPaths(definition, type)) {
      problems.push(
        problem('LOKET_FINAL_STATUS_MISSING', inState(terminal), `a path ends here without recording a final status (${path.join(' → ')})`, `record one of the final statuses ${quoted(finals)} on that path before it ends`),
      );
    }
  }
  return problems;
}

/** The lint's problems as validate prints them, each naming its code, the type and the state. */
export function lintWorkflow(definitionText: string, type: TransactionType): string[] {
  return lintProblems(definitionText, type).map((found) => formatProblem(type.key, found));
}

/** Whether a state puts CaseClosed.v1 on the event bus (as the PublishCaseClosed state of the first versions does), in JSONPath or JSONata. */
function publishesClosingNotice(state: State): boolean {
  if (state.Resource !== 'arn:aws:states:::events:putEvents') return false;
  const call = (state.Parameters ?? state.Arguments) as { Entries?: unknown } | undefined;
  return Array.isArray(call?.Entries) && call.Entries.some((entry) => (entry as { DetailType?: unknown }).DetailType === closingNoticeDetailType);
}

/** The problems of one `<key>/` folder: its type.json and its workflow.asl.json, each line naming the code, the type and where. */
export interface FolderValidation {
  readonly key: string;
  readonly problems: readonly string[];
}

function validateType(raw: unknown, key: string): { type?: TransactionType; problems: Problem[] } {
  const parsed = transactionTypeSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.path[0] === 'ipdcProductId'
        ? problem('LOKET_IPDC_PRODUCT_ID', inType('ipdcProductId'), issue.message, "give the id of the type's product in the IPDC, e.g. \"1463\" (the citizen's case overview files its cases under it)")
        : problem('LOKET_TYPE_SCHEMA', inType(issue.path.length > 0 ? issue.path.join('.') : undefined), issue.message, 'fix it to match workflows/type.schema.json'),
    );
    return { problems };
  }
  const type = parsed.data;
  const problems: Problem[] = [];
  if (type.key !== key) problems.push(problem('LOKET_TYPE_KEY_MISMATCH', inType('key'), `is "${type.key}" but the folder is "${key}"`, 'make them equal'));
  if (type.example.type !== key) problems.push(problem('LOKET_TYPE_KEY_MISMATCH', inType('example.type'), `is "${type.example.type}"`, `set it to "${key}"`));
  problems.push(...typeProblems(type));
  const example = dataValidator(type).safeParse(type.example.data);
  if (!example.success) {
    for (const issue of example.error.issues) {
      problems.push(problem('LOKET_EXAMPLE_INVALID', inType(['example', 'data', ...issue.path].join('.')), `does not match "inputSchema": ${issue.message}`, 'change the example or the schema'));
    }
  }
  return { type, problems };
}

/** Validates one transaction type folder: type.json against its schema and its example, then the workflow's rules. */
export function validateWorkflowFolder(key: string, directory: string = workflowsDirectory): FolderValidation {
  const typeFile = typeFileOf(directory, key);
  const workflowFile = join(directory, key, 'workflow.asl.json');
  const problems: Problem[] = [];
  let type: TransactionType | undefined;
  if (!existsSync(typeFile)) {
    problems.push(problem('LOKET_FILE_MISSING', 'type.json', 'missing', "add the type's metadata"));
  } else {
    let raw: unknown;
    try {
      raw = readTypeFile(directory, key);
    } catch (error) {
      // Stryker disable next-line Regex: `.*` from the message's start matches the same without the anchor
      const cause = (error as Error).message.replace(/^.* is not valid JSON: /, '');
      problems.push(problem('LOKET_JSON_INVALID', 'type.json', `not valid JSON (${cause})`, 'fix the syntax'));
    }
    if (raw !== undefined) {
      const checked = validateType(raw, key);
      type = checked.type;
      problems.push(...checked.problems);
      // The templates are checked against the type, so only once type.json is one.
      if (type) problems.push(...documentProblems(directory, key, type).map((found) => problem('LOKET_DOCUMENT_INVALID', found.at, found.what, found.fix)));
    }
  }
  if (!existsSync(workflowFile)) {
    problems.push(problem('LOKET_FILE_MISSING', 'workflow.asl.json', 'missing', "add the workflow's definition"));
  } else if (type) {
    problems.push(...lintProblems(expandWorkflowText(readFileSync(workflowFile, 'utf8'), type), type));
  } else {
    problems.push(problem('LOKET_NOT_CHECKED', 'workflow.asl.json', 'not checked until type.json is valid', 'fix type.json first'));
  }
  return { key, problems: problems.map((found) => formatProblem(key, found)) };
}

/** The transaction type folders in `directory` (the entries holding a type.json or a workflow: never a file), in key order. */
export function workflowKeys(directory: string = workflowsDirectory): string[] {
  // Stryker disable next-line MethodExpression: Node's readdirSync already lists names sorted on Linux and macOS (libuv's scandir sorts them); the sort keeps the order where it does not
  return readdirSync(directory)
    .filter((name) => ['type.json', 'workflow.asl.json'].some((file) => existsSync(join(directory, name, file))))
    .sort();
}

/** Validates one type, or every type folder in `directory`. */
export function validateWorkflows(options: { directory?: string; key?: string } = {}): FolderValidation[] {
  const directory = options.directory ?? workflowsDirectory;
  if (options.key !== undefined) {
    if (!existsSync(join(directory, options.key))) {
      const found = problem('LOKET_TYPE_UNKNOWN', 'workflows', `has no folder "${options.key}"`, `use one of ${workflowKeys(directory).join(', ')}`);
      return [{ key: options.key, problems: [formatProblem(options.key, found)] }];
    }
    return [validateWorkflowFolder(options.key, directory)];
  }
  return workflowKeys(directory).map((key) => validateWorkflowFolder(key, directory));
}
