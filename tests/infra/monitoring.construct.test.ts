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
      { function: fn('get-case'), kind: 'api', name: 'get-case', logGroup: logs('get-case') },
      { function: fn('record-status'), kind: 'step', name: 'record-status', logGroup: logs('record-status') },
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
    functions: [{ function: LambdaFunction.fromFunctionName(new Stack(), 'Reconcile', 'loket-reconcile'), kind: 'scheduled', name: 'reconcile', logGroup: LogGroup.fromLogGroupName(new Stack(), 'L', '/r') }],
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
