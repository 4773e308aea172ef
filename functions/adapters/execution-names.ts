/**
 * How Step Functions names things Loket needs to know without asking it: the state machine of a
 * type (from the map the host configures) and the execution of a case. No client: a function that
 * only names executions (reopening a case records the execution its dispatcher will start) loads no
 * Step Functions client.
 */

/** Parses the map of transaction type key to state machine ARN that the host configures. */
export function parseStateMachineArns(json: string, variable: string): Record<string, string> {
  const parsed: unknown = JSON.parse(json);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${variable} must be a JSON object of type key to state machine ARN`);
  }
  return parsed as Record<string, string>;
}

export interface ExecutionNames {
  /** The state machine of a transaction type; throws when none is deployed for it. */
  stateMachineArn(typeKey: string): string;
  /** `arn:aws:states:r:a:stateMachine:n` + `x` → `arn:aws:states:r:a:execution:n:x`, as Step Functions names executions. */
  executionIdFor(typeKey: string, caseId: string): string;
}

/** Names from the map of state machines, which `stateMachineArns` gives on first use. */
export function executionNames(stateMachineArns: () => Readonly<Record<string, string>>): ExecutionNames {
  const stateMachineArn = (typeKey: string) => {
    const arn = stateMachineArns()[typeKey];
    if (!arn) throw new Error(`No state machine is deployed for transaction type '${typeKey}'`);
    return arn;
  };
  return {
    stateMachineArn,
    executionIdFor: (typeKey, caseId) => `${stateMachineArn(typeKey).replace(':stateMachine:', ':execution:')}:${caseId}`,
  };
}
