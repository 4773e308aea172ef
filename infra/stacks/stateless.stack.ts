import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, HttpApi, HttpMethod, HttpNoneAuthorizer, type HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type CfnFunction, FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { functions as declaredFunctions, type FunctionDeclaration } from '../../functions/app.declaration';
import { LoketFunction } from '../constructs/loket-function.construct';
import { MonitoringConstruct } from '../constructs/monitoring.construct';
import { WorkflowsConstruct } from '../constructs/workflows.construct';
import { tableDefinition } from '../table.definition';
import { buildsCaseStore, defaultNaming, deploymentOf, type EnvironmentValues, functionEnvironment, loadsTracer, type Naming } from '../deployment';

export interface StatelessStackProps extends StackProps {
  /** The case table, from the stateful stack. */
  readonly table: ITable;
  /** The key that encrypts the table, the state machines and every log group: functions and workflows with table access may use it. */
  readonly key: IKey;
  /** The HMAC key of applicant pseudonyms: functions that build the case store may ask KMS for MACs with it. */
  readonly pseudonymKey: IKey;
  /** The HMAC key that seals audit trails: functions that write cases seal with it, the history route verifies. */
  readonly auditSealKey: IKey;
  /** The domain event bus, from the stateful stack. */
  readonly eventBus: IEventBus;
  /** The bucket of issued documents, KMS-encrypted, from the stateful stack. */
  readonly documentsBucket: IBucket;
  /**
   * The citizen's case overview (DOSIS): its dossier API and token endpoint, and the secret of
   * the client's credentials, which functions that publish to it may read.
   * @default - none: no declared function may publish to the overview
   */
  readonly caseOverview?: { readonly url: string; readonly tokenUrl: string; readonly credentials: ISecret };
  /** Issuer (`iss`) the JWT authorizer accepts; its `/.well-known/openid-configuration` must be reachable. */
  readonly jwtIssuer: string;
  /** Audience (`aud`) the JWT authorizer accepts. */
  readonly jwtAudience: string;
  /**
   * The functions, routes and access to deploy.
   * @default functions from functions/app.declaration.ts
   */
  readonly functions?: readonly FunctionDeclaration[];
  /**
   * Steady-state requests per second the API stage accepts on a route without its own
   * throttle; every declared route has one (from its contract).
   * @default 50
   */
  readonly throttleRateLimit?: number;
  /**
   * Burst of requests the API stage accepts on a route without its own throttle.
   * @default 100
   */
  readonly throttleBurstLimit?: number;
  /**
   * Concurrent executions reserved for each function of a public route, which is also the most
   * it may run. Reserved concurrency comes out of the account's regional pool (1,000 by default;
   * a new account may start far lower), of which Lambda always keeps 100 unreserved: two public
   * functions at 5 take 10.
   * @default 5
   */
  readonly publicRouteConcurrency?: number;
  /**
   * The names of the table's global secondary indexes, watched one by one.
   * @default tableDefinition's indexes (infra/table.definition.ts)
   */
  readonly tableIndexNames?: readonly string[];
  /**
   * Who is told when an alarm goes off or clears: e-mail addresses and HTTPS endpoints (a chat
   * webhook, a paging service) subscribed to the alarm topic.
   * @default - no subscription: the alarms notify a topic nobody reads
   */
  readonly alarmSubscriptions?: { readonly emails?: readonly string[]; readonly httpsEndpoints?: readonly string[] };
  /**
   * POWERTOOLS_LOG_LEVEL of every function.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * The names of this deployment: functions, state machines, the API, the dashboard, the saved
   * queries and the metrics' `service` carry its environment.
   * @default defaultNaming (`loket-*`, dashboard `Loket`)
   */
  readonly naming?: Naming;
}

/** `submit-case` → `SubmitCase`: construct ids follow the declared names. */
export function constructIdOf(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * The code and what runs it: one Lambda per declared function, the HTTP API with its JWT
 * authorizer, the transaction types' state machines, and the dashboard and alarms. All of
 * it can be destroyed and redeployed without losing data.
 */
export class StatelessStack extends Stack {
  readonly functions: Readonly<Record<string, LoketFunction>>;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly workflows: WorkflowsConstruct;
  /** Outbox items the dispatcher could not deliver within its retries. */
  readonly outboxDeadLetters: Queue;
  readonly monitoring: MonitoringConstruct;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const declarations = props.functions ?? declaredFunctions;
    const naming = props.naming ?? defaultNaming;

    const functions: Record<string, LoketFunction> = {};
    const deployments = declarations.map((declaration) => deploymentOf(declaration, naming));
    for (const deployment of deployments) {
      functions[deployment.name] = new LoketFunction(this, `${constructIdOf(deployment.name)}Function`, {
        entry: deployment.declaration.entry,
        description: deployment.declaration.description,
        functionName: deployment.functionName,
        memorySize: deployment.memorySize,
        timeout: Duration.seconds(deployment.timeoutSeconds),
        logKey: props.key,
        traced: deployment.declaration.traced !== false,
        loadsTracer: loadsTracer(deployment.declaration),
        carriesOpenApiDocument: deployment.declaration.servesOpenApiDocument === true,
      });
    }
    this.functions = functions;

    const stepFunctions = Object.fromEntries(
      declarations.filter((declaration) => declaration.kind === 'step').map((declaration) => [declaration.name, functions[declaration.name]!]),
    );
    this.workflows = new WorkflowsConstruct(this, 'Workflows', {
      stepFunctions,
      table: props.table,
      tableKey: props.key,
      encryptionKey: props.key,
      eventBus: props.eventBus,
      stateMachineName: naming.stateMachineName,
    });
    const stateMachineNames = Object.keys(this.workflows.stateMachines).map(naming.stateMachineName);

    // Made before the functions' environment: a change's events point at the schemas this API serves (on its $default stage).
    this.api = new HttpApi(this, 'Api', {
      apiName: naming.apiName,
      description: 'Loket API v1',
      createDefaultStage: false,
    });
    const environmentValues: EnvironmentValues = {
      host: 'aws',
      tableName: props.table.tableName,
      documentsBucket: props.documentsBucket.bucketName,
      stateMachineArns: this.toJsonString(
        Object.fromEntries(Object.entries(this.workflows.stateMachines).map(([key, stateMachine]) => [key, stateMachine.stateMachineArn])),
      ),
      pseudonymKey: { kmsKeyId: props.pseudonymKey.keyArn },
      auditSealKey: { kmsKeyId: props.auditSealKey.keyArn },
      eventSchemasUrl: `${this.api.apiEndpoint}/v1/events/schemas`,
      eventBusName: props.eventBus.eventBusName,
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
      serviceName: naming.serviceName,
      ...(props.caseOverview && {
        caseOverview: { url: props.caseOverview.url, tokenUrl: props.caseOverview.tokenUrl, credentials: { secretArn: props.caseOverview.credentials.secretArn } },
      }),
    };
    for (const declaration of declarations) {
      const fn = functions[declaration.name]!;
      if (buildsCaseStore(declaration)) props.pseudonymKey.grant(fn, 'kms:GenerateMac');
      if (buildsCaseStore(declaration) && declaration.table === 'readWrite') props.auditSealKey.grant(fn, 'kms:GenerateMac');
      if (declaration.verifiesAuditTrail) props.auditSealKey.grant(fn, 'kms:VerifyMac');
      if (declaration.readsExecutions) fn.grantDescribeExecutions(stateMachineNames);
      if (declaration.readsWorkflowHistory) fn.grantWorkflowHistory(stateMachineNames);
      if (declaration.readsCurrentWorkflowVersions) fn.grantCurrentVersions(stateMachineNames);
      // The same flags choose the grants here and the variables in functionEnvironment.
      if (declaration.table) fn.grantTable(props.table, declaration.table, { key: props.key });
      if (declaration.documents) fn.grantDocuments(props.documentsBucket, declaration.documents);
      if (declaration.startsExecutions) fn.grantVersionedStarts(stateMachineNames).grantRedriveExecutions(stateMachineNames);
      if (declaration.sendsTaskResults) fn.grantTaskResults(stateMachineNames);
      if (declaration.stopsExecutions) fn.grantStopExecutions(stateMachineNames);
      if (declaration.publishesCaseOverview && props.caseOverview) fn.grantSecretRead(props.caseOverview.credentials, props.key);
      if (declaration.publishesEvents) fn.grantPublishEvents(props.eventBus);
      // The state machines are encrypted with the key: Step Functions uses it on the caller's behalf.
      if (declaration.startsExecutions || declaration.sendsTaskResults || declaration.stopsExecutions) {
        fn.grantWorkflowKey(props.key, stateMachineNames, 'readWrite');
      } else if (declaration.readsExecutions || declaration.readsWorkflowHistory) {
        fn.grantWorkflowKey(props.key, stateMachineNames, 'read');
      }
      fn.addEnvironmentVariables(functionEnvironment(declaration, environmentValues));
    }

    // The stream functions (the outbox dispatcher, the webhook deliveries): fed new items by the table's stream, in order per partition.
    this.outboxDeadLetters = new Queue(this, 'OutboxDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.outboxDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter destination of the stream functions (outbox dispatcher, webhook deliveries); its depth raises an alarm.',
    });
    for (const declaration of declarations.filter((candidate) => candidate.kind === 'stream')) {
      functions[declaration.name]!.addEventSource(
        new DynamoEventSource(props.table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: 10,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          retryAttempts: 10,
          maxRecordAge: Duration.hours(24),
          ...(declaration.concurrentBatchesPerShard ? { parallelizationFactor: declaration.concurrentBatchesPerShard } : {}),
          onFailure: new SqsDlq(this.outboxDeadLetters),
          filters: declaration.streamRecords && [
            FilterCriteria.filter({
              eventName: FilterRule.isEqual(declaration.streamRecords.eventName),
              dynamodb: { NewImage: { entity: { S: FilterRule.isEqual(declaration.streamRecords.entity) } } },
            }),
          ],
        }),
      );
    }
    for (const declaration of declarations.filter((candidate) => candidate.kind === 'scheduled')) {
      new Rule(this, `${constructIdOf(declaration.name)}Schedule`, {
        description: `Runs ${declaration.name} every ${declaration.everyMinutes ?? 5} minutes`,
        schedule: Schedule.rate(Duration.minutes(declaration.everyMinutes ?? 5)),
        targets: [new LambdaFunction(functions[declaration.name]!)],
      });
    }

    // Each line names the caller's sub and source IP: kept 90 days, as the functions' logs are.
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Per-route metrics (4xx, 5xx, latency by route) for the dashboard and the saved queries.
      detailedMetricsEnabled: true,
      throttle: { rateLimit: props.throttleRateLimit ?? 50, burstLimit: props.throttleBurstLimit ?? 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: accessLogFormat() },
    });

    const jwtAuthorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
      authorizerName: `${naming.prefix}-jwt`,
      jwtAudience: [props.jwtAudience],
    });
    // Each route: the scopes its contract accepts (the token must carry one; an ID token carries none) and its own throttle.
    // RouteSettings is plain JSON to CloudFormation (route key → settings): CDK passes it through as written.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    const reservedConcurrency: Record<string, number> = {};
    for (const declaration of declarations) {
      if (!declaration.routes?.length) continue;
      const fn = functions[declaration.name]!;
      const integration = new HttpLambdaIntegration(`${constructIdOf(declaration.name)}Integration`, fn);
      for (const route of declaration.routes) {
        const [httpRoute] = this.api.addRoutes({
          path: route.path,
          methods: [HttpMethod[route.method]],
          integration,
          authorizer: route.authorized ? jwtAuthorizer : new HttpNoneAuthorizer(),
          ...(route.authorized ? { authorizationScopes: [...route.scopes] } : {}),
        });
        routeSettings[`${route.method} ${route.path}`] = {
          ThrottlingRateLimit: route.throttle.rateLimit,
          ThrottlingBurstLimit: route.throttle.burstLimit,
        };
        // A stage's route settings must name routes that exist.
        if (httpRoute) this.stage.node.addDependency(httpRoute);
        if (!route.authorized && httpRoute) {
          // Anyone may call a public route: its throttle is the lowest, and its function's concurrency is reserved,
          // which caps what it can cost and keeps it from taking the concurrency the authenticated functions need.
          reservedConcurrency[declaration.name] = props.publicRouteConcurrency ?? 5;
          (fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions = reservedConcurrency[declaration.name];
          Validations.of(httpRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${route.method} ${route.path} is declared public: it returns no tenant or personal data (the liveness probe, the OpenAPI document), is throttled to ${route.throttle.rateLimit}/s and its function's concurrency is reserved.`,
          });
        }
      }
    }
    (this.stage.node.defaultChild as CfnStage).routeSettings = routeSettings;

    this.monitoring = new MonitoringConstruct(this, 'Monitoring', {
      functions: deployments.map((deployment) => ({
        function: functions[deployment.name]!,
        kind: deployment.declaration.kind,
        name: deployment.name,
        logGroup: functions[deployment.name]!.logGroup,
        timeoutSeconds: deployment.timeoutSeconds,
        reservedConcurrency: reservedConcurrency[deployment.name],
      })),
      workflowLogGroups: Object.values(this.workflows.logGroups),
      apiAccessLogs: accessLogs,
      stateMachines: this.workflows.stateMachines,
      api: this.api,
      stageName: this.stage.stageName,
      table: props.table,
      tableIndexNames: props.tableIndexNames ?? tableDefinition.globalSecondaryIndexes.map((index) => index.indexName),
      alarmTopicKey: props.key,
      alarmEmails: props.alarmSubscriptions?.emails,
      alarmHttpsEndpoints: props.alarmSubscriptions?.httpsEndpoints,
      deadLetterQueues: [this.outboxDeadLetters],
      reconcilerEveryMinutes: declarations.find((declaration) => declaration.name === 'reconcile')?.everyMinutes,
      dashboardName: naming.dashboardName,
      queryFolder: naming.dashboardName,
      serviceName: naming.serviceName,
      // The default deployment's topic keeps the name CloudFormation gave it (a new name would replace it and its subscriptions).
      ...(naming.environment ? { alarmTopicName: `${naming.prefix}-alarms` } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL of the Loket API' });
  }
}

/** One JSON object per request, with the caller's subject and tenant from the token. */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      requestTime: '$context.requestTimeEpoch',
      sourceIp: '$context.identity.sourceIp',
      httpMethod: '$context.httpMethod',
      routeKey: '$context.routeKey',
      path: '$context.path',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      integrationError: '$context.integrationErrorMessage',
      authorizerError: '$context.authorizer.error',
      subject: '$context.authorizer.claims.sub',
      tenant: '$context.authorizer.claims.tenant',
    }),
  );
}
