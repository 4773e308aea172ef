import { caseStore } from '../adapters/dynamodb/table';
import { catalogue } from '../catalogue/catalogue';
import { systemClock } from '../commons/telemetry';

/** What every lifecycle action on a case needs; each action's handler adds what else it uses. */
export const caseActionDependencies = { cases: caseStore, catalogue, clock: systemClock };
