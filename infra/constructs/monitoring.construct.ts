import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { MathExpression } from 'aws-cdk-lib/aws-cloudwatch';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

import { caseMetricDimension, caseMetricNames, tenantMetricDimension } from '../../functions/commons/metric-names';
import { metricsNamespace, serviceName } from '../deployment';

export { caseMetricDimension, caseMetricNames };

export interface MonitoringConstructProps {
  readonly functions: readonly IFunction[];
  /** The state machines by transaction type key. */
  readonly stateMachines: Readonly<Record<string, IStateMachine>>;
  readonly api: IHttpApi;
  /**
   * Name of the CloudWatch dashboard.
   * @default 'Loket'
   */
  readonly dashboardName?: string;
  /**
   * Server errors (5xx) in five minutes that raise the API alarm.
   * @default 5
   */
  readonly apiServerErrorThreshold?: number;
  /**
   * Queues whose messages are work that could not be done (the outbox's dead letters): any
   * message in one raises an alarm.
   * @default - none
   */
  readonly deadLetterQueues?: readonly IQueue[];
}

const period = Duration.minutes(5);

/**
 * The operator's view: one dashboard (cases per type, executions, API, functions) and the
 * alarms (failed executions, failures not recorded, Lambda errors and throttles, API 5xx,
 * the reconciler's flagged and overdue cases, dead letters). The alarms have no actions yet;
 * a notification topic subscribes to them once on-call is decided.
 */
export class MonitoringConstruct extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: MonitoringConstructProps) {
    super(scope, id);
    const alarms: Alarm[] = [];
    const alarmOn = (alarmId: string, metric: IMetric, threshold: number, description: string): Alarm => {
      const alarm = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      alarms.push(alarm);
      return alarm;
    };

    const typeKeys = Object.keys(props.stateMachines).sort();
    for (const key of typeKeys) {
      const stateMachine = props.stateMachines[key]!;
      alarmOn(
        `${pascalCase(key)}ExecutionsFailed`,
        stateMachine.metricFailed({ period, statistic: 'Sum' }),
        1,
        `An execution of transaction type ${key} failed. Most are cases that ended 'failed' (error CaseFailed), recorded on the case and in its audit trail; ` +
          'the FailuresNotRecorded alarm singles out the executions whose failure could not be recorded.',
      );
    }
    for (const fn of props.functions) {
      alarmOn(`${fn.node.id}Errors`, fn.metricErrors({ period, statistic: 'Sum' }), 1, `Lambda ${fn.node.id} reported errors.`);
      alarmOn(`${fn.node.id}Throttles`, fn.metricThrottles({ period, statistic: 'Sum' }), 1, `Lambda ${fn.node.id} was throttled.`);
    }
    for (const queue of props.deadLetterQueues ?? []) {
      alarmOn(
        `${queue.node.id}NotEmpty`,
        queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        1,
        'An outbox effect (a workflow start, a task or message result, a stop or a redrive) could not be delivered within its retries: the reconciler delivers it again; if the queue stays full, see the runbook.',
      );
    }
    // The reconciler's metrics, over every type (and tenant): a Metrics Insights query, because an
    // alarm cannot watch a SEARCH expression.
    const needingAttention = insightsQuery('SUM', caseMetricNames.needsAttention, [caseMetricDimension], 'Cases needing attention');
    alarmOn(
      'CasesNeedingAttention',
      needingAttention,
      1,
      'An open case’s workflow ended (failed, timed out or was stopped outside Loket): list them with GET /v1/operations/cases?attention=true and redrive each.',
    );
    // A gauge the reconciler publishes per type at each run while such cases exist: apart from the business `failed` ends above.
    const notRecorded = insightsQuery('MAX', caseMetricNames.failuresNotRecorded, [caseMetricDimension], 'Open cases whose workflow failure was not recorded (most of one type)');
    alarmOn(
      'FailuresNotRecorded',
      notRecorded,
      1,
      'A workflow failed and its failure recorder could not write either (error FailureNotRecorded): infrastructure, not the case. The case stays open and is flagged. ' +
        'Check the record-status function (errors, throttles) and the table (throttling, KMS); once they are healthy, list the cases with GET /v1/operations/cases?attention=true ' +
        "(reason 'execution failed (FailureNotRecorded)') and redrive each with POST /v1/cases/{id}/redrive. The alarm clears at the first reconciler run that finds none.",
    );
    // A gauge the reconciler publishes per tenant and type at each run: the largest says whether any case is late.
    const overdue = insightsQuery('MAX', caseMetricNames.overdue, [tenantMetricDimension, caseMetricDimension], 'Most overdue open cases of one tenant and type');
    alarmOn('CasesOverdue', overdue, 1, 'An open case is past its legal deadline: see the tenant and type on the dashboard, and act on the case or extend it with a reason.');
    const apiServerErrors = props.api.metricServerError({ period, statistic: 'Sum' });
    alarmOn('ApiServerErrors', apiServerErrors, props.apiServerErrorThreshold ?? 5, 'The Loket API answered with server errors (5xx).');
    this.alarms = alarms;

    const caseMetric = (metricName: string, key: string): Metric =>
      new Metric({
        namespace: metricsNamespace,
        metricName,
        dimensionsMap: { service: serviceName, [caseMetricDimension]: key },
        statistic: 'Sum',
        period,
        label: `${key} ${metricName}`,
      });

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName ?? 'Loket' });
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms, width: 24 }));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Cases submitted and completed per type',
        left: typeKeys.flatMap((key) => [caseMetric(caseMetricNames.submitted, key), caseMetric(caseMetricNames.completed, key)]),
        width: 12,
      }),
      new GraphWidget({
        title: 'Executions per type',
        left: typeKeys.flatMap((key) => {
          const stateMachine = props.stateMachines[key]!;
          return [
            stateMachine.metricStarted({ period, label: `${key} started` }),
            stateMachine.metricSucceeded({ period, label: `${key} succeeded` }),
            stateMachine.metricFailed({ period, label: `${key} failed` }),
            stateMachine.metricTimedOut({ period, label: `${key} timed out` }),
          ];
        }),
        right: typeKeys.map((key) =>
          props.stateMachines[key]!.metricTime({ period, statistic: 'p95', label: `${key} p95 processing time` }),
        ),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [
          props.api.metricCount({ period, statistic: 'Sum', label: 'requests' }),
          props.api.metricClientError({ period, statistic: 'Sum', label: '4xx' }),
          apiServerErrors.with({ label: '5xx' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency',
        left: [props.api.metricLatency({ period, statistic: 'p95', label: 'p95 latency' })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Failures not recorded (FailureNotRecorded)', left: [notRecorded], width: 6 }),
      new GraphWidget({
        title: 'Outbox dead letters',
        left: (props.deadLetterQueues ?? []).map((queue) =>
          queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: `${queue.node.id} messages` }),
        ),
        width: 6,
      }),
      new GraphWidget({
        title: 'Cases needing attention per type',
        left: typeKeys.map((key) => caseMetric(caseMetricNames.needsAttention, key)),
        width: 6,
      }),
      new GraphWidget({ title: 'Overdue open cases', left: [overdue], width: 6 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors and throttles',
        left: props.functions.map((fn) => fn.metricErrors({ period, statistic: 'Sum', label: `${fn.node.id} errors` })),
        right: props.functions.map((fn) => fn.metricThrottles({ period, statistic: 'Sum', label: `${fn.node.id} throttles` })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Lambda duration (p95)',
        left: props.functions.map((fn) => fn.metricDuration({ period, statistic: 'p95', label: fn.node.id })),
        width: 12,
      }),
    );
  }
}

/**
 * A Metrics Insights query over one of Loket's metrics across every value of its dimensions;
 * `service` (Powertools' default dimension) is part of every schema.
 */
function insightsQuery(aggregate: 'SUM' | 'MAX', metricName: string, dimensions: readonly string[], label: string): MathExpression {
  const schema = [`"${metricsNamespace}"`, 'service', ...dimensions].join(', ');
  return new MathExpression({ expression: `SELECT ${aggregate}(${metricName}) FROM SCHEMA(${schema})`, label, period });
}

function pascalCase(kebab: string): string {
  return kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
