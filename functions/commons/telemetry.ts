import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Clock, Telemetry } from '../ports/services.port';
import { caseMetricDimension, caseMetricNames } from './metric-names';
import { logger, metrics } from './powertools';

/** Counts as EMF metrics with the transaction type as dimension; warnings go to the structured log. */
export const powertoolsTelemetry: Telemetry = {
  caseSubmitted(typeKey) {
    metrics.addDimension(caseMetricDimension, typeKey);
    metrics.addMetric(caseMetricNames.submitted, MetricUnit.Count, 1);
  },
  caseClosed(typeKey, status) {
    metrics.addDimension(caseMetricDimension, typeKey);
    metrics.addMetric(status === 'failed' ? caseMetricNames.failed : caseMetricNames.completed, MetricUnit.Count, 1);
  },
  warn(message, fields) {
    logger.warn(message, { ...fields });
  },
};

export const systemClock: Clock = { now: () => new Date() };
