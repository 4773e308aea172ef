import { SFNClient } from '@aws-sdk/client-sfn';
import { traced } from './powertools';

/** Created once per execution environment; loaded only by the functions that start or resume workflows. */
export const stepFunctions = traced(new SFNClient({}));
