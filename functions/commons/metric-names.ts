/**
 * The custom metrics the handlers publish (Powertools Metrics, EMF, namespace `Loket`) with
 * the transaction type as dimension; the CDK dashboard graphs the same names.
 */
export const caseMetricNames = {
  submitted: 'CasesSubmitted',
  completed: 'CasesCompleted',
  failed: 'CasesFailed',
  /** Every closed case, with its final status as a dimension (issued, rejected, expired, withdrawn, failed, ...). */
  closed: 'CasesClosed',
  needsAttention: 'CasesNeedingAttention',
  /** Open cases past their due date, per type, published by the reconciler at every run (tenants in the `tenants` property). */
  overdue: 'CasesOverdue',
  /** Open cases due within two days and not overdue yet, per type, as CasesOverdue. */
  dueSoon: 'CasesDueSoon',
  /** Open cases whose workflow failed with `FailureNotRecorded`, counted by the reconciler at each run. */
  failuresNotRecorded: 'FailuresNotRecorded',
  /** Cases the retention job destroyed. */
  destroyed: 'CasesDestroyed',
} as const;

/**
 * The tenant of a figure, as an EMF property (not a dimension: a dimension per municipality would
 * multiply the metrics by the tenants); Logs Insights reads it from the reconciler's log group.
 */
export const tenantMetricProperty = 'tenants';
export const caseMetricDimension = 'transactionType';
/**
 * The final status of a closed case: a type declares a handful (its statuses with `final`), so
 * the dimension stays low-cardinality.
 */
export const statusMetricDimension = 'status';

/** What the delivery machinery counts (EMF, namespace `Loket`), with the receiver's kind as dimension. */
export const deliveryMetricNames = {
  /** Deliveries still refused after the retry window (a day), or refused for good by the case overview. */
  deadLettered: 'DeliveriesDeadLettered',
} as const;
export const receiverMetricDimension = 'receiver';
