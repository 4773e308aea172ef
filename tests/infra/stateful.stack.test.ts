import { Match, type Template } from 'aws-cdk-lib/assertions';
import { tableDefinition } from '../../infra/table.definition';
import { keyLogicalId, sharedSynthesis, sharedSynthesisTimeout } from './synthesize';

let stateful: Template;

beforeAll(async () => {
  ({ stateful } = await sharedSynthesis());
}, sharedSynthesisTimeout);

describe('stateful stack', () => {
  test('the table has the declared string keys, on-demand billing and TTL', () => {
    const attributes = [
      tableDefinition.partitionKey,
      tableDefinition.sortKey,
      ...tableDefinition.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
    ];
    stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayEquals(attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' }))),
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
    });
  });

  test('every declared GSI exists with its keys and its projection (all, its keys only, or the declared attributes)', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      GlobalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection:
          index.projectedAttributes === undefined
            ? { ProjectionType: 'ALL' }
            : index.projectedAttributes.length === 0
              ? { ProjectionType: 'KEYS_ONLY' }
              : { ProjectionType: 'INCLUDE', NonKeyAttributes: [...index.projectedAttributes] },
      })),
    });
  });

  test('GSI4 and GSI5 (searches by type and of all cases) copy their keys only: a status change writes neither', () => {
    const [table] = Object.values(stateful.findResources('AWS::DynamoDB::Table'));
    const projections = Object.fromEntries((table!.Properties.GlobalSecondaryIndexes as Array<{ IndexName: string; Projection: unknown }>).map((index) => [index.IndexName, index.Projection]));
    expect([projections.GSI4, projections.GSI5]).toEqual([{ ProjectionType: 'KEYS_ONLY' }, { ProjectionType: 'KEYS_ONLY' }]);
  });

  test("GSI6 holds a tenant's open cases needing an operator, with the case summary (which includes the attention flag)", () => {
    const [table] = Object.values(stateful.findResources('AWS::DynamoDB::Table'));
    const gsi6 = (table!.Properties.GlobalSecondaryIndexes as Array<{ IndexName: string; KeySchema: unknown; Projection: { NonKeyAttributes: string[] } }>).find(
      (index) => index.IndexName === 'GSI6',
    );
    expect(gsi6?.KeySchema).toEqual([
      { AttributeName: 'GSI6PK', KeyType: 'HASH' },
      { AttributeName: 'GSI6SK', KeyType: 'RANGE' },
    ]);
    expect(gsi6?.Projection.NonKeyAttributes).toContain('attention');
  });

  test("GSI3, the reconciler's open cases, copies only what the reconciler reads: a status change or any other write of an open case that leaves these alone does not write it (issue 14)", () => {
    const [table] = Object.values(stateful.findResources('AWS::DynamoDB::Table'));
    const gsi3 = (table!.Properties.GlobalSecondaryIndexes as Array<{ IndexName: string; Projection: { NonKeyAttributes: string[] } }>).find((index) => index.IndexName === 'GSI3');
    expect([...(gsi3?.Projection.NonKeyAttributes ?? [])].sort()).toEqual(['attention', 'dueAt', 'id', 'tenant', 'type']);
  });

  test('the table has PITR, deletion protection, is retained, and is encrypted with the customer-managed key', () => {
    const keyId = Object.keys(stateful.findResources('AWS::KMS::Key'))[0];
    stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
      }),
    });
  });

  test('the KMS key rotates, is retained and is aliased alias/loket', () => {
    stateful.resourceCountIs('AWS::KMS::Key', 3);
    stateful.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
    stateful.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/loket' });
  });

  describe('the key policy of alias/loket', () => {
    const statements = (): Record<string, any>[] => {
      const [, key] = Object.entries(stateful.findResources('AWS::KMS::Key')).find(([id]) => id === keyLogicalId(stateful.toJSON(), 'alias/loket'))!;
      return key.Properties.KeyPolicy.Statement as Record<string, any>[];
    };
    const accountScoped = (service: string, resource: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, resource]],
    });

    test("lets CloudWatch Logs of the stack's region use the key, only for this account's log groups", () => {
      expect(statements()).toContainEqual({
        Sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
        Effect: 'Allow',
        Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
        Resource: '*',
        Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': accountScoped('logs', ':log-group:*') } },
      });
    });

    test("lets the log delivery service decrypt, so that Step Functions' execution logs reach their encrypted log groups", () => {
      expect(statements()).toContainEqual({ Effect: 'Allow', Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: 'kms:Decrypt*', Resource: '*' });
    });

    test("lets CloudWatch alarms of this account and region publish to the encrypted alarm topic (without it, notifications are dropped silently)", () => {
      expect(statements()).toContainEqual({
        Sid: 'CloudWatchAlarmsPublishToTheEncryptedAlarmTopic',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': accountScoped('cloudwatch', ':alarm:*') },
        },
      });
    });

    test('names no resource of the stateless stack (no cycle between the stacks), and grants no service anything else', () => {
      expect(JSON.stringify(statements())).not.toContain('LoketStateless');
      const services = statements().filter((statement) => statement.Principal.Service !== undefined);
      expect(services).toHaveLength(3);
      const others = statements().filter((statement) => statement.Principal.Service === undefined);
      const account = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } };
      // The account itself, so that IAM policies (the state machines' roles, the functions') decide the rest; and
      // the same account through Secrets Manager only, which the case overview's credentials secret adds for its encryption.
      expect(others).toEqual([
        { Effect: 'Allow', Action: 'kms:*', Resource: '*', Principal: account },
        {
          Effect: 'Allow',
          Action: ['kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
          Resource: '*',
          Principal: account,
          Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
        },
      ]);
    });
  });

  test('the pseudonym key is an HMAC key for GenerateMac, retained, aliased alias/loket-pseudonyms', () => {
    stateful.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }) });
    stateful.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/loket-pseudonyms' });
  });

  test('the audit seal key is an HMAC key of its own, retained, aliased alias/loket-audit-seal', () => {
    const json = stateful.toJSON() as { Resources: Record<string, { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }> };
    const sealKeyId = keyLogicalId(json, 'alias/loket-audit-seal');
    expect(sealKeyId).not.toBe(keyLogicalId(json, 'alias/loket-pseudonyms'));
    expect(json.Resources[sealKeyId]).toMatchObject({ DeletionPolicy: 'Retain', Properties: { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' } });
  });

  test('the table streams new images, for the outbox dispatcher', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: tableDefinition.stream } });
    expect(tableDefinition.stream).toBe('NEW_IMAGE');
  });

  describe('the documents bucket', () => {
    const documentsBucket = () => {
      const [entry] = Object.entries(stateful.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } }));
      if (!entry) throw new Error('no versioned bucket');
      return { id: entry[0], resource: entry[1] };
    };

    test('is encrypted with the customer-managed key, versioned, private and retained', () => {
      const keyId = Object.keys(stateful.findResources('AWS::KMS::Key'))[0];
      const { resource } = documentsBucket();
      expect(resource).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      expect(resource.Properties).toMatchObject({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] } }, BucketKeyEnabled: true },
          ],
        },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      });
    });

    test('refuses requests that do not use TLS', () => {
      const { id } = documentsBucket();
      stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    test('logs access to a separate private bucket, and expires only old versions', () => {
      const { resource } = documentsBucket();
      const logBucketId = resource.Properties.LoggingConfiguration.DestinationBucketName.Ref as string;
      const logBucket = stateful.toJSON().Resources[logBucketId];
      expect(logBucket.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true, RestrictPublicBuckets: true });
      expect(logBucket.DeletionPolicy).toBe('Retain');
      const rules = resource.Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];
      expect(rules.every((rule) => rule.ExpirationInDays === undefined)).toBe(true);
      expect(rules).toContainEqual(expect.objectContaining({ NoncurrentVersionExpiration: expect.objectContaining({ NoncurrentDays: expect.any(Number) }) }));
    });
  });

  test('the event bus loket exists, with an archive', () => {
    stateful.hasResource('AWS::Events::EventBus', { DeletionPolicy: 'Retain', Properties: { Name: 'loket' } });
    stateful.resourceCountIs('AWS::Events::Archive', 1);
  });
});
