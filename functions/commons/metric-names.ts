/**
 * The custom metrics the handlers publish (Powertools Metrics, EMF, namespace `Loket`) with
 * the transaction type as dimension; the CDK dashboard graphs the same names.
 */
export const caseMetricNames = { submitted: 'CasesSubmitted', completed: 'CasesCompleted', failed: 'CasesFailed' } as const;
export const caseMetricDimension = 'transactionType';
