import { App, Stack } from 'aws-cdk-lib';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { MonitoringConstruct, type MonitoringConstructProps } from '../../infra/constructs/monitoring.construct';
import { listOf, logLevelOf } from '../../infra/deployment';

/** The construct over imported resources: no bundling, so each case synthesizes in milliseconds. */
function monitoringWith(overrides: Partial<MonitoringConstructProps>): Template {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const fn = (name: string) => LambdaFunction.fromFunctionName(stack, `${name}Fn`, `loket-${name}`);
  const logs = (name: string) => LogGroup.fromLogGroupName(stack, `${name}Logs`, `/loket/${name}`);
  new MonitoringConstruct(stack, 'Monitoring', {
    functions: [
      { function: fn('get-case'), kind: 'api', name: 'get-case', logGroup: logs('get-case'), timeoutSeconds: 10 },
      { function: fn('record-status'), kind: 'step', name: 'record-status', logGroup: logs('record-status'), timeoutSeconds: 10 },
    ],
    stateMachines: { 'proof-of-residence': StateMachine.fromStateMachineName(stack, 'Machine', 'loket-proof-of-residence') },
    api: HttpApi.fromHttpApiAttributes(stack, 'Api', { httpApiId: 'api123' }),
    table: Table.fromTableName(stack, 'Table', 'loket'),
    tableIndexNames: ['GSI1'],
    alarmTopicKey: Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000'),
    workflowLogGroups: [logs('workflow')],
    apiAccessLogs: logs('access'),
    ...overrides,
  });
  return Template.fromStack(stack);
}

test('the e-mail addresses and HTTPS endpoints given are subscribed to the alarm topic', () => {
  const template = monitoringWith({ alarmEmails: ['oncall@example.org', 'ops@example.org'], alarmHttpsEndpoints: ['https://chat.example.org/hook'] });
  template.resourceCountIs('AWS::SNS::Subscription', 3);
  for (const email of ['oncall@example.org', 'ops@example.org']) template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email });
  template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://chat.example.org/hook' });
});

test('without subscriptions the topic still exists, and every alarm still notifies it', () => {
  const template = monitoringWith({});
  template.resourceCountIs('AWS::SNS::Subscription', 0);
  template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [Match.anyValue()], OKActions: [Match.anyValue()] });
  template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
});

test('the reconciler watch exists only where a reconciler is deployed, and counts no data as breaching', () => {
  const reconcilerWatch = (template: Template) => Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.includes('ReconcilerNotRunning'));
  expect(reconcilerWatch(monitoringWith({}))).toHaveLength(0);
  const withReconciler = monitoringWith({
    functions: [{ function: LambdaFunction.fromFunctionName(new Stack(), 'Reconcile', 'loket-reconcile'), kind: 'scheduled', name: 'reconcile', logGroup: LogGroup.fromLogGroupName(new Stack(), 'L', '/r'), timeoutSeconds: 60 }],
  });
  const [[, alarm]] = reconcilerWatch(withReconciler) as [[string, { Properties: Record<string, unknown> }]];
  expect(alarm.Properties).toMatchObject({ MetricName: 'Invocations', ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
});

test('context lists are comma-separated strings or arrays; anything else fails synthesis', () => {
  expect(listOf('a@example.org, b@example.org,', 'x')).toEqual(['a@example.org', 'b@example.org']);
  expect(listOf(['a@example.org'], 'x')).toEqual(['a@example.org']);
  expect(listOf(undefined, 'x')).toEqual([]);
  expect(() => listOf(42, "Context 'loket:alarmEmails'")).toThrow(/loket:alarmEmails/);
});

test('the log level from context is one Powertools knows, in any case; anything else fails synthesis', () => {
  expect(logLevelOf('debug', 'x')).toBe('DEBUG');
  expect(() => logLevelOf('verbose', "Context 'loket:logLevel'")).toThrow(/loket:logLevel.*DEBUG, INFO/);
});

type Resource = { Properties: Record<string, any> };
const alarmsOf = (template: Template) => Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as Array<[string, Resource]>;
const alarmNamed = (template: Template, id: string) => alarmsOf(template).find(([logicalId]) => logicalId.startsWith(`Monitoring${id}`))?.[1];

describe('Lambda: duration near the timeout and concurrency', () => {
  const withFunctions = () =>
    monitoringWith({
      functions: [
        { function: LambdaFunction.fromFunctionName(new Stack(), 'Export', 'loket-data-subject-export'), kind: 'api', name: 'data-subject-export', logGroup: LogGroup.fromLogGroupName(new Stack(), 'L1', '/e'), timeoutSeconds: 30 },
        { function: LambdaFunction.fromFunctionName(new Stack(), 'Health', 'loket-health'), kind: 'api', name: 'health', logGroup: LogGroup.fromLogGroupName(new Stack(), 'L2', '/h'), timeoutSeconds: 10, reservedConcurrency: 5 },
        { function: LambdaFunction.fromFunctionName(new Stack(), 'Step', 'loket-issue-certificate'), kind: 'step', name: 'issue-certificate', logGroup: LogGroup.fromLogGroupName(new Stack(), 'L3', '/s'), timeoutSeconds: 20 },
      ],
    });

  test('each function alarms when its p99 duration reaches 80 % of its own timeout in two of three periods, saying what it means and what to do first', () => {
    const template = withFunctions();
    for (const [id, timeoutMs, consequence] of [
      ['ExportNearTimeout', 30_000, '503/504'],
      ['HealthNearTimeout', 10_000, '503/504'],
      ['StepNearTimeout', 20_000, 'retries the step'],
    ] as const) {
      const alarm = alarmNamed(template, id);
      expect(alarm?.Properties).toMatchObject({
        MetricName: 'Duration',
        Namespace: 'AWS/Lambda',
        ExtendedStatistic: 'p99',
        Threshold: timeoutMs * 0.8,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        TreatMissingData: 'notBreaching',
      });
      expect(alarm!.Properties.AlarmDescription).toEqual(expect.stringContaining(consequence));
      expect(alarm!.Properties.AlarmDescription).toEqual(expect.stringContaining('First look at what it waits on'));
    }
  });

  test('a function with reserved concurrency alarms at 80 % of it; the account alarms at 80 % of its limit', () => {
    const template = withFunctions();
    expect(alarmNamed(template, 'HealthNearReservedConcurrency')?.Properties).toMatchObject({ MetricName: 'ConcurrentExecutions', Statistic: 'Maximum', Threshold: 4 });
    expect(alarmNamed(template, 'ExportNearReservedConcurrency')).toBeUndefined();
    const account = alarmNamed(template, 'AccountConcurrencyNearLimit');
    expect(account?.Properties).toMatchObject({ Threshold: 800, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    // No dimension: the whole account's functions in the region.
    expect(account!.Properties.Metrics).toEqual([
      expect.objectContaining({ MetricStat: { Metric: { MetricName: 'ConcurrentExecutions', Namespace: 'AWS/Lambda' }, Period: 300, Stat: 'Maximum' } }),
    ]);
    expect(alarmNamed(monitoringWith({ accountConcurrencyLimit: 3000 }), 'AccountConcurrencyNearLimit')?.Properties.Threshold).toBe(2400);
  });

  test('the dashboard graphs each function’s p99 duration as a share of its timeout, and the account’s concurrency', () => {
    const body = JSON.stringify(withFunctions().findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('Lambda p99 duration, % of its timeout');
    expect(body).toContain('100 * d0 / 30000');
    expect(body).toContain('Lambda concurrent executions (max)');
  });
});

describe('deadlines', () => {
  test('overdue cases of any type raise an alarm once they last half an hour (six reconciler periods in a row), with a runbook line', () => {
    const alarm = alarmNamed(monitoringWith({}), 'CasesOverdue');
    expect(alarm?.Properties).toMatchObject({ Threshold: 1, EvaluationPeriods: 6, DatapointsToAlarm: 6, TreatMissingData: 'notBreaching' });
    expect(alarm!.Properties.Metrics).toEqual([
      expect.objectContaining({ Expression: `SELECT MAX(CasesOverdue) FROM SCHEMA("Loket", service, transactionType) WHERE service = 'loket'`, ReturnData: true }),
    ]);
    expect(alarm!.Properties.AlarmDescription).toEqual(expect.stringContaining('overdue cases by tenant'));
  });

  test('overdue and due-soon cases are graphed per type, and the saved query names the tenants', () => {
    const template = monitoringWith({});
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('Deadlines per type (overdue, due within two days)');
    expect(body).toMatch(/MetricName=\W+CasesDueSoon\W+ service=\W+loket\W/);
    template.hasResourceProperties('AWS::Logs::QueryDefinition', { Name: 'Loket/Overdue cases by tenant', QueryString: Match.stringLikeRegexp('tenants') });
  });
});

test('an environment’s alarms and graphs read only its own metrics: the service dimension carries the environment', () => {
  const template = monitoringWith({ serviceName: 'loket-test', dashboardName: 'Loket-test', queryFolder: 'Loket-test', alarmTopicName: 'loket-test-alarms' });
  const expressions = alarmsOf(template).flatMap(([, alarm]) => (alarm.Properties.Metrics ?? []).map((metric: { Expression?: string }) => metric.Expression).filter(Boolean));
  const custom = expressions.filter((expression: string) => expression.includes('"Loket"'));
  expect(custom.length).toBeGreaterThanOrEqual(4);
  for (const expression of custom) expect(expression).toContain(`WHERE service = 'loket-test'`);
  template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Loket-test' });
  template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'loket-test-alarms' });
  for (const [, query] of Object.entries(template.findResources('AWS::Logs::QueryDefinition'))) expect(query.Properties.Name).toMatch(/^Loket-test\//);
});
