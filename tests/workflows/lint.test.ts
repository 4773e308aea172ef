import { describe, expect, test } from '@jest/globals';
import { loadWorkflowSources } from '../../workflows/definitions';
import { lintWorkflow } from '../../designer/lint';
import { findTransactionType, transactionTypes } from '../../workflows/catalogue';

const sources = loadWorkflowSources();
const proofOfResidence = sources.find((source) => source.key === 'proof-of-residence')!;
const type = findTransactionType('proof-of-residence')!;
const parkingPermit = sources.find((source) => source.key === 'resident-parking-permit')!;
const parkingType = findTransactionType('resident-parking-permit')!;

describe('every workflow keeps the rules', () => {
  test('every workflow folder has a published type and vice versa', () => {
    expect(sources.map((source) => source.key).sort()).toEqual(transactionTypes.map((t) => t.key).sort());
  });

  test.each(sources.map((source) => [source.key, source] as const))('%s passes the lint', (key, source) => {
    expect(lintWorkflow(source.definition, findTransactionType(key)!)).toEqual([]);
  });
});

describe('the lint catches', () => {
  const broken = (edit: (definition: any) => void, source = proofOfResidence, of = type) => {
    const definition = JSON.parse(source.definition);
    edit(definition);
    return lintWorkflow(JSON.stringify(definition), of);
  };

  test('an unknown placeholder, naming the state that uses it', () => {
    const [problem, ...rest] = lintWorkflow(proofOfResidence.definition.replace('${RecordStatusFunctionArn}', '${NoSuchFunctionArn}'), type);
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^state "RecordUnderReview": uses unknown placeholder \$\{NoSuchFunctionArn\}; use one of .*RecordStatusFunctionArn/);
  });

  test('JSONata', () => {
    expect(broken((d) => (d.QueryLanguage = 'JSONata'))).toContain('the workflow uses QueryLanguage "JSONata"; use "JSONPath" (the local engine runs JSONPath only)');
  });

  test('a task without retries or catch', () => {
    const problems = broken((d) => {
      delete d.States.LookUpApplicant.Retry;
      delete d.States.LookUpApplicant.Catch;
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'state "LookUpApplicant": has no Retry; add a Retry for "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"',
        'state "LookUpApplicant": does not catch "States.ALL" into a failure path; add a Catch for "States.ALL" whose Next records the "failed" status',
      ]),
    );
  });

  test("a task that retries some but not all of Lambda's transient errors", () => {
    const problems = broken((d) => (d.States.LookUpApplicant.Retry[0].ErrorEquals = ['Lambda.ServiceException']));
    expect(problems).toContain(
      'state "LookUpApplicant": does not retry Lambda\'s transient errors "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"; add them to its Retry',
    );
  });

  test('a task-token state without a timeout', () => {
    const problems = broken((d) => {
      delete d.States.VerifyResidence.TimeoutSeconds;
      d.States.VerifyResidence.Catch = d.States.VerifyResidence.Catch.filter((c: any) => !c.ErrorEquals.includes('States.Timeout'));
    });
    expect(problems).toContain('state "VerifyResidence": waits for a task token without TimeoutSeconds; add "TimeoutSeconds" and a Catch for "States.Timeout"');
  });

  test('a task-token state with a timeout it does not handle', () => {
    const problems = broken((d) => {
      d.States.VerifyResidence.Catch = d.States.VerifyResidence.Catch.filter((c: any) => !c.ErrorEquals.includes('States.Timeout'));
    });
    expect(problems).toContain(
      'state "VerifyResidence": waits for a task token without handling "States.Timeout"; add a Catch for "States.Timeout" whose Next records an expiry status',
    );
  });

  test('an undeclared status', () => {
    expect(broken((d) => (d.States.RecordRejected.Parameters.Payload.status = 'denied'))).toContain(
      'state "RecordRejected": records status "denied", which type.json does not declare; declare it in "statuses" or use one of "submitted", "under-review", "issued", "rejected", "expired", "withdrawn", "failed"',
    );
  });

  test('an invalid state machine', () => {
    expect(broken((d) => (d.States.ResidesInTenant.Default = 'Nowhere')).join()).toMatch(/invalid ASL/);
  });

  test('a path that ends without a final status', () => {
    const problems = broken((d) => {
      d.States.RecordRejected.Parameters.Payload.status = 'under-review';
    });
    expect(problems).toContain(
      'state "PublishCaseClosed": a path ends here without recording a final status (LookUpApplicant → ResidesInTenant → RecordUnderReview → VerifyResidence → ReviewOutcome → RecordRejected → PublishCaseClosed); record one of the final statuses "issued", "rejected", "expired", "withdrawn", "failed" on that path before it ends',
    );
  });

  test('a Fail reached without a failure recorder before it', () => {
    const problems = broken((d) => (d.States.LookUpApplicant.Catch[0].Next = 'CaseFailed'));
    expect(problems).toEqual([expect.stringMatching(/^state "CaseFailed": a path ends here without recording a final status \(LookUpApplicant → CaseFailed\)/)]);
  });

  test('a task name the type does not declare', () => {
    expect(broken((d) => (d.States.VerifyResidence.Parameters.Payload.name = 'verify-adress'))).toEqual([
      'state "VerifyResidence": creates task "verify-adress", which type.json does not declare in "tasks"; declare it or use one of "verify-residence"',
    ]);
  });

  test('a message the type does not declare', () => {
    expect(broken((d) => (d.States.AwaitPayment.Parameters.Payload.name = 'paid'), parkingPermit, parkingType)).toEqual([
      'state "AwaitPayment": waits for message "paid", which type.json does not declare in "messages"; declare it in "messages" or use one of "payment-received"',
    ]);
  });
});
