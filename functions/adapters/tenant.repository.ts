import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../commons/dynamodb.client';
import { environmentNames, requireEnv } from '../commons/config';
import type { Tenant } from '../domain/tenant';
import { keys, withoutKeys } from './table-keys';

const tableName = requireEnv(environmentNames.tableName);

export const tenantRepository = {
  async get(id: string): Promise<Tenant | undefined> {
    const { Item } = await documentClient.send(new GetCommand({ TableName: tableName, Key: keys.tenant(id) }));
    return Item ? withoutKeys<Tenant>(Item) : undefined;
  },

  async put(tenant: Tenant): Promise<void> {
    await documentClient.send(new PutCommand({ TableName: tableName, Item: { ...keys.tenant(tenant.id), entity: 'tenant', ...tenant } }));
  },
};
