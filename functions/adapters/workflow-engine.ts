import {
  DescribeExecutionCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachineVersionsCommand,
  RedriveExecutionCommand,
  SendTaskSuccessCommand,
  SFNServiceException,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionPosition } from '../domain/migration';
import { executionNames } from './execution-names';
import type { ExecutionState, StartedWorkflow, WorkflowEngine, WorkflowPositions } from '../ports/workflow-engine.port';
import { StepNoLongerWaits } from '../ports/workflow-engine.port';

/** Step Functions' answers to a task result that nobody waits for any more. */
const noLongerWaiting = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

const states: Record<string, ExecutionState> = {
  RUNNING: 'running',
  PENDING_REDRIVE: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  TIMED_OUT: 'timed-out',
  ABORTED: 'aborted',
};

/**
 * The alias every type's state machine has: a deployment (CDK on AWS, the local host, `npm run
 * workflows -- publish`) publishes each type version as a Step Functions version and routes
 * the alias entirely to the newest, so cases start on the alias and running ones keep the
 * version they started on.
 */
export const workflowAlias = 'live';

/** `arn:…:stateMachine:loket-x` → `arn:…:stateMachine:loket-x:live`. */
export const aliasArnOf = (stateMachineArn: string) => `${stateMachineArn}:${workflowAlias}`;

/** The description each published Step Functions version carries: the type version it runs, which a started case records. */
export const typeVersionDescription = (version: number) => `type version ${version}`;

/** The type version a Step Functions version's description names; undefined for any other description. */
export function typeVersionIn(description: string | undefined): number | undefined {
  const match = /^type version ([1-9][0-9]*)$/.exec(description ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * The workflows on Step Functions (AWS, or the local endpoint). `stateMachineArns` is called
 * on first use, so that functions that only resume tasks need no map of state machines.
 */
export function stepFunctionsEngine(client: SFNClient, stateMachineArns: () => Readonly<Record<string, string>>): WorkflowEngine {
  const { stateMachineArn, executionIdFor } = executionNames(stateMachineArns);

  // A published version never changes: its type version is read once per execution environment, from its
  // description alone (the definition, encrypted with the workflow key, is neither needed nor decrypted).
  const typeVersions = new Map<string, number | undefined>();
  const typeVersionOf = async (versionArn: string): Promise<number | undefined> => {
    if (!typeVersions.has(versionArn)) {
      const { description } = await client.send(new DescribeStateMachineCommand({ stateMachineArn: versionArn, includedData: 'METADATA_ONLY' }));
      typeVersions.set(versionArn, typeVersionIn(description));
    }
    return typeVersions.get(versionArn);
  };

  /** An execution and the version it runs, with the type version that version publishes. */
  const runningOn = async (executionId: string, versionArn: string): Promise<StartedWorkflow> => {
    const typeVersion = await typeVersionOf(versionArn);
    return typeVersion === undefined ? { executionId, versionArn } : { executionId, versionArn, typeVersion };
  };

  return {
    executionIdFor,

    async currentVersion(typeKey) {
      const { routingConfiguration = [] } = await client.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArnOf(stateMachineArn(typeKey)) }));
      // A publish routes the alias entirely to the newest version; while it is split, a start on the alias picks one.
      const versionArn = routingConfiguration.length === 1 ? routingConfiguration[0]!.stateMachineVersionArn : undefined;
      if (versionArn === undefined) return undefined;
      const typeVersion = await typeVersionOf(versionArn);
      return typeVersion === undefined ? { versionArn } : { versionArn, typeVersion };
    },

    async start(typeKey, caseId, input, versionArn) {
      let executionId = executionIdFor(typeKey, caseId);
      try {
        const started = await client.send(
          new StartExecutionCommand({ stateMachineArn: versionArn ?? aliasArnOf(stateMachineArn(typeKey)), name: caseId, input: JSON.stringify(input) }),
        );
        executionId = started.executionArn ?? executionId;
        // A new execution of a version runs that version.
        if (versionArn !== undefined) return await runningOn(executionId, versionArn);
      } catch (error) {
        // The case id names the execution: a repeated start finds the one that runs or ran.
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
      }
      // StartExecution on the alias does not say which version runs, nor does one that found the execution; its description does.
      const { stateMachineVersionArn } = await client.send(new DescribeExecutionCommand({ executionArn: executionId }));
      return stateMachineVersionArn ? runningOn(executionId, stateMachineVersionArn) : { executionId };
    },

    async stop(executionId, cause, error = 'CaseClosed') {
      try {
        await client.send(new StopExecutionCommand({ executionArn: executionId, error, cause }));
      } catch (error) {
        if ((error as Error).name === 'ExecutionDoesNotExist') return;
        throw error;
      }
    },

    async redrive(executionId) {
      try {
        await client.send(new RedriveExecutionCommand({ executionArn: executionId, clientToken: undefined }));
        return true;
      } catch (error) {
        if ((error as Error).name === 'ExecutionNotRedrivable') return false;
        throw error;
      }
    },

    async describe(executionId) {
      try {
        const { status, error } = await client.send(new DescribeExecutionCommand({ executionArn: executionId }));
        const state = status === undefined ? undefined : states[status];
        if (!state) throw new Error(`execution ${executionId} has an unknown status '${String(status)}'`);
        return error ? { state, error } : { state };
      } catch (error) {
        if ((error as Error).name === 'ExecutionDoesNotExist') return { state: 'missing' };
        throw error;
      }
    },

    async resume(token, output) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      } catch (error) {
        if (error instanceof SFNServiceException && noLongerWaiting.has(error.name)) throw new StepNoLongerWaits(error.name);
        throw error;
      }
    },
  };
}

/** Pages through a listing until its last page. */
async function allPages<T>(page: (nextToken: string | undefined) => Promise<{ items: readonly T[]; nextToken?: string }>): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await page(nextToken);
    items.push(...answer.items);
    nextToken = answer.nextToken;
  } while (nextToken);
  return items;
}

/**
 * The position of an execution in its history, newest event first: the newest state entered
 * among the top-level ones, unless it has been left since (the execution is between two
 * states). Parallel and Map branches' states are not top-level, and their names are unique
 * in a state machine, so the state that holds them is the one found.
 */
export function positionIn(newestFirst: readonly HistoryEvent[], topLevel: ReadonlySet<string>): ExecutionPosition | undefined {
  const left = new Set<string>();
  for (const event of newestFirst) {
    const exited = event.stateExitedEventDetails?.name;
    if (exited !== undefined) left.add(exited);
    const entered = event.stateEnteredEventDetails;
    if (entered?.name === undefined || !topLevel.has(entered.name)) continue;
    if (left.has(entered.name)) return undefined;
    const input: unknown = JSON.parse(entered.input ?? '{}');
    return { state: entered.name, input: input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {} };
  }
  return undefined;
}

/** What moving cases between versions reads of Step Functions (AWS, or the local endpoint). */
export function stepFunctionsPositions(client: SFNClient, stateMachineArns: () => Readonly<Record<string, string>>): WorkflowPositions {
  return {
    async versionsOf(typeKey) {
      const stateMachineArn = stateMachineArns()[typeKey];
      if (!stateMachineArn) throw new Error(`No state machine is deployed for transaction type '${typeKey}'`);
      const versions = await allPages(async (nextToken) => {
        const page = await client.send(new ListStateMachineVersionsCommand({ stateMachineArn, nextToken }));
        return { items: page.stateMachineVersions ?? [], nextToken: page.nextToken };
      });
      return Promise.all(
        versions.map(async ({ stateMachineVersionArn }) => {
          const versionArn = stateMachineVersionArn as string;
          const { description, definition } = await client.send(new DescribeStateMachineCommand({ stateMachineArn: versionArn }));
          const typeVersion = typeVersionIn(description);
          const parsed: unknown = JSON.parse(definition ?? '{}');
          return typeVersion === undefined ? { versionArn, definition: parsed } : { versionArn, typeVersion, definition: parsed };
        }),
      );
    },

    async runningOn(versionArn) {
      const executions = await allPages(async (nextToken) => {
        const page = await client.send(new ListExecutionsCommand({ stateMachineArn: versionArn, statusFilter: 'RUNNING', nextToken }));
        return { items: page.executions ?? [], nextToken: page.nextToken };
      });
      return executions.map((execution) => execution.executionArn as string);
    },

    async positionOf(executionId, topLevel) {
      const { status } = await client.send(new DescribeExecutionCommand({ executionArn: executionId }));
      if (status !== 'RUNNING') return undefined;
      // Newest first, and only as far as the last top-level state entered: however long the history, a waiting case's state is near its end.
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await client.send(new GetExecutionHistoryCommand({ executionArn: executionId, reverseOrder: true, includeExecutionData: true, nextToken }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken && !events.some((event) => topLevel.has(event.stateEnteredEventDetails?.name ?? '')));
      return positionIn(events, topLevel);
    },
  };
}
