import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Clock, Telemetry } from '../ports/services.port';
import type { DeliveryTelemetry } from '../ports/webhooks.port';
import { caseMetricDimension, caseMetricNames, deliveryMetricNames, receiverMetricDimension, statusMetricDimension, tenantMetricProperty } from './metric-names';
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
    // Per final status in its own document: a dimension added to the shared metrics would split CasesFailed and CasesCompleted too.
    const single = metrics.singleMetric();
    single.addDimensions({ [caseMetricDimension]: typeKey, [statusMetricDimension]: status });
    single.addMetric(caseMetricNames.closed, MetricUnit.Count, 1);
  },
  warn(message, fields) {
    logger.warn(message, { ...fields });
  },
  caseNeedsAttention(typeKey) {
    // One reconciler run flags cases of several types: each count goes out with its own type.
    const single = metrics.singleMetric();
    single.addDimension(caseMetricDimension, typeKey);
    single.addMetric(caseMetricNames.needsAttention, MetricUnit.Count, 1);
  },
  deadlines(typeKey, figures) {
    // One EMF document per type; each tenant's share is a property of it, which Logs Insights can read and no alarm multiplies.
    const single = metrics.singleMetric();
    single.addDimension(caseMetricDimension, typeKey);
    single.addMetadata(tenantMetricProperty, JSON.stringify(figures.tenants));
    single.addMetric(caseMetricNames.overdue, MetricUnit.Count, figures.overdue);
    single.addMetric(caseMetricNames.dueSoon, MetricUnit.Count, figures.dueSoon);
  },
  failuresNotRecorded(typeKey, count) {
    const single = metrics.singleMetric();
    single.addDimension(caseMetricDimension, typeKey);
    single.addMetric(caseMetricNames.failuresNotRecorded, MetricUnit.Count, count);
  },
};

/** Dead-lettered deliveries as an EMF metric per receiver kind; warnings to the structured log. */
export const powertoolsDeliveryTelemetry: DeliveryTelemetry = {
  deadLettered(receiver) {
    const single = metrics.singleMetric();
    single.addDimension(receiverMetricDimension, receiver);
    single.addMetric(deliveryMetricNames.deadLettered, MetricUnit.Count, 1);
  },
  warn(message, fields) {
    logger.warn(message, { ...fields });
  },
};

export const systemClock: Clock = { now: () => new Date() };
