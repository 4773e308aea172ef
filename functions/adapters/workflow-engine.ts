import { DescribeExecutionCommand, ExecutionAlreadyExists, RedriveExecutionCommand, SendTaskSuccessCommand, SFNServiceException, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionState, WorkflowEngine } from '../ports/workflow-engine.port';
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

/** Parses the map of transaction type key to state machine ARN that the host configures. */
export function parseStateMachineArns(json: string, variable: string): Record<string, string> {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${variable} must be a JSON object of type key to state machine ARN`);
  }
  return parsed as Record<string, string>;
}

/**
 * The workflows on Step Functions (AWS, or the local endpoint). `stateMachineArns` is called
 * on first use, so that functions that only resume tasks need no map of state machines.
 */
export function stepFunctionsEngine(client: SFNClient, stateMachineArns: () => Readonly<Record<string, string>>): WorkflowEngine {
  const stateMachineArn = (typeKey: string) => {
    const arn = stateMachineArns()[typeKey];
    if (!arn) throw new Error(`No state machine is deployed for transaction type '${typeKey}'`);
    return arn;
  };
  /** `arn:aws:states:r:a:stateMachine:n` + `x` → `arn:aws:states:r:a:execution:n:x`, as Step Functions names executions. */
  const executionIdFor = (typeKey: string, caseId: string) => `${stateMachineArn(typeKey).replace(':stateMachine:', ':execution:')}:${caseId}`;

  return {
    executionIdFor,

    async start(typeKey, caseId, input) {
      try {
        const { executionArn } = await client.send(
          new StartExecutionCommand({ stateMachineArn: stateMachineArn(typeKey), name: caseId, input: JSON.stringify(input) }),
        );
        return executionArn ?? executionIdFor(typeKey, caseId);
      } catch (error) {
        // The case id names the execution: a repeated start finds the one that runs or ran.
        if (error instanceof ExecutionAlreadyExists) return executionIdFor(typeKey, caseId);
        throw error;
      }
    },

    async stop(executionId, cause) {
      try {
        await client.send(new StopExecutionCommand({ executionArn: executionId, error: 'CaseClosed', cause }));
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
