import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '../../domain/tenant';
import type { TenantDirectory } from '../../ports/services.port';
import { keys, withoutKeys } from '../table-keys';

/** The onboarded tenants, one item each in the table. */
export function dynamoTenantDirectory(client: DynamoDBDocumentClient, tableName: string): TenantDirectory & { put(tenant: Tenant): Promise<void> } {
  return {
    async get(id) {
      const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: keys.tenant(id) }));
      return Item ? withoutKeys<Tenant>(Item) : undefined;
    },
    async put(tenant) {
      await client.send(new PutCommand({ TableName: tableName, Item: { ...keys.tenant(tenant.id), entity: 'tenant', ...tenant } }));
    },
  };
}
