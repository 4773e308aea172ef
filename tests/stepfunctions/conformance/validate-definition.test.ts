import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { ValidateStateMachineDefinitionCommand } from '@aws-sdk/client-sfn';
import { startLocalStepFunctions, type LocalStepFunctions } from '../local-stepfunctions.fixture';

/**
 * ValidateStateMachineDefinition, as the API reference describes it
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ValidateStateMachineDefinition.html):
 * findings come back as diagnostics (severity, code, message, location) with result FAIL, never as an exception;
 * a valid definition gives result OK. Codes from the ValidateStateMachineDefinitionDiagnostic reference.
 */

let env: LocalStepFunctions;

beforeAll(async () => {
  env = await startLocalStepFunctions(0.001);
});

afterAll(async () => {
  await env.close();
});

const validate = (definition: string) => env.sfn.send(new ValidateStateMachineDefinitionCommand({ definition }));

test('a valid definition, JSONata included, gives OK and no diagnostics', async () => {
  const definition = { QueryLanguage: 'JSONata', StartAt: 'Done', States: { Done: { Type: 'Pass', Output: '{% $states.input %}', End: true } } };
  expect(await validate(JSON.stringify(definition))).toMatchObject({ result: 'OK', diagnostics: [], truncated: false });
});

test('JSON syntax, schema, duplicate names and unknown resources are diagnostics with a code and a location', async () => {
  expect(await validate('{ not json')).toMatchObject({ result: 'FAIL', diagnostics: [{ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION' }] });

  const badType = { StartAt: 'Done', States: { Done: { Type: 'Teleport', End: true } } };
  const schema = await validate(JSON.stringify(badType));
  expect(schema.result).toBe('FAIL');
  expect(schema.diagnostics).toContainEqual(expect.objectContaining({ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', location: '/States/Done/Type' }));

  const branch = { StartAt: 'Same', States: { Same: { Type: 'Pass', End: true } } };
  const duplicate = { StartAt: 'Both', States: { Both: { Type: 'Parallel', Branches: [branch, branch], End: true } } };
  expect((await validate(JSON.stringify(duplicate))).diagnostics).toContainEqual(expect.objectContaining({ code: 'DUPLICATE_STATE_NAME' }));

  const sqs = { StartAt: 'Send', States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } } };
  expect(await validate(JSON.stringify(sqs))).toMatchObject({
    result: 'FAIL',
    diagnostics: [{ severity: 'ERROR', code: 'INVALID_RESOURCE', location: '/States/Send/Resource', message: expect.stringContaining('sqs:sendMessage') }],
  });
});
