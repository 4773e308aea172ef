import { describe, expect, test } from '@jest/globals';
import { loadWorkflowSources } from '../../workflows/definitions';
import { lintWorkflow, transientErrors } from '../../designer/lint';
import { catalogue } from '../../functions/catalogue/catalogue';
import type { TransactionType } from '../../functions/domain/transaction-type';

const sources = loadWorkflowSources();
const sourceOf = (key: string) => sources.find((source) => source.key === key)!;
const proofOfResidence = sourceOf('proof-of-residence');
const type = catalogue.find('proof-of-residence')!;
const parkingPermit = sourceOf('resident-parking-permit');
const parkingType = catalogue.find('resident-parking-permit')!;
const eventPermit = sourceOf('event-permit');
const eventType = catalogue.find('event-permit')!;
const transactionTypes = catalogue.all();
const findTransactionType = (key: string) => catalogue.find(key);
const day = 86_400;

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

  test('JSONata on a single state, naming it', () => {
    expect(broken((d) => (d.States.ResidesInTenant.QueryLanguage = 'JSONata'))).toContain('state "ResidesInTenant": uses QueryLanguage "JSONata"; use "JSONPath"');
  });

  test('JSONata on a state inside a Parallel branch', () => {
    const problems = broken((d) => (d.States.GatherAdvice.Branches[0].States.PoliceAdvice.QueryLanguage = 'JSONata'), eventPermit, eventType);
    expect(problems).toContain('state "PoliceAdvice": uses QueryLanguage "JSONata"; use "JSONPath"');
  });

  test('a task that retries but does not catch', () => {
    expect(broken((d) => delete d.States.LookUpApplicant.Catch)).toEqual([
      'state "LookUpApplicant": does not catch "States.ALL" into a failure path; add a Catch for "States.ALL" whose Next records the "failed" status',
    ]);
  });

  test('a task without retries or catch', () => {
    const problems = broken((d) => {
      delete d.States.LookUpApplicant.Retry;
      delete d.States.LookUpApplicant.Catch;
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'state "LookUpApplicant": has no Retry; add a Retry for "Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "Lambda.Unknown", "Sandbox.Timedout", "TransientError"',
        'state "LookUpApplicant": does not catch "States.ALL" into a failure path; add a Catch for "States.ALL" whose Next records the "failed" status',
      ]),
    );
  });

  test('a task that retries some but not all of the transient errors', () => {
    const problems = broken((d) => (d.States.LookUpApplicant.Retry[0].ErrorEquals = ['Lambda.ServiceException']));
    expect(problems).toContain(
      'state "LookUpApplicant": does not retry the transient errors "Lambda.ClientExecutionTimeoutException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "Lambda.Unknown", "Sandbox.Timedout", "TransientError"; add them to its Retry',
    );
  });

  test.each(transientErrors)('a task that does not retry %s (throttling, 5xx, Lambda timeouts and the like would fail the case)', (error) => {
    const problems = broken((d) => (d.States.IssueCertificate.Retry[0].ErrorEquals = transientErrors.filter((other) => other !== error)));
    expect(problems).toEqual([`state "IssueCertificate": does not retry the transient errors "${error}"; add them to its Retry`]);
  });

  test('the transient errors are exactly what AWS documents for Lambda tasks, plus the steps’ own TransientError', () => {
    expect([...transientErrors].sort()).toEqual(
      [
        'Lambda.AWSLambdaException',
        'Lambda.ClientExecutionTimeoutException',
        'Lambda.SdkClientException',
        'Lambda.ServiceException',
        'Lambda.TooManyRequestsException',
        'Lambda.Unknown',
        'Sandbox.Timedout',
        'TransientError',
      ].sort(),
    );
  });

  test('a failure recorder that does not catch its own failure', () => {
    expect(
      broken((d) => {
        delete d.States.RecordFailed.Catch;
        delete d.States.FailureNotRecorded;
      }),
    ).toEqual([
      'state "RecordFailed": records the "failed" status but does not catch its own failure; add a Catch for "States.ALL" into a Fail state with "Error": "FailureNotRecorded"',
    ]);
  });

  test('a failure recorder whose catch ends in a Fail of another name, which the infrastructure alarm would not see', () => {
    const problems = broken((d) => (d.States.FailureNotRecorded.Error = 'CaseFailed'));
    expect(problems).toContain(
      'state "RecordFailed": records the "failed" status but does not catch its own failure; add a Catch for "States.ALL" into a Fail state with "Error": "FailureNotRecorded"',
    );
  });

  test('a failure recorder whose catch goes elsewhere than a Fail', () => {
    const problems = broken((d) => (d.States.RecordFailed.Catch[0].Next = 'PublishCaseClosed'));
    expect(problems).toContain(
      'state "RecordFailed": records the "failed" status but does not catch its own failure; add a Catch for "States.ALL" into a Fail state with "Error": "FailureNotRecorded"',
    );
  });

  test('the FailureNotRecorded end is accepted only under that name: another Fail after a Catch is an unfinished path', () => {
    const problems = broken((d) => {
      d.States.LookUpApplicant.Catch[0].Next = 'FailureNotRecorded';
      d.States.FailureNotRecorded.Error = 'Oops';
    });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^state "FailureNotRecorded": a path ends here without recording a final status/)]));
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

/** A copy of a type with some figures changed, as a designer might edit type.json. */
function edited(of: TransactionType, edit: (type: any) => void): TransactionType {
  const copy = structuredClone(of) as any;
  edit(copy);
  return copy;
}

describe('the legal figures are pinned: type.json declares them and the workflow keeps them', () => {
  /** Written down from the regulations, not read from the files: changing one is a decision, not an edit. */
  const legalFigures: Record<string, { deadline: TransactionType['legalDeadline']; periods?: Record<string, number>; messageWindows?: Record<string, number> }> = {
    'change-of-address': { deadline: { days: 30, kind: 'calendar' } },
    'event-permit': { deadline: { days: 60, kind: 'calendar' }, periods: { ObjectionPeriod: 30 } },
    'proof-of-residence': { deadline: { days: 5, kind: 'working' } },
    'resident-parking-permit': { deadline: { days: 15, kind: 'working' }, messageWindows: { 'payment-received': 30 } },
    'terrace-permit': { deadline: { days: 45, kind: 'working' }, messageWindows: { 'documents-supplied': 30, 'payment-received': 30 } },
  };

  test('every published type has its figures written down here', () => {
    expect(Object.keys(legalFigures).sort()).toEqual(transactionTypes.map((t) => t.key).sort());
  });

  test.each(Object.entries(legalFigures))('%s declares its legal deadline, periods and windows in type.json', (key, figures) => {
    const declared = findTransactionType(key)!;
    expect(declared.legalDeadline).toEqual(figures.deadline);
    expect(Object.fromEntries(Object.entries(declared.periods).map(([name, period]) => [name, period.days]))).toEqual(figures.periods ?? {});
    expect(Object.fromEntries(Object.entries(declared.messages).map(([name, message]) => [name, message.expiresAfterDays]))).toEqual(figures.messageWindows ?? {});
  });

  /** Read independently of the lint: every Wait's Seconds and every task-token state's TimeoutSeconds, in days, by what they wait for. */
  function figuresInWorkflow(definition: string): Record<string, number> {
    const found: Record<string, number> = {};
    const visit = (states: Record<string, any>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Wait' && typeof state.Seconds === 'number') found[`period ${name}`] = state.Seconds / day;
        if (typeof state.TimeoutSeconds === 'number') found[`wait for ${state.Parameters.Payload.name}`] = state.TimeoutSeconds / day;
        for (const branch of state.Branches ?? []) visit(branch.States);
        if (state.ItemProcessor) visit(state.ItemProcessor.States);
      }
    };
    visit(JSON.parse(definition).States);
    return found;
  }

  test.each(sources.map((source) => [source.key, source] as const))('%s waits exactly as long as type.json says', (key, source) => {
    const declared = findTransactionType(key)!;
    const expected = {
      ...Object.fromEntries(Object.entries(declared.periods).map(([name, period]) => [`period ${name}`, period.days])),
      ...Object.fromEntries(Object.entries(declared.tasks).map(([name, task]) => [`wait for ${name}`, task.expiresAfterDays])),
      ...Object.fromEntries(Object.entries(declared.messages).map(([name, message]) => [`wait for ${name}`, message.expiresAfterDays])),
    };
    expect(figuresInWorkflow(source.definition)).toEqual(expected);
  });

  test("the event permit's objection period shortened to 3 days in the ASL", () => {
    const shortened = eventPermit.definition.replace(`"Seconds": ${30 * day}`, `"Seconds": ${3 * day}`);
    expect(shortened).not.toEqual(eventPermit.definition);
    expect(lintWorkflow(shortened, eventType)).toEqual([
      `state "ObjectionPeriod": waits 3 days, but type.json declares the objection period as 30 days; set "Seconds" to ${30 * day} or change "periods"`,
    ]);
  });

  test('a Wait whose period type.json does not declare', () => {
    expect(lintWorkflow(eventPermit.definition, edited(eventType, (t) => (t.periods = {})))).toEqual([
      'state "ObjectionPeriod": waits 30 days, a period type.json does not declare; declare it in "periods" as "ObjectionPeriod": { "days": …, "description": … }',
    ]);
  });

  test('a declared period the workflow does not wait out', () => {
    const withAppeal = edited(eventType, (t) => (t.periods.AppealPeriod = { days: 15, description: { nl: 'beroepstermijn', en: 'appeal period' } }));
    expect(lintWorkflow(eventPermit.definition, withAppeal)).toEqual([
      'type.json declares the appeal period "AppealPeriod", but the workflow has no Wait state "AppealPeriod"; add it or remove the period',
    ]);
  });

  test("the parking permit's 30-day payment window shortened to 3 days in the ASL", () => {
    const shortened = JSON.parse(parkingPermit.definition);
    shortened.States.AwaitPayment.TimeoutSeconds = 3 * day;
    expect(lintWorkflow(JSON.stringify(shortened), parkingType)).toEqual([
      `state "AwaitPayment": times out after 3 days, but type.json declares "expiresAfterDays": 30 for messages."payment-received"; set "TimeoutSeconds" to ${30 * day} or change type.json`,
    ]);
  });

  test("a task's timeout that differs from its expiresAfterDays", () => {
    const shortened = JSON.parse(proofOfResidence.definition);
    shortened.States.VerifyResidence.TimeoutSeconds = 5 * day;
    expect(lintWorkflow(JSON.stringify(shortened), type)).toEqual([
      `state "VerifyResidence": times out after 5 days, but type.json declares "expiresAfterDays": 10 for tasks."verify-residence"; set "TimeoutSeconds" to ${10 * day} or change type.json`,
    ]);
  });

  test('a task timeout type.json does not declare', () => {
    expect(lintWorkflow(proofOfResidence.definition, edited(type, (t) => delete t.tasks['verify-residence'].expiresAfterDays))).toEqual([
      'state "VerifyResidence": times out after 10 days, which type.json does not declare; add "expiresAfterDays" to tasks."verify-residence"',
    ]);
  });

  test('a message window type.json does not declare', () => {
    expect(lintWorkflow(parkingPermit.definition, edited(parkingType, (t) => delete t.messages['payment-received'].expiresAfterDays))).toEqual([
      'state "AwaitPayment": times out after 30 days, which type.json does not declare; add "expiresAfterDays" to messages."payment-received"',
    ]);
  });
});
