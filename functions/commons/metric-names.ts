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
  overdue: 'CasesOverdue',
  /** Open cases whose workflow failed with `FailureNotRecorded`, counted by the reconciler at each run. */
  failuresNotRecorded: 'FailuresNotRecorded',
  /** Cases the retention job destroyed. */
  destroyed: 'CasesDestroyed',
} as const;

/** The overdue count is published per tenant as well, so that an alarm can name the municipality. */
export const tenantMetricDimension = 'tenant';
export const caseMetricDimension = 'transactionType';
/**
 * The final status of a closed case: a type declares a handful (its statuses with `final`), so
 * the dimension stays low-cardinality.
 */
export const statusMetricDimension = 'status';
