import type { Actor } from '../domain/actor';
import { isClosed } from '../domain/case';
import { notFound, validationError } from '../domain/errors';
import { beginsWithMigrationEntry, checkStateMap, moveCase, topLevelStatesOf, whyNotMoved, type ExecutionPosition, type MigrationVersion } from '../domain/migration';
import { cancelTask, isActive } from '../domain/task';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseStore } from '../ports/case-store.port';
import type { Clock } from '../ports/services.port';
import type { PublishedWorkflowVersion, WorkflowEngine, WorkflowPositions } from '../ports/workflow-engine.port';

export interface MigrateCasesDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'change' | 'tasksOfCase'>;
  /** Names the moved cases' new executions. */
  readonly workflows: Pick<WorkflowEngine, 'executionIdFor'>;
  readonly positions: WorkflowPositions;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
}

export interface MigrateCasesCommand {
  readonly typeKey: string;
  /** The type version cases leave. */
  readonly from: number;
  /** The type version they go to. */
  readonly to: number;
  /** Top-level state of `from` → top-level state of `to`; a case in a state not named here stays. */
  readonly map: Readonly<Record<string, string>>;
  /** Only these cases; absent: every case running on `from`. */
  readonly caseIds?: readonly string[];
  /** List where each case would land, and change nothing. */
  readonly dryRun: boolean;
  readonly actor: Actor;
}

/** What became of one case running on the version left. */
export interface CaseMigration {
  readonly caseId: string;
  /** The case's number and tenant, once it was read. */
  readonly number?: string;
  readonly tenant?: string;
  /** The state the case's execution was in; absent when it was in none (between two states). */
  readonly state?: string;
  /** The state it lands (or, in a dry run, would land) in. */
  readonly target?: string;
  /** `moved`; `would-move` in a dry run; `stays`: its state is not mapped; `skipped`: see the reason. */
  readonly outcome: 'moved' | 'would-move' | 'stays' | 'skipped';
  readonly reason?: string;
}

export interface MigrationReport {
  readonly typeKey: string;
  readonly from: MigrationVersion;
  readonly to: MigrationVersion;
  readonly dryRun: boolean;
  readonly cases: readonly CaseMigration[];
}

/** The case an execution runs: executions are named `<case id>` or `<case id>-<n>`. */
// Stryker disable next-line Regex: a case id (a ULID) has no hyphen, so the only `-<n>` is the name's end
const caseIdOf = (executionArn: string) => (executionArn.split(':').at(-1) as string).replace(/-\d+$/, '');

/**
 * Moves the cases running on one version of a type's workflow to another, as a designer's
 * state map says (`npm run workflows -- migrate`):
 * 1. both versions must be published on the engine and kept in the catalogue, the version gone
 *    to must take moved cases (begin with the entry state, see domain/migration), and the map
 *    must fit them (each mapped state a top-level state of the version left, each target one of
 *    the version gone to); otherwise nothing is read further and nothing changes;
 * 2. each execution running on the version left is found where it stands: a case whose state
 *    is not mapped stays where it is, on its version;
 * 3. a dry run reports where each case would land and changes nothing;
 * 4. otherwise each case moves in a change of its own, conditioned on the case as read and
 *    decided again on the case as stored: it must still be open, record the version it leaves
 *    and run the execution found. The change records the new version and the next execution,
 *    audits the move (`workflow.migrated`), cancels the active tasks the target state does not
 *    wait on (the one it waits on is handed the new execution's token when it gets there), and
 *    writes the start of the new execution through the outbox, which stops the old one first.
 *    A case that fails to move does not stop the others: its reason is reported.
 */
export function migrateCases(deps: MigrateCasesDependencies) {
  function versionOf(versions: readonly PublishedWorkflowVersion[], typeKey: string, typeVersion: number): PublishedWorkflowVersion & MigrationVersion {
    const found = versions.find((version) => version.typeVersion === typeVersion);
    if (!found || !deps.catalogue.versionOf({ key: typeKey, version: typeVersion })) throw notFound(`version ${typeVersion} of transaction type '${typeKey}'`);
    return { ...found, typeVersion };
  }

  async function moveOne(command: MigrateCasesCommand, executionArn: string, position: ExecutionPosition, plan: { from: MigrationVersion; to: MigrationVersion; waitsOn?: string; target: string }): Promise<CaseMigration> {
    const caseId = caseIdOf(executionArn);
    const found = await deps.cases.get(caseId);
    const landing = { caseId, state: position.state, target: plan.target };
    if (!found) return { ...landing, outcome: 'skipped', reason: 'no such case' };
    const seen = { ...landing, number: found.number, tenant: found.tenant };
    const move = { from: plan.from, to: plan.to, executionArn };
    if (command.dryRun) {
      const reason = whyNotMoved(found, move, isClosed(found, deps.catalogue.ofCase(found)));
      return reason ? { ...seen, outcome: 'skipped', reason } : { ...seen, outcome: 'would-move' };
    }
    const now = deps.clock.now();
    return deps.cases.change(caseId, async (current) => {
      const reason = whyNotMoved(current, move, isClosed(current, deps.catalogue.ofCase(current)));
      if (reason) return { result: (): CaseMigration => ({ ...seen, outcome: 'skipped', reason }) };
      const moved = moveCase(current, {
        ...move,
        fromState: position.state,
        toState: plan.target,
        actor: command.actor,
        now,
        executionArnOf: (name) => deps.workflows.executionIdFor(current.type.key, name),
      });
      const cancelled = (await deps.cases.tasksOfCase(current.id)).filter((task) => isActive(task) && task.name !== plan.waitsOn);
      return {
        change: {
          ...moved,
          tasks: cancelled.map((task) => ({ task: cancelTask(task), expect: task })),
          effects: [{ kind: 'start-workflow', caseId: current.id, resume: { replaces: executionArn, state: plan.target, input: position.input } }],
        },
        result: (): CaseMigration => ({ ...seen, outcome: 'moved' }),
      };
    }, { from: found });
  }

  return async (command: MigrateCasesCommand): Promise<MigrationReport> => {
    if (command.from === command.to) throw validationError('nothing to migrate', [{ path: 'to', message: `cases already run version ${command.from}` }]);
    const versions = await deps.positions.versionsOf(command.typeKey);
    const from = versionOf(versions, command.typeKey, command.from);
    const to = versionOf(versions, command.typeKey, command.to);
    if (!beginsWithMigrationEntry(to.definition)) {
      throw validationError(`version ${command.to} of transaction type '${command.typeKey}' does not take moved cases`, [
        {
          path: 'to',
          message: 'its workflow has no entry state for a moved case to resume through: publish a version whose type.json says "takesMovedCases": true, and move the cases to that one',
        },
      ]);
    }
    const sourceStates = topLevelStatesOf(from.definition);
    const targetStates = topLevelStatesOf(to.definition);
    checkStateMap(command.map, sourceStates, targetStates);
    // Every execution listed runs the version left: its states are read once, not per execution.
    const topLevel = new Set(sourceStates.map((state) => state.name));
    const versionsMoved = { from: { typeVersion: from.typeVersion, versionArn: from.versionArn }, to: { typeVersion: to.typeVersion, versionArn: to.versionArn } };

    const wanted = command.caseIds ? new Set(command.caseIds) : undefined;
    const executions = (await deps.positions.runningOn(from.versionArn)).filter((executionArn) => !wanted || wanted.has(caseIdOf(executionArn)));
    const cases: CaseMigration[] = [];
    for (const executionArn of executions) {
      const caseId = caseIdOf(executionArn);
      try {
        const position = await deps.positions.positionOf(executionArn, topLevel);
        if (!position) {
          cases.push({ caseId, outcome: 'skipped', reason: 'its execution is in no state now (between two, or ended): run the migration again' });
          continue;
        }
        const target = command.map[position.state];
        if (target === undefined) {
          cases.push({ caseId, state: position.state, outcome: 'stays', reason: `state '${position.state}' is not mapped` });
          continue;
        }
        const waitsOn = targetStates.find((state) => state.name === target)?.waitsOn;
        cases.push(await moveOne(command, executionArn, position, { ...versionsMoved, target, ...(waitsOn ? { waitsOn } : {}) }));
      } catch (error) {
        cases.push({ caseId, outcome: 'skipped', reason: (error as Error).message });
      }
    }
    const notRunning = [...(wanted ?? [])].filter((caseId) => !executions.some((executionArn) => caseIdOf(executionArn) === caseId));
    for (const caseId of notRunning) cases.push({ caseId, outcome: 'skipped', reason: `no execution of it runs on version ${command.from}` });
    return { typeKey: command.typeKey, ...versionsMoved, dryRun: command.dryRun, cases };
  };
}
