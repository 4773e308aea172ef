import { documentClient } from '../../commons/dynamodb.client';
import { environmentNames, requireEnv } from '../../commons/config';
import { auditSeal } from '../audit-seal.instance';
import { pseudonyms } from '../pseudonyms.instance';
import { dynamoCaseReads } from './case.reads';
import { dynamoCaseStore } from './case.store';
import { dynamoProcessingLog } from './processing-log';
import { dynamoTenantDirectory } from './tenant.directory';

/** The app's table, bound once per execution environment for the functions that were granted it. */
const tableName = requireEnv(environmentNames.tableName);

// Read at start-up by every function with table access, like the table's name: a change publishes its events with it.
const eventSchemasUrl = requireEnv(environmentNames.eventSchemasUrl);

export const caseStore = dynamoCaseStore(documentClient, tableName, pseudonyms, auditSeal, { schemasUrl: eventSchemasUrl });
export const caseReads = dynamoCaseReads(documentClient, tableName, pseudonyms);
export const tenantDirectory = dynamoTenantDirectory(documentClient, tableName);
export const processingLog = dynamoProcessingLog(documentClient, tableName);
