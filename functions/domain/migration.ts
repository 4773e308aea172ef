import type { Actor } from './actor';
import type { AuditDraft } from './audit';
import { executionNameOf, nextExecutionName, type Case } from './case';
import { validationError } from './errors';

/**
 * Moving running cases from one published version of their workflow to another (`npm run
 * workflows -- migrate`). A Step Functions execution cannot change version, so a moved case
 * gets a new execution on the new version that starts at the state the designer mapped its
 * current one to: every version that takes moved cases begins with the entry state below,
 * which sends an execution whose input names a state there, and every other one to the
 * workflow's own start.
 */

/** The input field that names the state a moved case's new execution starts at. */
export const resumeAtField = 'resumeAt';

/** The first state of every workflow that takes moved cases: where an execution that resumes a moved case branches off. */
export const migrationEntryState = 'MigrationEntry';

/** Where the entry state sends an execution that names a state the version does not have. */
export const unknownResumePointState = 'MigrationTargetUnknown';

/** The states the loader adds to a version that takes moved cases: no workflow may name its own so. */
export const entryStateNames: readonly string[] = [migrationEntryState, unknownResumePointState];

/**
 * The last version of each type published while every version began with the entry state:
 * each of them keeps it, so that cases can still move to them. Frozen. Every later version, and
 * every type published since, begins with it only when its type.json asks for it
 * (`"takesMovedCases": true`): the entry costs each of its cases one state transition, and
 * moving cases is rare (issue 14).
 */
export const movedCasesTakenUpTo: Readonly<Record<string, number>> = {
  'change-of-address': 3,
  'event-permit': 2,
  'proof-of-residence': 2,
  'resident-parking-permit': 3,
  'terrace-permit': 3,
  'tree-felling-permit': 3,
};

/** Whether a type version's workflow begins with the entry state, so that cases can move to it. */
export function takesMovedCases(type: { readonly key: string; readonly version: number; readonly takesMovedCases?: boolean }): boolean {
  return type.takesMovedCases === true || type.version <= (movedCasesTakenUpTo[type.key] ?? 0);
}

/** Whether a deployed definition begins with the entry state: whether a moved case can resume in it. */
export function beginsWithMigrationEntry(definition: unknown): boolean {
  return isObject(definition) && definition.StartAt === migrationEntryState;
}

/** The error a stopped execution reports when its case moved to another version. */
export const caseMigratedError = 'CaseMigrated';

/** A top-level state of a version, and the task or message it waits on (a task-token step's literal `name`). */
export interface TopLevelState {
  readonly name: string;
  readonly waitsOn?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The top-level states of a deployed workflow definition (its Parallel branches' states apart,
 * and the entry state, which is no place to move a case to), each with what it waits on.
 */
export function topLevelStatesOf(definition: unknown): TopLevelState[] {
  if (!isObject(definition) || !isObject(definition.States)) return [];
  return Object.entries(definition.States)
    .filter(([name]) => !entryStateNames.includes(name))
    .map(([name, state]) => {
      const waitsOn = waitedOnBy(state);
      return waitsOn === undefined ? { name } : { name, waitsOn };
    });
}

/** The literal `name` a task-token step hands its Lambda (the task it opens, the message it awaits). */
function waitedOnBy(state: unknown): string | undefined {
  if (!isObject(state) || typeof state.Resource !== 'string' || !state.Resource.endsWith('.waitForTaskToken')) return undefined;
  const call = isObject(state.Parameters) ? state.Parameters : isObject(state.Arguments) ? state.Arguments : undefined;
  const payload = call && isObject(call.Payload) ? call.Payload : undefined;
  return typeof payload?.name === 'string' ? payload.name : undefined;
}

/**
 * Checks a designer's state map against the two versions before anything moves: each mapped
 * state must be a top-level state of the version cases leave, and each target one of the
 * version they go to. Throws a validation error that names every wrong entry.
 */
export function checkStateMap(map: Readonly<Record<string, string>>, from: readonly TopLevelState[], to: readonly TopLevelState[]): void {
  const fromNames = new Set(from.map((state) => state.name));
  const toNames = new Set(to.map((state) => state.name));
  const problems = Object.entries(map).flatMap(([source, target]) => [
    ...(fromNames.has(source) ? [] : [{ path: source, message: `the version cases leave has no top-level state '${source}'` }]),
    ...(toNames.has(target) ? [] : [{ path: source, message: `the version cases go to has no top-level state '${target}'` }]),
  ]);
  if (Object.keys(map).length === 0) problems.push({ path: 'map', message: 'map at least one state: OldState=NewState' });
  if (problems.length > 0) throw validationError('the state map does not fit the two versions', problems);
}

/** Where a running case's execution stands: the top-level state it is in, and that state's input. */
export interface ExecutionPosition {
  readonly state: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/** A version a case runs or moves to: the type version, and the Step Functions version that runs it. */
export interface MigrationVersion {
  readonly typeVersion: number;
  readonly versionArn: string;
}

export interface CaseMove {
  readonly from: MigrationVersion;
  readonly to: MigrationVersion;
  readonly fromState: string;
  readonly toState: string;
  /** The execution the case runs now, as the engine listed it on the version it leaves. */
  readonly executionArn: string;
  readonly actor: Actor;
  readonly now: Date;
  /** The ARN the engine gives an execution of the case's type with this name. */
  readonly executionArnOf: (name: string) => string;
}

/** Why a case on the version's list is not moved, as it stands when the change is decided; undefined when it may move. */
export function whyNotMoved(subject: Case, move: Pick<CaseMove, 'from' | 'executionArn'>, closed: boolean): string | undefined {
  if (closed) return 'it closed meanwhile';
  if (subject.executionArn !== move.executionArn) return 'it runs another execution';
  if (subject.workflowVersionArn !== move.from.versionArn) return 'it does not record the version it is to leave';
  return undefined;
}

/**
 * Moves a case to another version: it records the new version and a new execution (its
 * current one is stopped and the new one started, at the mapped state, by the effect written
 * with the change), audited with both versions, both states and both executions.
 */
export function moveCase(subject: Case, move: CaseMove): { case: Case; audit: AuditDraft } {
  const executionArn = move.executionArnOf(nextExecutionName(subject));
  const at = move.now.toISOString();
  return {
    case: {
      ...subject,
      type: { key: subject.type.key, version: move.to.typeVersion },
      workflowVersionArn: move.to.versionArn,
      executionArn,
      updatedAt: at,
    },
    audit: {
      action: 'workflow.migrated',
      actor: move.actor,
      at,
      details: {
        fromVersion: move.from.typeVersion,
        toVersion: move.to.typeVersion,
        fromState: move.fromState,
        toState: move.toState,
        previousExecution: executionNameOf(subject),
        execution: executionNameOf({ executionArn }),
      },
    },
  };
}
