/** A bare local Step Functions endpoint for the AWS CLI sequence (no Lambdas: the sequence's definitions need none). */
import { startStepFunctionsLocal } from '../../../infra/local/stepfunctions/stepfunctions.server';

const local = await startStepFunctionsLocal({
  port: Number(process.env.PORT ?? 0),
  invokeLambda: async (functionName) => {
    throw new Error(`no Lambda ${functionName} on this endpoint`);
  },
});
console.log(local.endpoint);
process.on('SIGTERM', () => void local.close().then(() => process.exit(0)));
