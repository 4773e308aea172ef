import { environmentNames, requireEnv } from '../commons/config';
import { executionNames, parseStateMachineArns } from './execution-names';

let stateMachineArns: Record<string, string> | undefined;
/** The map of state machines the host configures, read on first use, by the functions that name or start executions. */
export const knownStateMachines = (): Record<string, string> => {
  stateMachineArns ??= parseStateMachineArns(requireEnv(environmentNames.stateMachineArns), environmentNames.stateMachineArns);
  return stateMachineArns;
};

/** Case executions' names, from that map: for a function that names executions and calls no Step Functions API. */
export const caseExecutionNames = executionNames(knownStateMachines);
