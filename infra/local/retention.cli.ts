import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Context } from 'aws-lambda';
import { functions } from '../../functions/app.declaration';
import { eventBusName, functionEnvironment, functionNameOf, localResourceNames } from '../deployment';
import { devAuditSealKey, devPseudonymKey } from './dev-keys';
import { localCredentials, localRegion } from './local-network';

/**
 * `npm run retention -- --dry-run [--as-of 2031-12-31] [--tenant 44021]` runs the retention job
 * once against the stack `npm start` runs (its DynamoDB Local and document store), with the
 * event an operator gives the Lambda on AWS (`aws lambda invoke --function-name
 * loket-apply-retention --payload '{"dryRun":true}'`), and prints its report. Without
 * `--dry-run` it applies retention as of today: it destroys what is due.
 */
const { values } = parseArgs({
  options: {
    'dry-run': { type: 'boolean', default: false },
    'as-of': { type: 'string' },
    tenant: { type: 'string' },
  },
});

const declaration = functions.find((fn) => fn.name === 'apply-retention');
if (!declaration) throw new Error('apply-retention is not declared');
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

// The same environment `npm start` gives the function, pointing at the same local endpoints.
Object.assign(process.env, {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  AWS_REGION: localRegion,
  AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
  AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port('LOKET_DYNAMODB_PORT', 8000)}`,
  AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port('LOKET_S3_PORT', 4568)}`,
  ...functionEnvironment(declaration, {
    host: 'local',
    tableName: localResourceNames.table,
    documentsBucket: localResourceNames.documentsBucket,
    stateMachineArns: '{}',
    pseudonymKey: { devKey: devPseudonymKey },
    auditSealKey: { devKey: devAuditSealKey },
    // The destruction's event points at the schemas `npm start` serves; the dispatcher there publishes it.
    eventSchemasUrl: `http://127.0.0.1:${port('LOKET_API_PORT', 3000)}/v1/events/schemas`,
    eventBusName,
    logLevel: process.env.LOKET_LOG_LEVEL ?? 'WARN',
  }),
});

const event = { dryRun: values['dry-run'], ...(values['as-of'] && { asOf: values['as-of'] }), ...(values.tenant && { tenant: values.tenant }) };
const context = { functionName: functionNameOf(declaration.name), awsRequestId: randomUUID(), getRemainingTimeInMillis: () => 900_000 } as Context;
const { handler } = await import('../../functions/operations/apply-retention.handler');
try {
  console.log(JSON.stringify(await handler(event, context), null, 2));
} catch (error) {
  if (error instanceof Error && error.name === 'ZodError') {
    console.error(`The job refused the event ${JSON.stringify(event)}: ${error.message}`);
  } else {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error(`${message}\nIs \`npm start\` running? The job reads its DynamoDB Local and document store.`);
  }
  process.exit(1);
}
