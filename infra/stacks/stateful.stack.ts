import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { tableDefinition, type TableDefinition } from '../table.definition';

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
}

/**
 * What holds data and must outlive any deployment of the code: the KMS key, the one table
 * and the event bus. Everything here is retained when the stack is deleted.
 */
export class StatefulStack extends Stack {
  readonly key: Key;
  readonly table: Table;
  readonly eventBus: EventBus;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);
    const definition = props.table ?? tableDefinition;

    this.key = new Key(this, 'Key', {
      alias: 'alias/loket',
      description: 'Loket: encrypts the case table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: definition.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: definition.timeToLiveAttribute,
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
        projectionType: ProjectionType.ALL,
      });
    }

    this.eventBus = new EventBus(this, 'EventBus', { eventBusName: 'loket' });
    this.eventBus.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // Lets a subscriber that joins later, or one that lost events, replay them.
    this.eventBus.archive('EventArchive', {
      description: 'Every event published on the loket bus',
      eventPattern: { account: [this.account] },
      retention: props.eventArchiveRetention ?? Duration.days(365),
    });
  }
}
