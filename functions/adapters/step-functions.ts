import { stepFunctions } from '../commons/sfn.client';
import { environmentNames, requireEnv } from '../commons/config';
import { parseStateMachineArns, stepFunctionsEngine } from './workflow-engine';

let stateMachineArns: Record<string, string> | undefined;

/** Bound once per execution environment; the map of state machines is read on first use, by the functions that start them. */
export const workflowEngine = stepFunctionsEngine(stepFunctions, () => {
  stateMachineArns ??= parseStateMachineArns(requireEnv(environmentNames.stateMachineArns), environmentNames.stateMachineArns);
  return stateMachineArns;
});
