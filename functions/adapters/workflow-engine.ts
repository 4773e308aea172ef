import { ExecutionAlreadyExists, SendTaskSuccessCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from '../commons/sfn.client';
import { environmentNames, requireEnv } from '../commons/config';

function parseStateMachineArns(json: string): Record<string, string> {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${environmentNames.stateMachineArns} must be a JSON object of type key to state machine ARN`);
  }
  return parsed as Record<string, string>;
}

let stateMachineArns: Record<string, string> | undefined;

/** Read on first use: only the functions that start executions are given the map. */
function stateMachineArn(typeKey: string): string {
  stateMachineArns ??= parseStateMachineArns(requireEnv(environmentNames.stateMachineArns));
  const arn = stateMachineArns[typeKey];
  if (!arn) throw new Error(`No state machine is deployed for transaction type '${typeKey}'`);
  return arn;
}

/** `arn:aws:states:r:a:stateMachine:n` + `x` → `arn:aws:states:r:a:execution:n:x`, as Step Functions names executions. */
export function executionArnFor(typeKey: string, executionName: string): string {
  return `${stateMachineArn(typeKey).replace(':stateMachine:', ':execution:')}:${executionName}`;
}

export const workflowEngine = {
  /**
   * Starts a case's workflow. The case id is the execution name, so a repeated start cannot
   * run it twice: Step Functions returns the running execution, or refuses a finished one.
   */
  async start(typeKey: string, executionName: string, input: unknown): Promise<string> {
    try {
      const { executionArn } = await stepFunctions.send(
        new StartExecutionCommand({ stateMachineArn: stateMachineArn(typeKey), name: executionName, input: JSON.stringify(input) }),
      );
      return executionArn ?? executionArnFor(typeKey, executionName);
    } catch (error) {
      if (error instanceof ExecutionAlreadyExists) return executionArnFor(typeKey, executionName);
      throw error;
    }
  },

  /** Stops a running execution; one that already ended is left as it is. */
  async stop(executionArn: string, cause: string): Promise<void> {
    try {
      await stepFunctions.send(new StopExecutionCommand({ executionArn, error: 'CaseClosed', cause }));
    } catch (error) {
      if ((error as Error).name === 'ExecutionDoesNotExist') return;
      throw error;
    }
  },

  async resume(taskToken: string, output: unknown): Promise<void> {
    await stepFunctions.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  },
};
