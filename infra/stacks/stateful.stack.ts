import { ArnFormat, Aws, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableClass, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { defaultNaming, type Naming } from '../deployment';
import { projectionOf, tableDefinition, type TableDefinition } from '../table.definition';

export interface StatefulStackProps extends StackProps {
  /**
   * The table's keys, indexes and TTL attribute.
   * @default tableDefinition from infra/table.definition.ts
   */
  readonly table?: TableDefinition;
  /**
   * How long the event bus archive keeps published events, for replay.
   * @default Duration.days(365)
   */
  readonly eventArchiveRetention?: Duration;
  /**
   * How long an overwritten or deleted version of a document file is kept.
   * @default Duration.days(90)
   */
  readonly documentVersionRetention?: Duration;
  /**
   * How long the documents bucket's server access logs are kept.
   * @default Duration.days(365)
   */
  readonly documentAccessLogRetention?: Duration;
  /**
   * The names of this deployment: the key aliases and the event bus carry its environment.
   * @default defaultNaming (`alias/loket`, bus `loket`)
   */
  readonly naming?: Naming;
}

/**
 * What holds data and must outlive any deployment of the code: the KMS key, the one table,
 * the event bus and the issued documents. Everything here is retained when the stack is deleted.
 */
export class StatefulStack extends Stack {
  readonly key: Key;
  /** The HMAC key of applicant pseudonyms (GenerateMac): no one reads it, functions only ask KMS for MACs. */
  readonly pseudonymKey: Key;
  /**
   * The HMAC key that seals case audit trails: writers ask KMS for MACs (GenerateMac), the
   * history route checks them (VerifyMac); whoever can only write the table cannot seal.
   */
  readonly auditSealKey: Key;
  readonly table: Table;
  readonly eventBus: EventBus;
  /** Issued certificates and permits (PDF), under `documents/<tenant>/<case id>/<reference>.pdf`. */
  readonly documentsBucket: Bucket;
  /** Server access logs of the documents bucket. */
  readonly documentAccessLogsBucket: Bucket;
  /**
   * The citizen's case overview (DOSIS) client's credentials, `{"clientId": ..., "privateJwk": {...}}`:
   * an operator puts them in after registering the key's public half with DOSIS; never in the repo.
   */
  readonly caseOverviewCredentials: Secret;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    const definition = props.table ?? tableDefinition;
    const naming = props.naming ?? defaultNaming;

    this.key = new Key(this, 'Key', {
      alias: naming.keyAlias(),
      description: 'Loket: encrypts the case table, the issued documents, the log groups, the workflows and the alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.allowLogsToUseKey();
    this.allowAlarmsToUseKey();

    this.pseudonymKey = new Key(this, 'PseudonymKey', {
      alias: naming.keyAlias('pseudonyms'),
      description: 'Loket: keyed pseudonyms of national and enterprise numbers (applicant index, processing log)',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    Validations.of(this.pseudonymKey).acknowledge({
      id: 'AwsSolutions-KMS5',
      reason: 'KMS does not rotate HMAC keys, and rotating this one would change every pseudonym in the applicant index and the processing log.',
    });

    // A key of its own: sealing the audit trails is another purpose than pseudonyms, and neither key's grants need the other's.
    this.auditSealKey = new Key(this, 'AuditSealKey', {
      alias: naming.keyAlias('audit-seal'),
      description: 'Loket: seals the heads of case audit trails (HMAC), so that an edit of the table made outside the app is found',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.auditSealKey).acknowledge({
      id: 'AwsSolutions-KMS5',
      reason: 'KMS does not rotate HMAC keys, and the seals of every audit trail written so far are checked with this key: a new key would need the old one kept for verification.',
    });

    this.caseOverviewCredentials = new Secret(this, 'CaseOverviewCredentials', {
      description: "Loket: the citizen's case overview (DOSIS) client id and private JWK, as JSON {clientId, privateJwk}; set by an operator",
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.caseOverviewCredentials).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: "The secret holds a private key whose public half is registered with DOSIS by hand; a new key is registered there first, so it cannot be rotated by a Lambda alone.",
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: definition.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      tableClass: TableClass[definition.tableClass],
      timeToLiveAttribute: definition.timeToLiveAttribute,
      // The outbox dispatcher reads new items from the stream.
      stream: StreamViewType[definition.stream],
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of definition.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        ...projectionProps(projectionOf(index)),
      });
    }

    this.eventBus = new EventBus(this, 'EventBus', { eventBusName: naming.eventBusName });
    this.eventBus.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // Lets a subscriber that joins later, or one that lost events, replay them.
    this.eventBus.archive('EventArchive', {
      description: `Every event published on the ${naming.eventBusName} bus`,
      eventPattern: { account: [this.account] },
      retention: props.eventArchiveRetention ?? Duration.days(365),
    });

    // S3 delivers server access logs only to a bucket with S3-managed encryption, not SSE-KMS.
    this.documentAccessLogsBucket = new Bucket(this, 'DocumentAccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: props.documentAccessLogRetention ?? Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.documentAccessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the documents bucket\'s server access logs; logging its own access would log the logging.',
    });

    /*
     * Retention: a document is kept as long as its case (the transaction type's archive rule,
     * years and destroy|keep), so current versions never expire here; removing them when a
     * case's retention ends is the case's job. Older versions, left by a retried issue step
     * overwriting its own file, expire after a while.
     */
    this.documentsBucket = new Bucket(this, 'Documents', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.documentAccessLogsBucket,
      serverAccessLogsPrefix: 'documents/',
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: props.documentVersionRetention ?? Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * CloudWatch publishes alarm notifications to the alarm topic, which this key encrypts: without
   * kms:Decrypt and kms:GenerateDataKey* for cloudwatch.amazonaws.com every notification is dropped,
   * silently. Only alarms of this account and region may have it used on their behalf (the topic
   * lives in the stateless stack, so the statement names alarms, not the topic).
   */
  private allowAlarmsToUseKey(): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheEncryptedAlarmTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': this.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
  }

  /**
   * The key policy statements that the log groups need, scoped by account and region rather than
   * by log group: the log groups live in the stateless stack, and naming them here would make the
   * two stacks depend on each other. The state machines' roles need no statement here: the key
   * policy leaves the account's principals to IAM, and each role's own policy allows the key only
   * under its state machine's encryption context (`kms:EncryptionContext:aws:states:stateMachineArn`).
   */
  private allowLogsToUseKey(): void {
    // CloudWatch Logs encrypts and decrypts log events itself, under an encryption context that names the log group.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': this.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    /*
     * Step Functions hands its execution logs to CloudWatch Logs through the log delivery service,
     * which decrypts with this key to write to an encrypted log group. This is the statement that
     * CDK's StateMachine adds itself when a state machine is encrypted and logs; it is written here
     * so that the key's whole policy reads in one place (CDK drops the identical copy).
     */
    this.key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('delivery.logs.amazonaws.com')],
        actions: ['kms:Decrypt*'],
        resources: ['*'],
      }),
    );
  }
}

/** An index's projection as CDK takes it. */
function projectionProps(projection: ReturnType<typeof projectionOf>): { projectionType: ProjectionType; nonKeyAttributes?: string[] } {
  if (projection.type === 'INCLUDE') return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...projection.nonKeyAttributes] };
  return { projectionType: projection.type === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL };
}
