import { processingLog } from '../adapters/dynamodb/table';
import { pseudonyms } from '../adapters/pseudonyms.instance';
import { systemClock } from '../commons/telemetry';

/** What a handler that reads personal data needs for the processing log. */
export const accessDependencies = { processingLog, pseudonyms, clock: systemClock };
