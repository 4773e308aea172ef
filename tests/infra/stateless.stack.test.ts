import { Match, type Template } from 'aws-cdk-lib/assertions';
import { apiFunctions, functions, stepFunctions } from '../../functions/app.declaration';
import { dosisProductionEndpoints, functionEnvironment } from '../../infra/deployment';
import { tableDefinition } from '../../infra/table.definition';
import { loadWorkflowSources } from '../../workflows/definitions';
import {
  actionsOf,
  functionLogicalId,
  functionStatements,
  isImportedKeyArn,
  type Json,
  keyLogicalId,
  sharedSynthesis,
  sharedSynthesisTimeout,
  testContext,
} from './synthesize';

let stateless: Template;
let template: Json;
let keyId: string;
let sealKeyId: string;

beforeAll(async () => {
  const synthesized = await sharedSynthesis();
  ({ stateless, statelessJson: template } = synthesized);
  keyId = keyLogicalId(synthesized.statefulJson, 'alias/loket');
  sealKeyId = keyLogicalId(synthesized.statefulJson, 'alias/loket-audit-seal');
}, sharedSynthesisTimeout);

describe('functions', () => {
  test('there is one Lambda per declared function', () => {
    stateless.resourceCountIs('AWS::Lambda::Function', functions.length);
  });

  test.each(functions.map((fn) => [fn.name, fn] as const))(
    '%s runs nodejs22.x on arm64, traced as declared, with its memory and timeout, as an ESM bundle',
    (name, declaration) => {
      const fn = template.Resources[functionLogicalId(template, name)];
      expect(fn.Properties).toMatchObject({
        FunctionName: `loket-${name}`,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: declaration.traced === false ? 'PassThrough' : 'Active' },
        Handler: 'index.handler',
        MemorySize: declaration.memorySize ?? 256,
        Timeout: declaration.timeoutSeconds ?? 10,
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: 'loket',
            POWERTOOLS_METRICS_NAMESPACE: 'Loket',
            POPULATION_REGISTER: 'fixture',
          }),
        },
      });
      expect(fn.Metadata['aws:asset:is-bundled']).toBe(true);
      // Node does not map stacks itself: it would read the bundle's source map at every cold start; the logger maps a logged error's.
      expect(fn.Properties.Environment.Variables).not.toHaveProperty('NODE_OPTIONS');
    },
  );

  test('every function is traced (X-Ray samples its invocations), but the two fed by the stream: each batch would be a trace of its own that joins no request', () => {
    const untraced = functions.filter((declaration) => template.Resources[functionLogicalId(template, declaration.name)].Properties.TracingConfig.Mode !== 'Active');
    expect(untraced.map((declaration) => declaration.name)).toEqual(['dispatch-outbox', 'deliver-webhooks']);
    for (const { name } of untraced) {
      // Nor do they load the tracer (and the X-Ray SDK with it).
      expect(template.Resources[functionLogicalId(template, name)].Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBe('false');
    }
    expect(template.Resources[functionLogicalId(template, 'submit-case')].Properties.Environment.Variables.POWERTOOLS_TRACE_ENABLED).toBeUndefined();
    // A function that calls no other service stays traced by Lambda (its segment, with its initialisation), but loads no tracer.
    for (const name of ['health', 'get-openapi', 'list-transaction-types', 'get-event-schema']) {
      const fn = template.Resources[functionLogicalId(template, name)].Properties;
      expect([fn.TracingConfig.Mode, fn.Environment.Variables.POWERTOOLS_TRACE_ENABLED]).toEqual(['Active', 'false']);
    }
    // The executions the dispatcher starts keep their traces: the state machines trace (Step Functions roots them).
    const machines = Object.values(template.Resources as Record<string, Json>).filter((resource) => resource.Type === 'AWS::StepFunctions::StateMachine');
    expect(machines.length).toBeGreaterThan(0);
    for (const machine of machines) expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
  });

  test.each(functions.map((fn) => [fn.name, fn] as const))("%s gets exactly the environment the deployment model gives it on AWS", (name, declaration) => {
    const variables = template.Resources[functionLogicalId(template, name)].Properties.Environment.Variables as Json;
    const modelled = functionEnvironment(declaration, {
      host: 'aws',
      tableName: 'table',
      documentsBucket: 'bucket',
      stateMachineArns: '{}',
      pseudonymKey: { kmsKeyId: 'key' },
      auditSealKey: { kmsKeyId: 'seal-key' },
      caseOverview: { ...dosisProductionEndpoints, credentials: { secretArn: 'secret' } },
      eventSchemasUrl: 'https://api.example/v1/events/schemas',
      eventBusName: 'loket',
    });
    expect(Object.keys(variables).sort()).toEqual(Object.keys(modelled).sort());
    for (const [variable, value] of Object.entries(modelled)) {
      if (!['TABLE_NAME', 'DOCUMENTS_BUCKET', 'STATE_MACHINE_ARNS', 'PSEUDONYM_KEY_ID', 'AUDIT_SEAL_KEY_ID', 'CASE_OVERVIEW_SECRET_ARN', 'EVENT_SCHEMAS_URL', 'EVENT_BUS_NAME'].includes(variable)) expect({ variable, value: variables[variable] }).toEqual({ variable, value });
    }
  });

  test.each(functions.map((fn) => [fn.name]))('%s logs to its own log group with a retention', (name) => {
    const fn = template.Resources[functionLogicalId(template, name)];
    const logGroup = template.Resources[fn.Properties.LoggingConfig.LogGroup.Ref];
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(90);
    expect(logGroup.DeletionPolicy).toBe('Retain');
  });

  test('every log group of the stack (functions, state machines, API access logs) is encrypted with the customer-managed key', () => {
    const logGroups = Object.values(stateless.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(functions.length + loadWorkflowSources().length + 1);
    for (const logGroup of logGroups) expect(isImportedKeyArn(logGroup.Properties.KmsKeyId, keyId)).toBe(true);
  });

  test('no function role uses an AWS managed policy', () => {
    stateless.allResources('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });
});

describe('least privilege', () => {
  test.each(functions.map((fn) => [fn.name, fn] as const))('%s has TABLE_NAME and table actions only if it declares table access', (name, declaration) => {
    const actions = actionsOf(functionStatements(template, name));
    const dynamoDb = actions.filter((action) => action.startsWith('dynamodb:'));
    const variables = template.Resources[functionLogicalId(template, name)].Properties.Environment.Variables as Json;
    if (!declaration.table) {
      expect(dynamoDb).toEqual([]);
      expect(actions.filter((action) => action.startsWith('kms:'))).toEqual([]);
      expect(variables.TABLE_NAME).toBeUndefined();
    } else {
      expect(variables.TABLE_NAME).toBeDefined();
      const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
      if (declaration.table === 'read') expect(dynamoDb.filter((action) => writes.includes(action))).toEqual([]);
      else expect(dynamoDb).toEqual(expect.arrayContaining(writes));
    }
    expect(dynamoDb).not.toContain('dynamodb:Scan');
  });

  test.each(functions.map((fn) => [fn.name, fn] as const))(
    '%s has DOCUMENTS_BUCKET and S3 actions only if it declares document access',
    (name, declaration) => {
      const statements = functionStatements(template, name);
      const s3 = actionsOf(statements).filter((action) => action.startsWith('s3:'));
      const variables = template.Resources[functionLogicalId(template, name)].Properties.Environment.Variables as Json;
      if (!declaration.documents) {
        expect(s3).toEqual([]);
        expect(variables.DOCUMENTS_BUCKET).toBeUndefined();
        return;
      }
      expect(variables.DOCUMENTS_BUCKET).toBeDefined();
      // Destroying takes every version of a file (DeleteObjectVersion), so it lists versions, not objects.
      const expected = {
        read: ['s3:GetObject'],
        readWrite: ['s3:GetObject', 's3:PutObject'],
        destroy: ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucketVersions'],
      }[declaration.documents];
      expect(s3).toEqual(expected);
      const listings = ['s3:ListBucket', 's3:ListBucketVersions'];
      const objectStatements = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('s3:') && !listings.includes(action)));
      expect(JSON.stringify(objectStatements.map((statement) => statement.Resource))).toMatch(/\/documents\/\*"\]/);
      // Listing is on the bucket, but only under the documents/ prefix.
      const listingStatements = statements.filter((statement) => [statement.Action].flat().some((action) => listings.includes(action)));
      expect(listingStatements).toHaveLength(declaration.documents === 'destroy' ? 1 : 0);
      for (const listing of listingStatements) {
        expect(listing).toMatchObject({ Resource: expect.anything(), Condition: { StringLike: { 's3:prefix': ['documents/*'] } } });
      }
      const viaS3 = statements.filter((statement) => JSON.stringify(statement).includes('kms:ViaService'));
      expect(actionsOf(viaS3)).toEqual({ read: ['kms:Decrypt'], readWrite: ['kms:Decrypt', 'kms:GenerateDataKey'], destroy: [] }[declaration.documents]);
    },
  );

  test('only the functions that declare document access get S3 actions; the download only reads', () => {
    const withS3 = functions.filter((fn) => actionsOf(functionStatements(template, fn.name)).some((action) => action.startsWith('s3:')));
    expect(withS3.map((fn) => fn.name).sort()).toEqual(functions.filter((fn) => fn.documents).map((fn) => fn.name).sort());
    expect(withS3.map((fn) => fn.name)).toEqual(expect.arrayContaining(['get-case-document', 'issue-certificate']));
    expect(actionsOf(functionStatements(template, 'get-case-document'))).not.toContain('s3:PutObject');
  });

  test('health gets no DynamoDB, KMS or Step Functions action', () => {
    const actions = actionsOf(functionStatements(template, 'health'));
    expect(actions.filter((action) => /^(dynamodb|kms|states):/.test(action))).toEqual([]);
  });

  test('get-case may read the table, decrypt, and ask for pseudonyms; it writes only the processing log', () => {
    const actions = actionsOf(functionStatements(template, 'get-case'));
    expect(actions.filter((action) => /^(dynamodb|kms|states):/.test(action))).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
      'kms:Decrypt',
      'kms:GenerateMac',
    ]);
  });

  test('the subscription routes, which name no person, get neither HMAC key: no KMS action but the table key’s, and no key variable', () => {
    const subscriptionRoutes = functions.filter((fn) => fn.caseStore === false).map((fn) => fn.name);
    expect(subscriptionRoutes).toEqual(['create-subscription', 'list-subscriptions', 'delete-subscription', 'list-subscription-deliveries', 'replay-subscription']);
    for (const name of subscriptionRoutes) {
      expect(actionsOf(functionStatements(template, name)).filter((action) => action === 'kms:GenerateMac' || action === 'kms:VerifyMac')).toEqual([]);
      const variables = template.Resources[functionLogicalId(template, name)].Properties.Environment.Variables as Json;
      expect(Object.keys(variables).filter((variable) => /KEY_ID$/.test(variable))).toEqual([]);
    }
    // A function that builds the case store, for contrast: both keys are there.
    const getCase = template.Resources[functionLogicalId(template, 'get-case')].Properties.Environment.Variables as Json;
    expect(Object.keys(getCase).filter((variable) => /KEY_ID$/.test(variable)).sort()).toEqual(['AUDIT_SEAL_KEY_ID', 'PSEUDONYM_KEY_ID']);
  });

  test('every function that writes cases may seal audit trails (GenerateMac on the audit seal key), none other; only the history route may verify them', () => {
    // CDK merges the grants of both HMAC keys for the same action into one statement naming both keys.
    const sealStatements = (name: string) =>
      functionStatements(template, name).filter((statement) => [statement.Resource].flat().some((resource) => isImportedKeyArn(resource, sealKeyId)));
    for (const fn of functions) {
      const actions = actionsOf(sealStatements(fn.name));
      const expected = [...(fn.table === 'readWrite' && fn.caseStore !== false ? ['kms:GenerateMac'] : []), ...(fn.verifiesAuditTrail ? ['kms:VerifyMac'] : [])];
      expect({ name: fn.name, actions }).toEqual({ name: fn.name, actions: expected });
    }
    expect(functions.filter((fn) => fn.verifiesAuditTrail).map((fn) => fn.name)).toEqual(['case-history']);
    const variables = template.Resources[functionLogicalId(template, 'case-history')].Properties.Environment.Variables as Json;
    expect(isImportedKeyArn(variables.AUDIT_SEAL_KEY_ID, sealKeyId)).toBe(true);
  });

  test('table grants name the table and each of its indexes, never index/*', () => {
    const resources = JSON.stringify(functionStatements(template, 'list-tasks').filter((s) => [s.Action].flat().includes('dynamodb:Query')));
    expect(resources).toContain('/index/GSI1');
    expect(resources).not.toContain('/index/*');
  });

  test('submit-case knows each state machine ARN by type key, reads the version new cases start on, and starts none itself (the outbox does)', () => {
    const statements = functionStatements(template, 'submit-case').filter((statement) => [statement.Action].flat().some((action) => String(action).startsWith('states:')));
    expect(statements).toHaveLength(1);
    expect([statements[0]!.Action].flat().sort()).toEqual(['states:DescribeStateMachine', 'states:DescribeStateMachineAlias']);
    // The alias (`:live`) and the versions (`:<n>`) only: no unqualified state machine, no other one.
    const resources = [statements[0]!.Resource].flat().map((resource) => JSON.stringify(resource));
    expect(resources.map((resource) => /:stateMachine:([a-z-]+):\*"/.exec(resource)?.[1]).sort()).toEqual(loadWorkflowSources().map((source) => `loket-${source.key}`).sort());
    const stateMachineIds = Object.keys(stateless.findResources('AWS::StepFunctions::StateMachine')).sort();
    const arns = JSON.stringify(template.Resources[functionLogicalId(template, 'submit-case')].Properties.Environment.Variables.STATE_MACHINE_ARNS);
    for (const source of loadWorkflowSources()) expect(arns).toContain(`\\"${source.key}\\":\\"`);
    for (const id of stateMachineIds) expect(arns).toContain(`{"Ref":"${id}"}`);
  });

  test('the outbox dispatcher may start every state machine on its alias or a version, read a version\'s description and the alias\'s, redrive and describe their executions', () => {
    const start = functionStatements(template, 'dispatch-outbox').filter((statement) => [statement.Action].flat().includes('states:StartExecution'));
    expect(start).toHaveLength(1);
    expect([start[0]!.Action].flat().sort()).toEqual(['states:DescribeStateMachine', 'states:DescribeStateMachineAlias', 'states:StartExecution']);
    const resources = [start[0]!.Resource].flat().map((resource) => JSON.stringify(resource));
    // The alias (`:live`) and the versions (`:<n>`) only: no unqualified state machine, no other one.
    expect(resources.map((resource) => /:stateMachine:([a-z-]+):\*"/.exec(resource)?.[1]).sort()).toEqual(loadWorkflowSources().map((source) => `loket-${source.key}`).sort());
    const redrive = functionStatements(template, 'dispatch-outbox').filter((statement) => [statement.Action].flat().includes('states:RedriveExecution'));
    expect(redrive).toHaveLength(1);
    // CDK merges the stop grant on the same executions into this statement.
    expect([redrive[0]!.Action].flat().sort()).toEqual(['states:DescribeExecution', 'states:RedriveExecution', 'states:StopExecution']);
    for (const source of loadWorkflowSources()) expect(JSON.stringify(redrive[0]!.Resource)).toContain(`:execution:loket-${source.key}:*`);
  });

  test('complete-task, send-message and withdraw-case call no Step Functions action: their effects go through the outbox', () => {
    for (const name of ['complete-task', 'send-message', 'withdraw-case']) {
      expect({ name, actions: actionsOf(functionStatements(template, name)).filter((action) => action.startsWith('states:')) }).toEqual({ name, actions: [] });
    }
  });

  test('redrive-case may only describe executions', () => {
    expect(actionsOf(functionStatements(template, 'redrive-case')).filter((action) => action.startsWith('states:'))).toEqual(['states:DescribeExecution']);
  });

  test.each(functions.filter((fn) => fn.stopsExecutions).map((fn) => [fn.name]))(
    '%s may stop executions of the state machines, and only those',
    (name) => {
      const stop = functionStatements(template, name).filter((statement) => [statement.Action].flat().includes('states:StopExecution'));
      expect(stop).toHaveLength(1);
      const resources = JSON.stringify(stop[0]?.Resource);
      for (const source of loadWorkflowSources()) expect(resources).toContain(`:execution:loket-${source.key}:*`);
    },
  );

  test.each(functions.filter((fn) => !fn.startsExecutions && !fn.sendsTaskResults && !fn.stopsExecutions && !fn.readsExecutions && !fn.readsWorkflowHistory && !fn.readsCurrentWorkflowVersions).map((fn) => [fn.name]))(
    '%s gets no Step Functions action',
    (name) => {
      expect(actionsOf(functionStatements(template, name)).filter((action) => action.startsWith('states:'))).toEqual([]);
    },
  );

  test.each(functions.map((fn) => [fn.name, fn] as const))(
    "%s may use the key under the state machines' encryption context only if it calls Step Functions, and to write only if it starts, stops or resumes",
    (name, declaration) => {
      const underStates = functionStatements(template, name).filter((statement) =>
        JSON.stringify(statement).includes('kms:EncryptionContext:aws:states:stateMachineArn'),
      ) as Json[];
      const writes = Boolean(declaration.startsExecutions || declaration.sendsTaskResults || declaration.stopsExecutions);
      if (!writes && !declaration.readsExecutions && !declaration.readsWorkflowHistory) {
        expect(underStates).toEqual([]);
        return;
      }
      expect(underStates).toHaveLength(1);
      const [statement] = underStates;
      expect(isImportedKeyArn(statement!.Resource, keyId)).toBe(true);
      expect(statement!.Action).toEqual(writes ? ['kms:Decrypt', 'kms:GenerateDataKey'] : 'kms:Decrypt');
      const arns = statement!.Condition.StringEquals['kms:EncryptionContext:aws:states:stateMachineArn'] as Json[];
      expect(arns.map((arn) => (arn['Fn::Join'][1] as unknown[]).at(-1)).sort()).toEqual(loadWorkflowSources().map((source) => `:stateMachine:loket-${source.key}`).sort());
    },
  );

  test('step functions never start or stop executions; only those declared to may report task results', () => {
    for (const fn of stepFunctions) {
      const states = actionsOf(functionStatements(template, fn.name)).filter((action) => action.startsWith('states:'));
      expect(states).toEqual(fn.sendsTaskResults ? ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'] : []);
    }
    expect(stepFunctions.filter((fn) => fn.sendsTaskResults).map((fn) => fn.name).sort()).toEqual(['await-message', 'create-task']);
  });
});

describe('HTTP API', () => {
  const declaredRoutes = apiFunctions.flatMap((fn) => (fn.routes ?? []).map((route) => ({ ...route, name: fn.name })));

  test('the routes are exactly the declared routes', () => {
    const routeKeys = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties.RouteKey as string);
    expect(routeKeys.sort()).toEqual(declaredRoutes.map((route) => `${route.method} ${route.path}`).sort());
  });

  test('the JWT authorizer takes its issuer and audience from context', () => {
    stateless.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: testContext['loket:jwtIssuer'], Audience: [testContext['loket:jwtAudience']] },
    });
  });

  test.each(declaredRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s is guarded as declared and integrates its function',
    (routeKey, route) => {
      const [authorizerId] = Object.keys(stateless.findResources('AWS::ApiGatewayV2::Authorizer'));
      const [resource] = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }));
      if (route.authorized) {
        expect(resource?.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
      } else {
        expect(resource?.Properties.AuthorizationType).toBe('NONE');
        expect(resource?.Properties.AuthorizerId).toBeUndefined();
      }
      const integrationId = (resource?.Properties.Target['Fn::Join'][1][1] as Json).Ref as string;
      expect(template.Resources[integrationId].Properties.IntegrationUri).toEqual({
        'Fn::GetAtt': [functionLogicalId(template, route.name), 'Arn'],
      });
    },
  );

  test.each(declaredRoutes.map((route) => [`${route.method} ${route.path}`, route] as const))(
    '%s requires one of the scopes its contract names, or none when public',
    (routeKey, route) => {
      const [resource] = Object.values(stateless.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }));
      if (route.authorized) {
        expect(route.scopes.length).toBeGreaterThan(0);
        expect(resource?.Properties.AuthorizationScopes).toEqual(route.scopes);
      } else {
        expect(resource?.Properties.AuthorizationScopes).toBeUndefined();
      }
    },
  );

  test('each route has the throttle its contract declares, and the public routes the lowest', () => {
    const [stage] = Object.values(stateless.findResources('AWS::ApiGatewayV2::Stage'));
    const settings = stage?.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
    expect(Object.keys(settings).sort()).toEqual(declaredRoutes.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of declaredRoutes) {
      expect(settings[`${route.method} ${route.path}`]).toEqual({ ThrottlingRateLimit: route.throttle.rateLimit, ThrottlingBurstLimit: route.throttle.burstLimit });
    }
    const publicRates = declaredRoutes.filter((route) => !route.authorized).map((route) => route.throttle.rateLimit);
    const authenticatedRates = declaredRoutes.filter((route) => route.authorized && !['data-subject-export', 'data-subject-processing-log'].includes(route.name));
    expect(publicRates.length).toBeGreaterThan(0);
    expect(Math.max(...publicRates)).toBeLessThan(Math.min(...authenticatedRates.map((route) => route.throttle.rateLimit)));
    // The stage's route settings name routes, which must exist before it.
    const routeIds = Object.keys(stateless.findResources('AWS::ApiGatewayV2::Route'));
    const [stageId] = Object.keys(stateless.findResources('AWS::ApiGatewayV2::Stage'));
    expect(template.Resources[stageId!].DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  test('only the functions of public routes have reserved concurrency, which caps them', () => {
    const publicNames = new Set(declaredRoutes.filter((route) => !route.authorized).map((route) => route.name));
    for (const fn of functions) {
      const reserved = template.Resources[functionLogicalId(template, fn.name)].Properties.ReservedConcurrentExecutions;
      if (publicNames.has(fn.name)) expect(reserved).toBe(5);
      else expect(reserved).toBeUndefined();
    }
  });

  test('the health route is public', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /v1/health', AuthorizationType: 'NONE' });
  });

  test('the default stage auto-deploys, throttles and writes JSON access logs', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context\\.requestId') },
    });
  });

  test("the API access logs, which hold each caller's sub and source IP, are kept 90 days like the other logs", () => {
    const stages = Object.values(stateless.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const destination = stages[0]!.Properties.AccessLogSettings.DestinationArn as { 'Fn::GetAtt': [string, string] };
    expect(destination['Fn::GetAtt'][1]).toBe('Arn');
    const logGroup = template.Resources[destination['Fn::GetAtt'][0]];
    expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
    expect(logGroup.Properties.RetentionInDays).toBe(90);
  });
});

describe('monitoring', () => {
  const alarmsOn = (namespace: string, metricName: string): Json[] =>
    Object.values(stateless.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: namespace, MetricName: metricName } }));
  const alarmAt = (id: string): Json | undefined =>
    Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).find((candidate) => String(candidate.Metadata?.['aws:cdk:path']).endsWith(`Monitoring/${id}/Resource`));
  const topicId = (): string => Object.keys(stateless.findResources('AWS::SNS::Topic'))[0]!;
  const allAlarms = (): [string, Json][] => [
    ...Object.entries(stateless.findResources('AWS::CloudWatch::Alarm')),
    ...Object.entries(stateless.findResources('AWS::CloudWatch::CompositeAlarm')),
  ];

  test('the Loket dashboard exists', () => {
    stateless.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Loket' });
  });

  test('one alarm topic, encrypted with the customer-managed key and refusing requests without TLS', () => {
    stateless.resourceCountIs('AWS::SNS::Topic', 1);
    const [topic] = Object.values(stateless.findResources('AWS::SNS::Topic'));
    expect(isImportedKeyArn(topic!.Properties.KmsMasterKeyId, keyId)).toBe(true);
    stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topicId() }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('every alarm and composite alarm notifies the topic when it goes off and when it clears', () => {
    const alarms = allAlarms();
    expect(alarms.length).toBeGreaterThan(50);
    for (const [id, alarm] of alarms) {
      expect({ id, actions: alarm.Properties.AlarmActions, ok: alarm.Properties.OKActions }).toEqual({ id, actions: [{ Ref: topicId() }], ok: [{ Ref: topicId() }] });
    }
  });

  test('every alarm says its layer, what it means and what to do, and treats missing data by choice', () => {
    for (const [id, alarm] of allAlarms()) {
      expect({ id, description: alarm.Properties.AlarmDescription }).toEqual({ id, description: expect.stringMatching(/^\[(api|workflows|data|delivery)\] .{80,}/) });
    }
    for (const [id, alarm] of Object.entries(stateless.findResources('AWS::CloudWatch::Alarm'))) {
      expect({ id, missing: alarm.Properties.TreatMissingData }).toEqual({ id, missing: expect.stringMatching(/^(notBreaching|breaching)$/) });
      expect({ id, m: alarm.Properties.DatapointsToAlarm }).toEqual({ id, m: expect.any(Number) });
    }
  });

  test('one composite alarm per layer (API, workflows, data, delivery) covers every alarm of the stack exactly once', () => {
    const composites = Object.values(stateless.findResources('AWS::CloudWatch::CompositeAlarm'));
    expect(composites.map((composite) => String(composite.Metadata['aws:cdk:path']).split('/').at(-2)).sort()).toEqual(['ApiHealth', 'DataHealth', 'DeliveryHealth', 'WorkflowsHealth']);
    const rules = composites.map((composite) => JSON.stringify(composite.Properties.AlarmRule));
    for (const alarmId of Object.keys(stateless.findResources('AWS::CloudWatch::Alarm'))) {
      expect({ alarmId, in: rules.filter((rule) => rule.includes(`"${alarmId}"`)).length }).toEqual({ alarmId, in: 1 });
    }
  });

  test('each state machine has a failed-executions alarm (1 of 3 periods: one failure matters) and an aborted/timed-out/throttled alarm', () => {
    const stateMachines = Object.keys(stateless.findResources('AWS::StepFunctions::StateMachine'));
    const failed = alarmsOn('AWS/States', 'ExecutionsFailed');
    expect(failed.map((alarm) => alarm.Properties.Dimensions[0].Value.Ref).sort()).toEqual(stateMachines.sort());
    for (const alarm of failed) expect(alarm.Properties).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching' });
    const abnormal = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).filter((alarm) => String(alarm.Metadata['aws:cdk:path']).endsWith('ExecutionsEndedAbnormally/Resource'));
    expect(abnormal).toHaveLength(stateMachines.length);
    for (const alarm of abnormal) {
      const metricNames = (alarm.Properties.Metrics as Json[]).filter((metric) => metric.MetricStat).map((metric) => metric.MetricStat.Metric.MetricName);
      expect(metricNames.sort()).toEqual(['ExecutionThrottled', 'ExecutionsAborted', 'ExecutionsTimedOut']);
    }
  });

  test('every function but the API functions (which answer exceptions with a 500) has an Errors alarm; step errors alarm 2 of 3 periods, so a retried TransientError does not', () => {
    const alarmed = alarmsOn('AWS/Lambda', 'Errors');
    expect(alarmed.map((alarm) => alarm.Properties.Dimensions[0].Value.Ref).sort()).toEqual(
      functions.filter((fn) => fn.kind !== 'api').map((fn) => functionLogicalId(template, fn.name)).sort(),
    );
    for (const alarm of alarmed) expect(alarm.Properties).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 2 });
  });

  test('each function has a Lambda Throttles alarm', () => {
    const alarmed = alarmsOn('AWS/Lambda', 'Throttles').map((alarm) => alarm.Properties.Dimensions[0].Value.Ref);
    expect(alarmed.sort()).toEqual(functions.map((fn) => functionLogicalId(template, fn.name)).sort());
  });

  test("every function has a near-timeout alarm at 80 % of its own timeout (p99, 2 of 3 periods), and each public function one near its reserved concurrency", () => {
    for (const [logicalId, fn] of Object.entries(stateless.findResources('AWS::Lambda::Function'))) {
      const onFunction = (metricName: string) =>
        alarmsOn('AWS/Lambda', metricName).filter((alarm) => JSON.stringify(alarm.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: logicalId } }]));
      const [nearTimeout, ...others] = onFunction('Duration');
      expect({ logicalId, others: others.length }).toEqual({ logicalId, others: 0 });
      expect(nearTimeout!.Properties).toMatchObject({ ExtendedStatistic: 'p99', Threshold: fn.Properties.Timeout * 800, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
      const reserved = fn.Properties.ReservedConcurrentExecutions as number | undefined;
      expect({ logicalId, concurrency: onFunction('ConcurrentExecutions').map((alarm) => alarm.Properties.Threshold) }).toEqual({ logicalId, concurrency: reserved ? [Math.ceil(reserved * 0.8)] : [] });
    }
  });

  test('a reconciler that stops running raises an alarm, missing data counting as breaching', () => {
    expect(alarmAt('ReconcilerNotRunning')!.Properties).toMatchObject({
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionLogicalId(template, 'reconcile') } }],
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  test("the API alarm watches the stage's 5xx rate (5xx over requests), 2 of 3 periods, and detailed per-route metrics are on", () => {
    expect(alarmsOn('AWS/ApiGateway', '5xx')).toHaveLength(0);
    const alarm = alarmAt('ApiServerErrorRate')!;
    expect(alarm.Properties).toMatchObject({ Threshold: 5, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
    const metrics = alarm.Properties.Metrics as Json[];
    expect(metrics.find((metric) => metric.ReturnData !== false)!.Expression).toBe('IF(requests < 20, 100 * errors / 20, 100 * errors / requests)');
    const errors = metrics.find((metric) => metric.Id === 'errors')!.MetricStat.Metric;
    expect(errors).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5xx' });
    expect(errors.Dimensions).toContainEqual({ Name: 'Stage', Value: '$default' });
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', DefaultRouteSettings: Match.objectLike({ DetailedMetricsEnabled: true }) });
  });

  test('cases closed failed are alarmed over every type, and graphed with the cases closed per final status', () => {
    expect(alarmAt('CasesFailed')!.Properties.Metrics).toEqual([
      expect.objectContaining({ Expression: `SELECT SUM(CasesFailed) FROM SCHEMA("Loket", service, transactionType) WHERE service = 'loket'`, ReturnData: true }),
    ]);
    const [dashboard] = Object.values(stateless.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    expect(body).toContain('Cases closed failed (CasesFailed)');
    expect(body).toContain('CasesClosed');
    expect(body).toContain('service,status,transactionType');
    expect(body).toContain("${PROP('Dim.transactionType')} ${PROP('Dim.status')}");
  });

  describe('saved Logs Insights queries', () => {
    const queryNamed = (prefix: string): Json => {
      const found = Object.values(stateless.findResources('AWS::Logs::QueryDefinition')).find((query) => String(query.Properties.Name).startsWith(`Loket/${prefix}`));
      if (!found) throw new Error(`No saved query Loket/${prefix}...`);
      return found;
    };
    const logGroupIds = (query: Json): string[] => (query.Properties.LogGroupNames as Json[]).map((name) => name.Ref as string).sort();
    const logGroupOf = (name: string): string => template.Resources[functionLogicalId(template, name)].Properties.LoggingConfig.LogGroup.Ref as string;
    const accessLogsId = (): string => Object.keys(stateless.findResources('AWS::Logs::LogGroup')).find((id) => id.startsWith('ApiAccessLogs'))!;

    test('everything about a case reads every function, every workflow and the API access log', () => {
      const query = queryNamed('Everything about case');
      const workflowLogGroups = Object.values(stateless.findResources('AWS::StepFunctions::StateMachine')).map(
        (machine) => machine.Properties.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] as string,
      );
      expect(logGroupIds(query)).toEqual([...functions.map((fn) => logGroupOf(fn.name)), ...workflowLogGroups, accessLogsId()].sort());
      expect(query.Properties.QueryString).toContain('filter caseId = "CASE_ID" or @message like "CASE_ID"');
    });

    test('5xx by route and tenant, and the slowest requests, read the API access log', () => {
      const serverErrors = queryNamed('5xx by route and tenant');
      expect(logGroupIds(serverErrors)).toEqual([accessLogsId()]);
      expect(serverErrors.Properties.QueryString).toContain('stats count(*) as serverErrors by routeKey, tenant, status');
      const slowest = queryNamed('Slowest requests');
      expect(logGroupIds(slowest)).toEqual([accessLogsId()]);
      expect(slowest.Properties.QueryString).toContain('sort latencyMs desc');
    });

    test("failed steps read the step functions' logs for the lines stepHandler writes", () => {
      const query = queryNamed('Failed steps');
      expect(logGroupIds(query)).toEqual(stepFunctions.map((fn) => logGroupOf(fn.name)).sort());
      expect(query.Properties.QueryString).toContain('filter message like /^Step failed/');
    });
  });

  describe('the table', () => {
    const tableMetricsOf = (alarm: Json): Json[] => (alarm.Properties.Metrics as Json[]).filter((metric) => metric.MetricStat).map((metric) => metric.MetricStat.Metric);
    const isTheTable = (metric: Json) => JSON.stringify(metric.Dimensions).includes('LoketStateful') && JSON.stringify(metric.Dimensions).includes('Table');

    test('throttled reads and writes on the table raise an alarm, 2 of 3 periods', () => {
      const alarm = alarmAt('TableThrottles')!;
      expect(alarm.Properties).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 2 });
      expect(tableMetricsOf(alarm).map((metric) => metric.MetricName).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
      expect(tableMetricsOf(alarm).every(isTheTable)).toBe(true);
    });

    test.each(tableDefinition.globalSecondaryIndexes.map((index) => [index.indexName]))('throttles on index %s raise their own alarm', (indexName) => {
      const alarm = alarmAt(`IndexThrottles${indexName.charAt(0).toUpperCase()}${indexName.slice(1)}`)!;
      for (const metric of tableMetricsOf(alarm)) expect(metric.Dimensions).toContainEqual({ Name: 'GlobalSecondaryIndexName', Value: indexName });
    });

    test('system errors and transaction conflicts on the table raise alarms', () => {
      const systemErrors = tableMetricsOf(alarmAt('TableSystemErrors')!);
      expect(systemErrors.length).toBeGreaterThan(5);
      expect(systemErrors.every((metric) => metric.MetricName === 'SystemErrors' && isTheTable(metric))).toBe(true);
      expect(alarmAt('TableTransactionConflicts')!.Properties).toMatchObject({ Namespace: 'AWS/DynamoDB', MetricName: 'TransactionConflict' });
    });

    test('the dashboard shows consumed capacity per index', () => {
      const [dashboard] = Object.values(stateless.findResources('AWS::CloudWatch::Dashboard'));
      const body = JSON.stringify(dashboard!.Properties.DashboardBody);
      expect(body).toContain('Table: consumed read capacity per index');
      for (const index of tableDefinition.globalSecondaryIndexes) expect(body).toContain(`GlobalSecondaryIndexName\\",\\"${index.indexName}`);
    });
  });
});

describe('the outbox and the reconciler', () => {
  test('the dispatcher is fed new outbox items from the table stream, ten batches of a shard at once (in order per case), with partial batch responses, bisection, bounded retries and a dead-letter queue', () => {
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionLogicalId(template, 'dispatch-outbox') },
      StartingPosition: 'TRIM_HORIZON',
      ParallelizationFactor: 10,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86_400,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['outbox'] } } } }) }] },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });

  test('the dead-letter queue is encrypted with the customer-managed key, and its depth raises an alarm', () => {
    const [queueId, queue] = Object.entries(stateless.findResources('AWS::SQS::Queue'))[0]!;
    expect(JSON.stringify(queue.Properties.KmsMasterKeyId)).toContain('LoketStateful');
    const alarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).filter((alarm) => JSON.stringify(alarm).includes(queueId));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
  });

  test('the reconciler runs every five minutes', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionLogicalId(template, 'reconcile'), 'Arn'] } })],
    });
  });

  test('the retention job runs daily, and may destroy every version of a document but not read or write them', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionLogicalId(template, 'apply-retention'), 'Arn'] } })],
    });
    const actions = actionsOf(functionStatements(template, 'apply-retention'));
    expect(actions).toEqual(expect.arrayContaining(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:ListBucketVersions', 'dynamodb:DeleteItem']));
    expect(actions).not.toContain('s3:GetObject');
    expect(actions).not.toContain('s3:PutObject');
  });

  test('the migration of running cases runs only when an operator invokes it, and may read where executions stand but not start, stop or answer one', () => {
    const target = { 'Fn::GetAtt': [functionLogicalId(template, 'migrate-cases'), 'Arn'] };
    const rules = Object.values(stateless.findResources('AWS::Events::Rule'));
    expect(JSON.stringify(rules)).not.toContain(JSON.stringify(target));
    const actions = actionsOf(functionStatements(template, 'migrate-cases'));
    expect(actions).toEqual(
      expect.arrayContaining(['states:ListStateMachineVersions', 'states:DescribeStateMachine', 'states:ListExecutions', 'states:GetExecutionHistory', 'dynamodb:PutItem', 'kms:GenerateMac']),
    );
    for (const forbidden of ['states:StartExecution', 'states:StopExecution', 'states:SendTaskSuccess', 'states:RedriveExecution']) expect(actions).not.toContain(forbidden);
  });

  test('the dispatcher may read the table stream', () => {
    expect(actionsOf(functionStatements(template, 'dispatch-outbox'))).toEqual(expect.arrayContaining(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']));
  });

  test('the dead-letter queue refuses requests that do not use TLS', () => {
    stateless.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  const monitoringAlarm = (id: string) =>
    Object.values(stateless.findResources('AWS::CloudWatch::Alarm')).find((candidate) =>
      String(candidate.Metadata?.['aws:cdk:path']).endsWith(`Monitoring/${id}/Resource`),
    );

  test('cases needing attention raise an alarm over every type, with a Metrics Insights query (an alarm cannot watch SEARCH)', () => {
    const alarm = monitoringAlarm('CasesNeedingAttention');
    expect(alarm).toBeDefined();
    expect(alarm!.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm!.Properties.Metrics).toEqual([
      expect.objectContaining({ Expression: `SELECT SUM(CasesNeedingAttention) FROM SCHEMA("Loket", service, transactionType) WHERE service = 'loket'`, Period: 300, ReturnData: true }),
    ]);
    expect(JSON.stringify(stateless.findResources('AWS::CloudWatch::Alarm'))).not.toContain('SEARCH(');
  });

  test('open cases past their deadline in any type raise an alarm once that lasts (tenant is a property, not a dimension)', () => {
    const alarm = monitoringAlarm('CasesOverdue');
    expect(alarm).toBeDefined();
    expect(alarm!.Properties).toMatchObject({ EvaluationPeriods: 6, DatapointsToAlarm: 6 });
    expect(alarm!.Properties.Metrics).toEqual([
      expect.objectContaining({ Expression: `SELECT MAX(CasesOverdue) FROM SCHEMA("Loket", service, transactionType) WHERE service = 'loket'`, Period: 300 }),
    ]);
  });

  test('a workflow whose failure recorder could not write raises its own alarm, apart from the failed-executions alarms, saying what to do', () => {
    const alarm = monitoringAlarm('FailuresNotRecorded');
    expect(alarm).toBeDefined();
    expect(alarm!.Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    expect(alarm!.Properties.Metrics).toEqual([
      expect.objectContaining({ Expression: `SELECT MAX(FailuresNotRecorded) FROM SCHEMA("Loket", service, transactionType) WHERE service = 'loket'`, Period: 300, ReturnData: true }),
    ]);
    expect(alarm!.Properties.AlarmDescription).toEqual(expect.stringContaining('FailureNotRecorded'));
    expect(alarm!.Properties.AlarmDescription).toEqual(expect.stringContaining('POST /v1/cases/{id}/redrive'));
  });

  test('the dashboard shows the failures not recorded, the dead letters, the cases needing attention and the overdue cases', () => {
    const [dashboard] = Object.values(stateless.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const title of ['Failures not recorded (FailureNotRecorded)', 'Outbox dead letters', 'Cases needing attention per type', 'Deadlines per type (overdue, due within two days)']) expect(body).toContain(title);
  });
});
