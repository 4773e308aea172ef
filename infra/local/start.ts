import { loadOrCreateDevSigningKey } from './dev-keys';
import { startLocalStack } from './local-stack';
import { devKeyFile, localStateDirectory } from './paths';

// Lambda runs Node 22; on an older local Node the SDK's upgrade notice is known and only noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const startedAt = performance.now();
const stack = await startLocalStack({
  ports: {
    api: port('LOKET_API_PORT', 3000),
    stepFunctions: port('LOKET_SFN_PORT', 8083),
    dynamodb: port('LOKET_DYNAMODB_PORT', 8000),
    s3: port('LOKET_S3_PORT', 4568),
  },
  stateDirectory: localStateDirectory,
  signingKey: await loadOrCreateDevSigningKey(devKeyFile),
  logLevel: process.env.LOKET_LOG_LEVEL ?? 'INFO',
  maxWaitSeconds: process.env.LOKET_MAX_WAIT_SECONDS === undefined ? undefined : Number(process.env.LOKET_MAX_WAIT_SECONDS),
  reconcileIntervalMs: process.env.LOKET_RECONCILE_INTERVAL_MS === undefined ? undefined : Number(process.env.LOKET_RECONCILE_INTERVAL_MS),
}).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);

console.log(`
Loket is running locally (ready in ${seconds} s).

  HTTP API         ${stack.apiUrl}/v1   (health: ${stack.apiUrl}/v1/health)
  Step Functions   ${stack.stepFunctionsEndpoint}   (aws stepfunctions --endpoint-url ${stack.stepFunctionsEndpoint} list-state-machines)
  DynamoDB Local   ${stack.dynamodbEndpoint}   (table '${stack.tableName}'; data kept in .loket/)
  S3 (documents)   ${stack.s3Endpoint}   (bucket '${stack.documentsBucket}', path-style; aws s3 --endpoint-url ${stack.s3Endpoint} ls s3://${stack.documentsBucket} --recursive)

  A dev token:     npm run token -- --tenant 44021 --role portal
  Demo tenants:    44021 (Gent), 41002 (Aalst)

Ctrl-C stops everything.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping Loket…');
    stack.stop().then(() => process.exit(0), () => process.exit(1));
  });
}
