import { describe, expect, test } from '@jest/globals';
import { loadWorkflowSources } from '../../workflows/definitions';
import { lintWorkflow } from '../../workflows/lint';
import { findTransactionType, transactionTypes } from '../../workflows/catalogue';

const sources = loadWorkflowSources();
const proofOfResidence = sources.find((source) => source.key === 'proof-of-residence')!;
const type = findTransactionType('proof-of-residence')!;

describe('every workflow keeps the rules', () => {
  test('every workflow folder has a published type and vice versa', () => {
    expect(sources.map((source) => source.key).sort()).toEqual(transactionTypes.map((t) => t.key).sort());
  });

  test.each(sources.map((source) => [source.key, source] as const))('%s passes the lint', (key, source) => {
    expect(lintWorkflow(source.definition, findTransactionType(key)!)).toEqual([]);
  });
});

describe('the lint catches', () => {
  const broken = (edit: (definition: any) => void) => {
    const definition = JSON.parse(proofOfResidence.definition);
    edit(definition);
    return lintWorkflow(JSON.stringify(definition), type);
  };

  test('an unknown placeholder', () => {
    expect(lintWorkflow(proofOfResidence.definition.replace('${RecordStatusFunctionArn}', '${NoSuchFunctionArn}'), type)).toEqual([
      'unknown placeholders: NoSuchFunctionArn',
    ]);
  });

  test('JSONata', () => {
    expect(broken((d) => (d.QueryLanguage = 'JSONata'))).toContain('the workflow uses JSONata; use JSONPath');
  });

  test('a task without retries or catch', () => {
    const problems = broken((d) => {
      delete d.States.LookUpApplicant.Retry;
      delete d.States.LookUpApplicant.Catch;
    });
    expect(problems).toEqual(expect.arrayContaining(['LookUpApplicant: has no Retry', 'LookUpApplicant: does not catch States.ALL into a failure path']));
  });

  test('a task-token state without a timeout', () => {
    const problems = broken((d) => {
      delete d.States.VerifyResidence.TimeoutSeconds;
      d.States.VerifyResidence.Catch = d.States.VerifyResidence.Catch.filter((c: any) => !c.ErrorEquals.includes('States.Timeout'));
    });
    expect(problems).toEqual(
      expect.arrayContaining(['VerifyResidence: waits for a task token without TimeoutSeconds', 'VerifyResidence: does not handle States.Timeout']),
    );
  });

  test('an undeclared status', () => {
    expect(broken((d) => (d.States.RecordRejected.Parameters.Payload.status = 'denied'))).toContain(
      "RecordRejected: records status 'denied', which type.json does not declare",
    );
  });

  test('an invalid state machine', () => {
    expect(broken((d) => (d.States.ResidesInTenant.Default = 'Nowhere')).join()).toMatch(/invalid ASL/);
  });
});
