import { stepFunctions } from '../commons/sfn.client';
import { knownStateMachines } from './state-machines';
import { stepFunctionsEngine, stepFunctionsPositions } from './workflow-engine';

/** Bound once per execution environment; the map of state machines is read on first use, by the functions that start them. */
export const workflowEngine = stepFunctionsEngine(stepFunctions, knownStateMachines);

/** Where running cases stand, for moving them to another version: on the same map of state machines. */
export const workflowPositions = stepFunctionsPositions(stepFunctions, knownStateMachines);
