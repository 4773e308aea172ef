import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { moveTaskItems } from '../../functions/adapters/dynamodb/task-items.migration';

/**
 * `npm run migrate:task-items -- --table <the stateful stack's table name>` moves the tasks a table holds from
 * before issue 14 into their cases' partitions, with the AWS credentials and region of the shell (run it right
 * after deploying the version that reads them there; until then such a task is not found by id nor shown with its
 * case). `npm start` does the same to the table it keeps. It may run again: it moves only what is left.
 */
const { values } = parseArgs({ options: { table: { type: 'string' } } });
if (!values.table) {
  console.error('usage: npm run migrate:task-items -- --table <table name>');
  process.exit(2);
}
const client = new DynamoDBClient({});
const result = await moveTaskItems(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), values.table);
client.destroy();
console.log(JSON.stringify(result));
if (result.left > 0) process.exitCode = 1;
