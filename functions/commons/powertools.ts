import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

import { maskIdentifierNumber, maskIdentifiers } from '../domain/identifiers';

const serviceName = 'loket';

/** Every string and number a log line carries goes out with national and enterprise numbers masked, whoever logged it. */
const maskPersonalNumbers = (_key: string, value: unknown): unknown =>
  typeof value === 'string' ? maskIdentifiers(value) : typeof value === 'number' ? maskIdentifierNumber(value) : value;

/** One logger, metrics and tracer per execution environment, shared by every handler. */
export const logger = new Logger({ serviceName, jsonReplacerFn: maskPersonalNumbers });
// Most API calls count nothing, which is normal: the metrics' own "no metrics" warning is kept out of the logs.
export const metrics = new Metrics({ serviceName, namespace: 'Loket', logger: logger.createChild({ logLevel: 'ERROR' }) });
export const tracer = new Tracer({ serviceName });
