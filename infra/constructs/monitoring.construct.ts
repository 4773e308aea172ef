import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmRule,
  AlarmState,
  AlarmStatusWidget,
  ComparisonOperator,
  CompositeAlarm,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type ILogGroup, QueryDefinition, QueryString } from 'aws-cdk-lib/aws-logs';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

import { caseMetricDimension, caseMetricNames, statusMetricDimension, tenantMetricDimension } from '../../functions/commons/metric-names';
import { metricsNamespace, serviceName } from '../deployment';

export { caseMetricDimension, caseMetricNames };

/** The layers an on-call engineer looks at first; each has one composite alarm over its own alarms. */
export type Layer = 'api' | 'workflows' | 'data' | 'delivery';
const layers: readonly Layer[] = ['api', 'workflows', 'data', 'delivery'];

/** A function to watch, with the declaration kind that says which layer it belongs to. */
export interface MonitoredFunction {
  readonly function: IFunction;
  readonly kind: 'api' | 'step' | 'stream' | 'scheduled';
  /** The declared name (`reconcile`, `submit-case`). */
  readonly name: string;
  /** Where it logs (Powertools JSON lines), for the saved queries. */
  readonly logGroup: ILogGroup;
}

export interface MonitoringConstructProps {
  readonly functions: readonly MonitoredFunction[];
  /** The state machines by transaction type key. */
  readonly stateMachines: Readonly<Record<string, IStateMachine>>;
  readonly api: IHttpApi;
  /**
   * The API stage whose 5xx rate is alarmed (HTTP API metrics carry the stage as a dimension).
   * @default '$default'
   */
  readonly stageName?: string;
  /** The case table, and the names of its global secondary indexes (throttles and capacity per index). */
  readonly table: ITable;
  readonly tableIndexNames: readonly string[];
  /** The customer-managed key the alarm topic is encrypted with; its policy must let cloudwatch.amazonaws.com use it. */
  readonly alarmTopicKey: IKey;
  /**
   * E-mail addresses subscribed to the alarm topic (each confirms its subscription once).
   * @default - none
   */
  readonly alarmEmails?: readonly string[];
  /**
   * HTTPS endpoints subscribed to the alarm topic: a chat webhook or a paging service.
   * @default - none
   */
  readonly alarmHttpsEndpoints?: readonly string[];
  /**
   * Name of the CloudWatch dashboard.
   * @default 'Loket'
   */
  readonly dashboardName?: string;
  /**
   * Share of the API's requests, in percent, answered with a server error (5xx) in five minutes,
   * in two of three consecutive periods, that raises the API alarm.
   * @default 5
   */
  readonly apiServerErrorRatePercent?: number;
  /**
   * Queues whose messages are work that could not be done (the outbox's dead letters): any
   * message in one raises an alarm.
   * @default - none
   */
  readonly deadLetterQueues?: readonly IQueue[];
  /**
   * Minutes between the reconciler's runs: it not running for three of them raises an alarm.
   * @default 5
   */
  readonly reconcilerEveryMinutes?: number;
  /** The state machines' execution log groups (ERROR level, no execution data), for the saved queries. */
  readonly workflowLogGroups: readonly ILogGroup[];
  /** The API stage's access log group (one JSON object per request), for the saved queries. */
  readonly apiAccessLogs: ILogGroup;
  /**
   * The folder of the saved Logs Insights queries in the console.
   * @default 'Loket'
   */
  readonly queryFolder?: string;
}

const period = Duration.minutes(5);

/**
 * How many datapoints out of how many consecutive five-minute periods must breach.
 * - `event`: 1 of 3. One occurrence matters (a failed execution, a dead letter); the alarm
 *   stays in ALARM for fifteen minutes after the last one instead of returning to OK at the next period.
 * - `sustained`: 2 of 3. Noise that a retry usually absorbs (a throttle, a transient step
 *   error, a few 5xx) alarms only when it lasts.
 * - `gauge`: 1 of 1. The reconciler republishes the figure at every run for as long as the condition holds.
 */
type Evaluation = 'event' | 'sustained' | 'gauge';
const evaluations: Record<Evaluation, { evaluationPeriods: number; datapointsToAlarm: number }> = {
  event: { evaluationPeriods: 3, datapointsToAlarm: 1 },
  sustained: { evaluationPeriods: 3, datapointsToAlarm: 2 },
  gauge: { evaluationPeriods: 1, datapointsToAlarm: 1 },
};

interface AlarmSpec {
  readonly layer: Layer;
  readonly metric: IMetric;
  readonly threshold: number;
  readonly evaluation: Evaluation;
  /** How a period without data counts, chosen per signal: the reason goes in the description's last sentence. */
  readonly missingData: TreatMissingData;
  /** What it means and what to do first. */
  readonly description: string;
  readonly comparison?: ComparisonOperator;
}

const noDataIsHealthy = 'No data means none happened.';

/**
 * The operator's view. Every alarm and composite alarm notifies the alarm topic (encrypted with
 * the customer-managed key; its subscriptions come from context) when it goes into ALARM and when
 * it returns to OK. One composite alarm per layer (API, workflows, data, delivery) says where to
 * look first. The dashboard shows cases per type and final status, executions, the API per route,
 * the functions and the table per index.
 */
export class MonitoringConstruct extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: readonly Alarm[];
  /** The composite alarm of each layer. */
  readonly layerAlarms: Readonly<Record<Layer, CompositeAlarm>>;
  readonly alarmTopic: Topic;
  /** The saved Logs Insights queries, by what they answer. */
  readonly queries: Readonly<Record<SavedQuery, QueryDefinition>>;

  constructor(scope: Construct, id: string, props: MonitoringConstructProps) {
    super(scope, id);

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Loket alarms',
      masterKey: props.alarmTopicKey,
      enforceSSL: true,
    });
    for (const email of props.alarmEmails ?? []) this.alarmTopic.addSubscription(new EmailSubscription(email));
    for (const url of props.alarmHttpsEndpoints ?? []) this.alarmTopic.addSubscription(new UrlSubscription(url));
    const notify = new SnsAction(this.alarmTopic);

    const alarms: Alarm[] = [];
    const byLayer: Record<Layer, IAlarm[]> = { api: [], workflows: [], data: [], delivery: [] };
    const alarmOn = (alarmId: string, spec: AlarmSpec): Alarm => {
      const alarm = new Alarm(this, alarmId, {
        metric: spec.metric,
        threshold: spec.threshold,
        ...evaluations[spec.evaluation],
        comparisonOperator: spec.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: spec.missingData,
        alarmDescription: `[${spec.layer}] ${spec.description}`,
      });
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      alarms.push(alarm);
      byLayer[spec.layer].push(alarm);
      return alarm;
    };

    // Workflows.
    const typeKeys = Object.keys(props.stateMachines).sort();
    for (const key of typeKeys) {
      const stateMachine = props.stateMachines[key]!;
      alarmOn(`${pascalCase(key)}ExecutionsFailed`, {
        layer: 'workflows',
        metric: stateMachine.metricFailed({ period, statistic: 'Sum' }),
        threshold: 1,
        evaluation: 'event',
        missingData: TreatMissingData.NOT_BREACHING,
        description:
          `An execution of transaction type ${key} failed. Most are cases that ended 'failed' (error CaseFailed), recorded on the case and in its audit trail: ` +
          'read the failed step with the saved query "failed steps in the last 24 hours"; the FailuresNotRecorded alarm singles out the executions whose failure could not be recorded. ' +
          noDataIsHealthy,
      });
      alarmOn(`${pascalCase(key)}ExecutionsEndedAbnormally`, {
        layer: 'workflows',
        metric: new MathExpression({
          expression: 'aborted + timedOut + throttled',
          usingMetrics: {
            aborted: stateMachine.metricAborted({ period, statistic: 'Sum' }),
            timedOut: stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
            throttled: stateMachine.metricThrottled({ period, statistic: 'Sum' }),
          },
          label: `${key} aborted, timed out or throttled executions`,
          period,
        }),
        threshold: 1,
        evaluation: 'event',
        missingData: TreatMissingData.NOT_BREACHING,
        description:
          `An execution of transaction type ${key} was aborted, timed out or throttled: its case is still open and the reconciler flags it. ` +
          'List such cases with GET /v1/operations/cases?attention=true and redrive each with POST /v1/cases/{id}/redrive; an abort outside Loket (console, CLI) is a person to ask. ' +
          noDataIsHealthy,
      });
    }

    for (const monitored of props.functions) {
      const fnId = monitored.function.node.id;
      const layer: Layer = monitored.kind === 'api' ? 'api' : monitored.kind === 'stream' ? 'delivery' : 'workflows';
      // An API function turns every exception into a 500 problem, so its Errors metric sees only crashes and timeouts:
      // the API's 5xx rate watches those functions instead.
      if (monitored.kind !== 'api') {
        alarmOn(`${fnId}Errors`, {
          layer,
          metric: monitored.function.metricErrors({ period, statistic: 'Sum' }),
          threshold: 1,
          evaluation: 'sustained',
          missingData: TreatMissingData.NOT_BREACHING,
          description:
            monitored.kind === 'step'
              ? `Step ${monitored.name} failed in two of the last three five-minute periods. A single TransientError that the workflow's Retry absorbed does not raise this; ` +
                'errors that last do: read them with the saved query "failed steps in the last 24 hours" (the error name says whether it is the table, KMS or a register). ' +
                noDataIsHealthy
              : `Function ${monitored.name} failed in two of the last three five-minute periods: read its log group's ERROR lines (error name and case id) and fix the cause; ` +
                `${monitored.kind === 'stream' ? 'the stream retries and dead-letters what it cannot deliver' : 'the next scheduled run makes up for a failed one'}. ` +
                noDataIsHealthy,
        });
      }
      alarmOn(`${fnId}Throttles`, {
        layer,
        metric: monitored.function.metricThrottles({ period, statistic: 'Sum' }),
        threshold: 1,
        evaluation: 'sustained',
        missingData: TreatMissingData.NOT_BREACHING,
        description:
          `Lambda throttled function ${monitored.name} in two of the last three five-minute periods: the account's or the function's concurrency is exhausted. ` +
          "Check the account's ConcurrentExecutions and the function's reserved concurrency; callers get 429 or 5xx and workflows retry. " +
          noDataIsHealthy,
      });
      if (monitored.name === 'reconcile') {
        alarmOn('ReconcilerNotRunning', {
          layer: 'workflows',
          metric: monitored.function.metricInvocations({ period: Duration.minutes(props.reconcilerEveryMinutes ?? 5), statistic: 'Sum' }),
          threshold: 1,
          comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluation: 'sustained',
          missingData: TreatMissingData.BREACHING,
          description:
            'The reconciler did not run in two of its last three periods: nothing starts missing executions, flags ended workflows or counts overdue cases, ' +
            'so those alarms are blind. Check its EventBridge schedule rule (enabled?) and the function. No data counts as breaching: a reconciler that never runs publishes none.',
        });
      }
    }

    for (const queue of props.deadLetterQueues ?? []) {
      alarmOn(`${queue.node.id}NotEmpty`, {
        layer: 'delivery',
        metric: queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        threshold: 1,
        evaluation: 'gauge',
        missingData: TreatMissingData.NOT_BREACHING,
        description:
          'An outbox effect (a workflow start, a task or message result, a stop or a redrive) could not be delivered within its retries: the reconciler delivers it again. ' +
          "Check the dispatch-outbox function's errors first; if the queue stays full, see the README's Operations section. " +
          'SQS stops publishing for a queue that stayed empty for hours: no data means empty.',
      });
    }

    // The reconciler's and the steps' case metrics, over every type (and tenant): a Metrics Insights query,
    // because an alarm cannot watch a SEARCH expression.
    const needingAttention = insightsQuery('SUM', caseMetricNames.needsAttention, [caseMetricDimension], 'Cases needing attention');
    alarmOn('CasesNeedingAttention', {
      layer: 'workflows',
      metric: needingAttention,
      threshold: 1,
      evaluation: 'event',
      missingData: TreatMissingData.NOT_BREACHING,
      description:
        'An open case’s workflow ended (failed, timed out or was stopped outside Loket): list them with GET /v1/operations/cases?attention=true and redrive each with POST /v1/cases/{id}/redrive. ' +
        'The reconciler counts a case when it flags it. ' +
        noDataIsHealthy,
    });
    // A gauge the reconciler publishes per type at each run while such cases exist: apart from the business `failed` ends above.
    const notRecorded = insightsQuery('MAX', caseMetricNames.failuresNotRecorded, [caseMetricDimension], 'Open cases whose workflow failure was not recorded (most of one type)');
    alarmOn('FailuresNotRecorded', {
      layer: 'workflows',
      metric: notRecorded,
      threshold: 1,
      evaluation: 'gauge',
      missingData: TreatMissingData.NOT_BREACHING,
      description:
        'A workflow failed and its failure recorder could not write either (error FailureNotRecorded): infrastructure, not the case. The case stays open and is flagged. ' +
        'Check the record-status function (errors, throttles) and the table (throttling, KMS); once they are healthy, list the cases with GET /v1/operations/cases?attention=true ' +
        "(reason 'execution failed (FailureNotRecorded)') and redrive each with POST /v1/cases/{id}/redrive. The alarm clears at the first reconciler run that finds none: " +
        'it publishes the gauge only while such cases exist, so no data means none.',
    });
    const failed = insightsQuery('SUM', caseMetricNames.failed, [caseMetricDimension], 'Cases closed failed');
    alarmOn('CasesFailed', {
      layer: 'workflows',
      metric: failed,
      threshold: 1,
      evaluation: 'event',
      missingData: TreatMissingData.NOT_BREACHING,
      description:
        "A case was closed with final status 'failed': its workflow gave up on a step (a register or a document that kept failing). " +
        'The applicant is told; find the case and the failed step with the saved query "failed steps in the last 24 hours" and decide with the tenant whether it is submitted again. ' +
        noDataIsHealthy,
    });
    // A gauge the reconciler publishes per tenant and type at each run: the largest says whether any case is late.
    const overdue = insightsQuery('MAX', caseMetricNames.overdue, [tenantMetricDimension, caseMetricDimension], 'Most overdue open cases of one tenant and type');
    alarmOn('CasesOverdue', {
      layer: 'workflows',
      metric: overdue,
      threshold: 1,
      evaluation: 'gauge',
      missingData: TreatMissingData.NOT_BREACHING,
      description:
        'An open case is past its legal deadline: see the tenant and type on the dashboard ("Overdue open cases"), and tell the tenant to act on the case or extend it with a reason. ' +
        'The reconciler publishes a count only for a tenant and type with overdue cases, so no data means none (ReconcilerNotRunning watches the reconciler itself).',
    });

    // The API: the share of requests answered 5xx on the stage, all routes together.
    const stage = props.stageName ?? '$default';
    const apiMetric = (metricName: string, label: string) =>
      new Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: { ApiId: props.api.apiId, Stage: stage }, statistic: 'Sum', period, label });
    const requests = apiMetric('Count', 'requests');
    const serverErrors = apiMetric('5xx', '5xx');
    const clientErrors = apiMetric('4xx', '4xx');
    // Below 20 requests in five minutes the rate is taken over 20, so that one error among three requests is not 33 %.
    const serverErrorRate = new MathExpression({
      expression: 'IF(requests < 20, 100 * errors / 20, 100 * errors / requests)',
      usingMetrics: { errors: serverErrors, requests },
      label: '5xx rate (%)',
      period,
    });
    alarmOn('ApiServerErrorRate', {
      layer: 'api',
      metric: serverErrorRate,
      threshold: props.apiServerErrorRatePercent ?? 5,
      evaluation: 'sustained',
      missingData: TreatMissingData.NOT_BREACHING,
      description:
        `More than ${props.apiServerErrorRatePercent ?? 5} % of the API's requests were answered with a server error (5xx) in two of the last three five-minute periods. ` +
        'Find the route and tenant with the saved query "5xx by route and tenant", then that function\'s "Unhandled error" lines; a 503/504 from the gateway is a timeout or throttle. ' +
        'No data means no requests.',
    });

    // The table.
    const table = props.table;
    const tableOperations = [
      Operation.GET_ITEM,
      Operation.BATCH_GET_ITEM,
      Operation.QUERY,
      Operation.PUT_ITEM,
      Operation.UPDATE_ITEM,
      Operation.DELETE_ITEM,
      Operation.BATCH_WRITE_ITEM,
      Operation.TRANSACT_WRITE_ITEMS,
      Operation.TRANSACT_GET_ITEMS,
      Operation.GET_RECORDS,
    ];
    const throttleEvents = (indexName: string | undefined, label: string): MathExpression => {
      const dimensionsMap: Record<string, string> = indexName ? { TableName: table.tableName, GlobalSecondaryIndexName: indexName } : { TableName: table.tableName };
      // Ids unique per index: the dashboard graphs several of these expressions together.
      const suffix = (indexName ?? 'table').toLowerCase().replace(/[^a-z0-9]/g, '_');
      return new MathExpression({
        expression: `reads_${suffix} + writes_${suffix}`,
        usingMetrics: {
          [`reads_${suffix}`]: new Metric({ namespace: 'AWS/DynamoDB', metricName: 'ReadThrottleEvents', dimensionsMap, statistic: 'Sum', period }),
          [`writes_${suffix}`]: new Metric({ namespace: 'AWS/DynamoDB', metricName: 'WriteThrottleEvents', dimensionsMap, statistic: 'Sum', period }),
        },
        label,
        period,
      });
    };
    const tableThrottles = throttleEvents(undefined, 'table throttle events');
    alarmOn('TableThrottles', {
      layer: 'data',
      metric: tableThrottles,
      threshold: 1,
      evaluation: 'sustained',
      missingData: TreatMissingData.NOT_BREACHING,
      description:
        'DynamoDB throttled reads or writes on the case table in two of the last three five-minute periods (on-demand: a partition past its limits, or a sudden jump past twice the previous peak). ' +
        'The SDK retries; lasting throttles become TransientErrors in steps and 5xx in the API. Look for a hot key (contributor insights) or a bulk job. ' +
        noDataIsHealthy,
    });
    for (const indexName of props.tableIndexNames) {
      alarmOn(`IndexThrottles${pascalCase(indexName)}`, {
        layer: 'data',
        metric: throttleEvents(indexName, `${indexName} throttle events`),
        threshold: 1,
        evaluation: 'sustained',
        missingData: TreatMissingData.NOT_BREACHING,
        description:
          `DynamoDB throttled the index ${indexName} in two of the last three five-minute periods; a throttled index write throttles the table write that feeds it. ` +
          'Look at its consumed capacity on the dashboard and for a hot partition key. ' +
          noDataIsHealthy,
      });
    }
    alarmOn('TableSystemErrors', {
      layer: 'data',
      metric: table.metricSystemErrorsForOperations({ operations: tableOperations, period, statistic: 'Sum' }),
      threshold: 1,
      evaluation: 'sustained',
      missingData: TreatMissingData.NOT_BREACHING,
      description:
        'DynamoDB answered requests on the case table with a 500 in two of the last three five-minute periods: an AWS-side problem. Check the AWS Health Dashboard; ' +
        'the SDK and the workflows retry, and the reconciler makes up for what is lost. ' +
        noDataIsHealthy,
    });
    alarmOn('TableTransactionConflicts', {
      layer: 'data',
      metric: table.metric('TransactionConflict', { period, statistic: 'Sum' }),
      threshold: 20,
      evaluation: 'sustained',
      missingData: TreatMissingData.NOT_BREACHING,
      description:
        'Twenty or more transactions on the case table were cancelled by a conflicting write in two of the last three five-minute periods. A few are normal ' +
        '(optimistic locking retries them); many mean writers competing for the same case: look for a retry loop or a client repeating a request. ' +
        noDataIsHealthy,
    });
    this.alarms = alarms;

    const layerAlarms = {} as Record<Layer, CompositeAlarm>;
    const layerText: Record<Layer, string> = {
      api: 'the HTTP API (5xx rate, API functions throttled)',
      workflows: 'the workflows (failed or abnormal executions, failing steps, cases failed, needing attention, overdue, the reconciler)',
      data: 'the case table (throttles, system errors, transaction conflicts)',
      delivery: 'the outbox delivery (dispatcher errors and throttles, dead letters)',
    };
    for (const layer of layers) {
      if (byLayer[layer].length === 0) continue;
      const composite = new CompositeAlarm(this, `${pascalCase(layer)}Health`, {
        alarmRule: AlarmRule.anyOf(...byLayer[layer].map((alarm) => AlarmRule.fromAlarm(alarm, AlarmState.ALARM))),
        alarmDescription: `[${layer}] Something is wrong in ${layerText[layer]}: open the dashboard's alarm widget and start with the alarm that fired first; its description says what to do.`,
      });
      composite.addAlarmAction(notify);
      composite.addOkAction(notify);
      layerAlarms[layer] = composite;
    }
    this.layerAlarms = layerAlarms;

    this.queries = savedQueries(this, props);

    const caseMetric = (metricName: string, key: string): Metric =>
      new Metric({
        namespace: metricsNamespace,
        metricName,
        dimensionsMap: { service: serviceName, [caseMetricDimension]: key },
        statistic: 'Sum',
        period,
        label: `${key} ${metricName}`,
      });
    // A SEARCH graphs one line per value of its dimensions (dashboards only: an alarm cannot watch it); each line keeps its own label.
    const searchOf = (dimensions: readonly string[], filter: string, statistic: string, label: string) =>
      new MathExpression({ expression: `SEARCH('{${dimensions.join(',')}} ${filter}', '${statistic}', ${period.toSeconds()})`, label, period });
    // Dynamic labels: each line of a SEARCH is named by its own dimension values.
    const dimensionLabel = (...names: readonly string[]) => names.map((name) => `\${PROP('Dim.${name}')}`).join(' ');

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName ?? 'Loket' });
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Layers', alarms: Object.values(layerAlarms), width: 24, height: 3 }));
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms, width: 24 }));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Cases submitted and completed per type',
        left: typeKeys.flatMap((key) => [caseMetric(caseMetricNames.submitted, key), caseMetric(caseMetricNames.completed, key)]),
        width: 8,
      }),
      new GraphWidget({
        title: 'Cases closed per type and final status',
        left: [
          searchOf(
            [`"${metricsNamespace}"`, 'service', statusMetricDimension, caseMetricDimension],
            `MetricName="${caseMetricNames.closed}"`,
            'Sum',
            dimensionLabel(caseMetricDimension, statusMetricDimension),
          ),
        ],
        width: 8,
      }),
      new GraphWidget({ title: 'Cases closed failed (CasesFailed)', left: [failed], width: 8 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Executions per type',
        left: typeKeys.flatMap((key) => {
          const stateMachine = props.stateMachines[key]!;
          return [
            stateMachine.metricStarted({ period, label: `${key} started` }),
            stateMachine.metricSucceeded({ period, label: `${key} succeeded` }),
            stateMachine.metricFailed({ period, label: `${key} failed` }),
            stateMachine.metricTimedOut({ period, label: `${key} timed out` }),
            stateMachine.metricAborted({ period, label: `${key} aborted` }),
            stateMachine.metricThrottled({ period, label: `${key} throttled` }),
          ];
        }),
        width: 12,
      }),
      new GraphWidget({
        title: 'Processing time per type (p95)',
        left: typeKeys.map((key) => props.stateMachines[key]!.metricTime({ period, statistic: 'p95', label: `${key} p95 processing time` })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [requests, clientErrors, serverErrors],
        right: [serverErrorRate],
        width: 8,
      }),
      new GraphWidget({
        title: 'API 5xx and 4xx per route',
        left: [
          searchOf(['AWS/ApiGateway', 'ApiId', 'Route', 'Stage'], `MetricName="5xx" ApiId="${props.api.apiId}"`, 'Sum', `${dimensionLabel('Route')} 5xx`),
          searchOf(['AWS/ApiGateway', 'ApiId', 'Route', 'Stage'], `MetricName="4xx" ApiId="${props.api.apiId}"`, 'Sum', `${dimensionLabel('Route')} 4xx`),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'API latency (p95)',
        left: [
          new Metric({ namespace: 'AWS/ApiGateway', metricName: 'Latency', dimensionsMap: { ApiId: props.api.apiId, Stage: stage }, statistic: 'p95', period, label: 'p95 latency' }),
        ],
        width: 8,
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
    const fns = props.functions.map((monitored) => monitored.function);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors and throttles',
        left: fns.map((fn) => fn.metricErrors({ period, statistic: 'Sum', label: `${fn.node.id} errors` })),
        right: fns.map((fn) => fn.metricThrottles({ period, statistic: 'Sum', label: `${fn.node.id} throttles` })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda duration (p95)',
        left: fns.map((fn) => fn.metricDuration({ period, statistic: 'p95', label: fn.node.id })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda concurrent executions (max)',
        left: fns.map((fn) => fn.metric('ConcurrentExecutions', { period, statistic: 'Maximum', label: fn.node.id })),
        width: 8,
      }),
    );
    const capacity = (metricName: string, indexName?: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: indexName ? { TableName: table.tableName, GlobalSecondaryIndexName: indexName } : { TableName: table.tableName },
        statistic: 'Sum',
        period,
        label: indexName ?? 'table',
      });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Table: consumed read capacity per index',
        left: [capacity('ConsumedReadCapacityUnits'), ...props.tableIndexNames.map((name) => capacity('ConsumedReadCapacityUnits', name))],
        width: 8,
      }),
      new GraphWidget({
        title: 'Table: consumed write capacity per index',
        left: [capacity('ConsumedWriteCapacityUnits'), ...props.tableIndexNames.map((name) => capacity('ConsumedWriteCapacityUnits', name))],
        width: 8,
      }),
      new GraphWidget({
        title: 'Table: throttles, system errors, transaction conflicts',
        left: [tableThrottles, ...props.tableIndexNames.map((name) => throttleEvents(name, `${name} throttle events`))],
        right: [table.metric('TransactionConflict', { period, statistic: 'Sum', label: 'transaction conflicts' })],
        width: 8,
      }),
    );
  }
}

/** The questions an operator asks the logs first. */
export type SavedQuery = 'case' | 'serverErrors' | 'failedSteps' | 'slowestRequests';

/**
 * Saved Logs Insights queries (AWS::Logs::QueryDefinition), each over the log groups that answer it.
 * A saved query holds no time range and no parameter: the operator picks the range and, in the case
 * query, replaces CASE_ID.
 */
function savedQueries(scope: Construct, props: MonitoringConstructProps): Record<SavedQuery, QueryDefinition> {
  const folder = props.queryFolder ?? 'Loket';
  const functionLogs = props.functions.map((monitored) => monitored.logGroup);
  const stepLogs = props.functions.filter((monitored) => monitored.kind === 'step').map((monitored) => monitored.logGroup);
  const define = (id: string, name: string, logGroups: readonly ILogGroup[], queryString: QueryString) =>
    new QueryDefinition(scope, id, { queryDefinitionName: `${folder}/${name}`, queryString, logGroups: [...logGroups] });
  return {
    // Function lines carry caseId; the API's access log names the case in its path and the workflows' log in the execution name.
    case: define(
      'CaseQuery',
      'Everything about case CASE_ID (replace CASE_ID)',
      [...functionLogs, ...props.workflowLogGroups, props.apiAccessLogs],
      new QueryString({
        fields: ['@timestamp', '@logGroup', 'level', 'message', 'errorName', 'tenant', 'route', 'routeKey', 'status', 'type', '@message'],
        filterStatements: ['caseId = "CASE_ID" or @message like "CASE_ID"'],
        sort: '@timestamp asc',
        limit: 1000,
      }),
    ),
    serverErrors: define(
      'ServerErrorsQuery',
      '5xx by route and tenant',
      [props.apiAccessLogs],
      new QueryString({
        filterStatements: ['status like /^5/'],
        statsStatements: ['count(*) as serverErrors by routeKey, tenant, status'],
        sort: 'serverErrors desc',
        limit: 100,
      }),
    ),
    failedSteps: define(
      'FailedStepsQuery',
      'Failed steps (set the range to 24 hours)',
      stepLogs,
      new QueryString({
        fields: ['@timestamp', 'function_name', 'level', 'errorName', 'caseId', 'tenant', 'error.message'],
        filterStatements: ['message like /^Step failed/'],
        sort: '@timestamp desc',
        limit: 1000,
      }),
    ),
    slowestRequests: define(
      'SlowestRequestsQuery',
      'Slowest requests',
      [props.apiAccessLogs],
      new QueryString({
        fields: ['@timestamp', 'routeKey', 'status', 'tenant', 'requestId', 'responseLatency * 1 as latencyMs', 'integrationLatency * 1 as integrationMs'],
        sort: 'latencyMs desc',
        limit: 50,
      }),
    ),
  };
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
    .split(/[-_]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
