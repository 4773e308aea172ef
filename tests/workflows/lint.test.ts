import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandWorkflow, loadWorkflowDefinition, loadWorkflowSources, workflowsDirectory } from '../../workflows/definitions';
import { readTypeFile, versionFolderOf } from '../../workflows/type-loader';
import { formatProblem, inDays, lintWorkflow, transientErrors, typeProblems } from '../../designer/lint';
import { analyseDataFlow, capped, jsonataOutputShape, meet, parsePath, pathsInIntrinsic, sameShape, type Shape } from '../../designer/data-flow';
import { stepContracts } from '../../designer/step-contracts';
import { stepFunctions } from '../../functions/app.declaration';
import { catalogue } from '../../functions/catalogue/catalogue';
import type { TransactionType } from '../../functions/domain/transaction-type';
import { callback, checkHedge, hedgeType, hedgeWorkflow, lambda, lint, photosSupplied, publish, recordExpired, recordGranted, step, withPayload } from '../support/hedge-permit';

const sources = loadWorkflowSources();
const sourceOf = (key: string) => sources.find((source) => source.key === key)!;
const proofOfResidence = sourceOf('proof-of-residence');
const type = catalogue.find('proof-of-residence')!;
const parkingPermit = sourceOf('resident-parking-permit');
const parkingType = catalogue.find('resident-parking-permit')!;
const eventPermit = sourceOf('event-permit');
const eventType = catalogue.find('event-permit')!;
/**
 * The terrace permit as version 1 (still kept and run by its cases): its record-status steps before each
 * wait, which version 2 folded into the waiting steps, are the canvas of many tests below.
 */
const terracePermit = { key: 'terrace-permit', version: 1, definition: loadWorkflowDefinition(versionFolderOf('terrace-permit', 1)) };
const terraceType = catalogue.versionOf({ key: 'terrace-permit', version: 1 })!;
const changeOfAddress = sourceOf('change-of-address');
const addressType = catalogue.find('change-of-address')!;
const transactionTypes = catalogue.all();
const findTransactionType = (key: string) => catalogue.find(key);
const day = 86_400;

/** The proof of residence as a designer writes it in JSONata (tests/workflows/written-in-jsonata), edited, then expanded as the loader expands it. */
function jsonataProofOfResidence(edit: (definition: any) => void = () => {}): string {
  const written = JSON.parse(readFileSync(new URL('./written-in-jsonata/proof-of-residence.asl.json', import.meta.url), 'utf8'));
  edit(written);
  return JSON.stringify(expandWorkflow(written, readTypeFile(workflowsDirectory, 'proof-of-residence')));
}

describe('every workflow keeps the rules', () => {
  test('every workflow folder has a published type and vice versa', () => {
    expect(sources.map((source) => source.key).sort()).toEqual(transactionTypes.map((t) => t.key).sort());
  });

  test.each(sources.map((source) => [source.key, source] as const))('%s passes the lint', (key, source) => {
    expect(lintWorkflow(source.definition, findTransactionType(key)!)).toEqual([]);
  });

  test.each(sources.map((source) => [source.key, source] as const))("%s: the data flow finds nothing to tell, not even an empty finding, and reads the outcome of every task the type declares", (key, source) => {
    const transactionType = findTransactionType(key)!;
    expect(analyseDataFlow(JSON.parse(source.definition), transactionType)).toEqual({ unwritten: [], choices: [], payloads: [], outcomesRead: new Set(Object.keys(transactionType.tasks)) });
  });

  test('the data flow passes over a way to a state that is not there, and a StartAt that names none: the ASL check tells those', () => {
    const nothing = { unwritten: [], choices: [], payloads: [], outcomesRead: new Set() };
    expect(analyseDataFlow({ StartAt: 'Note', States: { Note: { Type: 'Pass', Next: 'Nowhere' } } }, type)).toEqual(nothing);
    expect(analyseDataFlow({ StartAt: 'Nowhere', States: { Note: { Type: 'Pass', End: true } } }, type)).toEqual(nothing);
    const toMissingDefault = {
      StartAt: 'Note',
      States: {
        Note: { Type: 'Pass', Result: { kind: 'tree' }, ResultPath: '$.request', Next: 'Decide' },
        Decide: { Type: 'Choice', Choices: [{ Variable: '$.request.kind', StringEquals: 'tree', Next: 'Done' }], Default: 'Nowhere' },
        Done: { Type: 'Succeed' },
      },
    };
    expect(analyseDataFlow(toMissingDefault, type)).toEqual(nothing);
    expect(analyseDataFlow({ StartAt: 'Note', States: { Note: { Type: 'Pass', End: true }, Unreached: { Type: 'Pass', InputPath: '$.nothing', End: true } } }, type)).toEqual(nothing);
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
    expect(problem).toMatch(/^LOKET_PLACEHOLDER_UNKNOWN proof-of-residence, state "RecordUnderReview": uses unknown placeholder \$\{NoSuchFunctionArn\}; use one of .*RecordStatusFunctionArn/);
  });

  test('nothing in a workflow written in JSONata that keeps the rules (the proof of residence, rewritten)', () => {
    expect(lintWorkflow(jsonataProofOfResidence(), type)).toEqual([]);
  });

  test('in JSONata: a task or status type.json does not declare, read from Arguments', () => {
    const problems = lintWorkflow(
      jsonataProofOfResidence((d) => {
        d.States.VerifyResidence.Arguments.Payload.name = 'verify-residense';
        d.States.RecordRejected.Arguments.Payload.status = 'refused';
      }),
      type,
    );
    expect(problems).toContain('LOKET_TASK_UNDECLARED proof-of-residence, state "VerifyResidence": creates task "verify-residense", which type.json does not declare in "tasks"; declare it or use one of "verify-residence"');
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^LOKET_STATUS_UNDECLARED proof-of-residence, state "RecordRejected": records status "refused"/)]));
  });

  test('in JSONata: a misspelt or missing Payload field in Arguments, against the step contract', () => {
    const problems = lintWorkflow(
      jsonataProofOfResidence((d) => {
        const payload = d.States.RecordExpired.Arguments.Payload;
        payload.cancelOpenTask = payload.cancelOpenTasks;
        delete payload.cancelOpenTasks;
        delete d.States.VerifyResidence.Arguments.Payload.taskToken;
      }),
      type,
    );
    expect(problems).toEqual([
      expect.stringMatching(/^LOKET_PAYLOAD_FIELD_MISSING proof-of-residence, state "VerifyResidence": calls create-task without "taskToken"/),
      'LOKET_PAYLOAD_FIELD_MISSPELT proof-of-residence, state "RecordExpired": passes "cancelOpenTask" to record-status, which takes no such field; did you mean "cancelOpenTasks"? (see the step payload contract in workflows/README.md)',
    ]);
  });

  test('in JSONata: a Catch without an Output passes on only the error, so the next step cannot find the case', () => {
    const problems = lintWorkflow(
      jsonataProofOfResidence((d) => delete d.States.VerifyResidence.Catch[0].Output),
      type,
    );
    expect(problems).toEqual([
      `LOKET_PATH_UNWRITTEN proof-of-residence, state "RecordExpired": reads "$states.input.caseId" in Arguments, but "VerifyResidence" drops it on the way here: its Output, or a Catch without an Output (which passes on only the error), replaces the data; keep the data: merge the result into the input, e.g. a Catch's "Output": "{% $merge([$states.input, {'error': $states.errorOutput}]) %}"`,
    ]);
  });

  test('in JSONata: a JSONPath field, which a JSONata state does not have', () => {
    const problems = lintWorkflow(
      jsonataProofOfResidence((d) => (d.States.RecordUnderReview.ResultPath = null)),
      type,
    );
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((line) => line.startsWith('LOKET_ASL_INVALID proof-of-residence, state "RecordUnderReview"'))).toBe(true);
  });

  test('in JSONata: a status computed by an expression is not taken for a literal one', () => {
    const problems = lintWorkflow(
      jsonataProofOfResidence((d) => (d.States.RecordRejected.Arguments.Payload.status = "{% 'rejected' %}")),
      type,
    );
    expect(problems.filter((line) => line.startsWith('LOKET_STATUS_UNDECLARED'))).toEqual([]);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^LOKET_FINAL_STATUS_MISSING proof-of-residence, state "RecordRejected"/)]));
  });

  test('a task that retries but does not catch', () => {
    expect(broken((d) => delete d.States.LookUpApplicant.Catch)).toEqual([
      'LOKET_CATCH_MISSING proof-of-residence, state "LookUpApplicant": does not catch "States.ALL" into a failure path; add a Catch for "States.ALL" whose Next records the "failed" status',
    ]);
  });

  test('a task with an empty Retry and no catch', () => {
    const problems = broken((d) => {
      d.States.LookUpApplicant.Retry = [];
      delete d.States.LookUpApplicant.Catch;
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'LOKET_RETRY_MISSING proof-of-residence, state "LookUpApplicant": has no Retry; remove its empty "Retry" (the loader then adds the standard one), or retry "Lambda.ClientExecutionTimeoutException", "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "Lambda.Unknown", "Sandbox.Timedout", "TransientError"',
        'LOKET_CATCH_MISSING proof-of-residence, state "LookUpApplicant": does not catch "States.ALL" into a failure path; add a Catch for "States.ALL" whose Next records the "failed" status',
      ]),
    );
  });

  test('a task that retries some but not all of the transient errors', () => {
    const problems = broken((d) => (d.States.LookUpApplicant.Retry[0].ErrorEquals = ['Lambda.ServiceException']));
    expect(problems).toContain(
      'LOKET_RETRY_INCOMPLETE proof-of-residence, state "LookUpApplicant": does not retry the transient errors "Lambda.ClientExecutionTimeoutException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException", "Lambda.Unknown", "Sandbox.Timedout", "TransientError"; add them to its Retry',
    );
  });

  test.each(transientErrors)('a task that does not retry %s (throttling, 5xx, Lambda timeouts and the like would fail the case)', (error) => {
    const problems = broken((d) => (d.States.IssueCertificate.Retry[0].ErrorEquals = transientErrors.filter((other) => other !== error)));
    expect(problems).toEqual([`LOKET_RETRY_INCOMPLETE proof-of-residence, state "IssueCertificate": does not retry the transient errors "${error}"; add them to its Retry`]);
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
      'LOKET_FAILURE_RECORDER_UNCAUGHT proof-of-residence, state "RecordFailed": records the "failed" status but does not catch its own failure; add a Catch for "States.ALL" into a Fail state with "Error": "FailureNotRecorded"',
    ]);
  });

  test('a failure recorder whose catch ends in a Fail of another name, which the infrastructure alarm would not see', () => {
    const problems = broken((d) => (d.States.FailureNotRecorded.Error = 'CaseFailed'));
    expect(problems).toContain(
      'LOKET_FAILURE_RECORDER_UNCAUGHT proof-of-residence, state "RecordFailed": records the "failed" status but does not catch its own failure; add a Catch for "States.ALL" into a Fail state with "Error": "FailureNotRecorded"',
    );
  });

  test('a failure recorder whose catch goes elsewhere than a Fail', () => {
    const problems = broken((d) => (d.States.RecordFailed.Catch[0].Next = 'PublishCaseClosed'));
    expect(problems).toContain(
      'LOKET_FAILURE_RECORDER_UNCAUGHT proof-of-residence, state "RecordFailed": records the "failed" status but does not catch its own failure; add a Catch for "States.ALL" into a Fail state with "Error": "FailureNotRecorded"',
    );
  });

  test('the FailureNotRecorded end is accepted only under that name: another Fail after a Catch is an unfinished path', () => {
    const problems = broken((d) => {
      d.States.LookUpApplicant.Catch[0].Next = 'FailureNotRecorded';
      d.States.FailureNotRecorded.Error = 'Oops';
    });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^LOKET_FINAL_STATUS_MISSING proof-of-residence, state "FailureNotRecorded": a path ends here without recording a final status/)]));
  });

  test('a task-token state without a timeout', () => {
    const problems = broken((d) => {
      delete d.States.VerifyResidence.TimeoutSeconds;
      d.States.VerifyResidence.Catch = d.States.VerifyResidence.Catch.filter((c: any) => !c.ErrorEquals.includes('States.Timeout'));
    });
    expect(problems).toContain('LOKET_TIMEOUT_MISSING proof-of-residence, state "VerifyResidence": waits for a task token without a timeout, so the case could wait forever; declare "expiresAfterDays" for tasks."verify-residence" in type.json (the timeout follows from it), and a Catch for "States.Timeout"');
  });

  test('a task-token state with a timeout it does not handle', () => {
    const problems = broken((d) => {
      d.States.VerifyResidence.Catch = d.States.VerifyResidence.Catch.filter((c: any) => !c.ErrorEquals.includes('States.Timeout'));
    });
    expect(problems).toContain(
      'LOKET_TIMEOUT_UNHANDLED proof-of-residence, state "VerifyResidence": waits for a task token without handling "States.Timeout"; add a Catch for "States.Timeout" whose Next records an expiry status',
    );
  });

  test('an undeclared status', () => {
    expect(broken((d) => (d.States.RecordRejected.Parameters.Payload.status = 'denied'))).toContain(
      'LOKET_STATUS_UNDECLARED proof-of-residence, state "RecordRejected": records status "denied", which type.json does not declare; declare it in "statuses" or use one of "submitted", "under-review", "issued", "rejected", "expired", "withdrawn", "failed"',
    );
  });

  test('an invalid state machine', () => {
    expect(broken((d) => (d.States.ResidesInTenant.Default = 'Nowhere'))).toEqual([
      'LOKET_ASL_INVALID proof-of-residence, state "RecordUnderReview": no state leads to it; lead a transition to it or remove it',
      'LOKET_ASL_INVALID proof-of-residence, state "ResidesInTenant": goes to "Nowhere", which is no state of the workflow; name an existing state or add it',
    ]);
  });

  test('an ASL schema error is told at its state, not at a JSON pointer', () => {
    const problems = broken((d) => (d.States.GatherAdvice.Branches[0].States.PoliceAdvice.TimeoutSeconds = 'ten'), eventPermit, eventType);
    expect(problems).toContain(
      'LOKET_ASL_INVALID event-permit, state "PoliceAdvice": "TimeoutSeconds" must be integer; correct it against the Amazon States Language specification',
    );
  });

  test('an ill-formed state is told at the state, without a field when the state as a whole is wrong', () => {
    expect(broken((d) => delete d.States.RecordRejected.Type).filter((line) => line.startsWith('LOKET_ASL_INVALID'))).toContain(
      'LOKET_ASL_INVALID proof-of-residence, state "RecordRejected": must match exactly one schema in oneOf; correct it against the Amazon States Language specification',
    );
  });

  test('ill-formed "States" name the field: at the workflow, or at the Parallel whose branch holds them', () => {
    expect(broken((d) => (d.States = []))).toContain(
      'LOKET_ASL_INVALID proof-of-residence, workflow.asl.json: "States" must be object; correct it against the Amazon States Language specification',
    );
    expect(broken((d) => (d.States.GatherAdvice.Branches[0].States = []), eventPermit, eventType)).toContain(
      'LOKET_ASL_INVALID event-permit, state "GatherAdvice": "Branches.0.States" must be object; correct it against the Amazon States Language specification',
    );
  });

  test('a path that ends without a final status', () => {
    const problems = broken((d) => {
      d.States.RecordRejected.Parameters.Payload.status = 'under-review';
    });
    expect(problems).toContain(
      'LOKET_FINAL_STATUS_MISSING proof-of-residence, state "RecordRejected": a path ends here without recording a final status (LookUpApplicant → ResidesInTenant → RecordUnderReview → VerifyResidence → ReviewOutcome → RecordRejected); record one of the final statuses "issued", "rejected", "expired", "withdrawn", "failed" on that path before it ends',
    );
  });

  test('a Fail reached without a failure recorder before it', () => {
    const problems = broken((d) => (d.States.LookUpApplicant.Catch[0].Next = 'CaseFailed'));
    expect(problems).toEqual([expect.stringMatching(/^LOKET_FINAL_STATUS_MISSING proof-of-residence, state "CaseFailed": a path ends here without recording a final status \(LookUpApplicant → CaseFailed\)/)]);
  });

  test('a task name the type does not declare', () => {
    expect(broken((d) => (d.States.VerifyResidence.Parameters.Payload.name = 'verify-adress'))).toEqual([
      'LOKET_TASK_UNDECLARED proof-of-residence, state "VerifyResidence": creates task "verify-adress", which type.json does not declare in "tasks"; declare it or use one of "verify-residence"',
      'LOKET_TASK_UNUSED proof-of-residence, type.json "tasks.verify-residence": declares task "verify-residence", which no step creates; create it in a create-task step or remove it',
    ]);
  });

  test('a message the type does not declare', () => {
    expect(broken((d) => (d.States.AwaitPayment.Parameters.Payload.name = 'paid'), parkingPermit, parkingType)).toEqual([
      'LOKET_MESSAGE_UNDECLARED resident-parking-permit, state "AwaitPayment": waits for message "paid", which type.json does not declare in "messages"; declare it in "messages" or use one of "payment-received"',
      'LOKET_MESSAGE_UNUSED resident-parking-permit, type.json "messages.payment-received": declares message "payment-received", which no step waits for; wait for it in an await-message step or remove it',
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

  // A type added as a folder needs no line here (the lint holds its workflow to its type.json); these are pinned on purpose.
  test('every type whose figures are written down here is published', () => {
    expect(transactionTypes.map((t) => t.key)).toEqual(expect.arrayContaining(Object.keys(legalFigures)));
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
      'LOKET_PERIOD_MISMATCH event-permit, state "ObjectionPeriod": waits 3 days, but type.json declares the objection period as 30 days; remove "Seconds" (the wait follows from "periods") or change "periods"',
    ]);
  });

  test('a Wait whose period type.json does not declare', () => {
    expect(lintWorkflow(eventPermit.definition, edited(eventType, (t) => (t.periods = {})))).toEqual([
      'LOKET_PERIOD_UNDECLARED event-permit, state "ObjectionPeriod": waits 30 days, a period type.json does not declare; declare it in "periods" as "ObjectionPeriod": { "days": …, "description": … }',
    ]);
  });

  test('a declared period the workflow does not wait out', () => {
    const withAppeal = edited(eventType, (t) => (t.periods.AppealPeriod = { days: 15, description: { nl: 'beroepstermijn', en: 'appeal period' } }));
    expect(lintWorkflow(eventPermit.definition, withAppeal)).toEqual([
      'LOKET_PERIOD_WITHOUT_WAIT event-permit, type.json "periods.AppealPeriod": declares the appeal period "AppealPeriod", but the workflow has no Wait state "AppealPeriod"; add it or remove the period',
    ]);
  });

  test("the parking permit's 30-day payment window shortened to 3 days in the ASL", () => {
    const shortened = JSON.parse(parkingPermit.definition);
    shortened.States.AwaitPayment.TimeoutSeconds = 3 * day;
    expect(lintWorkflow(JSON.stringify(shortened), parkingType)).toEqual([
      'LOKET_TIMEOUT_MISMATCH resident-parking-permit, state "AwaitPayment": times out after 3 days, but type.json declares "expiresAfterDays": 30 for messages."payment-received"; remove "TimeoutSeconds" (the timeout follows from "expiresAfterDays") or change type.json',
    ]);
  });

  test("a task's timeout that differs from its expiresAfterDays", () => {
    const shortened = JSON.parse(proofOfResidence.definition);
    shortened.States.VerifyResidence.TimeoutSeconds = 5 * day;
    expect(lintWorkflow(JSON.stringify(shortened), type)).toEqual([
      'LOKET_TIMEOUT_MISMATCH proof-of-residence, state "VerifyResidence": times out after 5 days, but type.json declares "expiresAfterDays": 10 for tasks."verify-residence"; remove "TimeoutSeconds" (the timeout follows from "expiresAfterDays") or change type.json',
    ]);
  });

  test('a task timeout type.json does not declare', () => {
    expect(lintWorkflow(proofOfResidence.definition, edited(type, (t) => delete t.tasks['verify-residence'].expiresAfterDays))).toEqual([
      'LOKET_TIMEOUT_UNDECLARED proof-of-residence, state "VerifyResidence": times out after 10 days, which type.json does not declare; add "expiresAfterDays" to tasks."verify-residence" and remove "TimeoutSeconds"; the timeout follows from it',
    ]);
  });

  test('a message window type.json does not declare', () => {
    expect(lintWorkflow(parkingPermit.definition, edited(parkingType, (t) => delete t.messages['payment-received'].expiresAfterDays))).toEqual([
      'LOKET_TIMEOUT_UNDECLARED resident-parking-permit, state "AwaitPayment": times out after 30 days, which type.json does not declare; add "expiresAfterDays" to messages."payment-received" and remove "TimeoutSeconds"; the timeout follows from it',
    ]);
  });
});

/** A copy of a shipped workflow with one mistake, linted against its type (edited too, when told). */
function mistaken(source: { definition: string }, of: TransactionType, edit: (definition: any) => void, editType?: (type: any) => void): string[] {
  const definition = JSON.parse(source.definition);
  edit(definition);
  return lintWorkflow(JSON.stringify(definition), editType ? edited(of, editType) : of);
}

describe('parsePath: a reference path split into its fields', () => {
  test.each([
    ['$.a.b', { fields: ['a', 'b'], exact: true }],
    ["$['hedge check'].b", { fields: ['hedge check', 'b'], exact: true }],
    ['$["a b"]["c"]', { fields: ['a b', 'c'], exact: true }],
    ['$v.a', { variable: 'v', fields: ['a'], exact: true }],
    ['$', { fields: [], exact: true }],
    ['$.a.*', { fields: ['a'], exact: false }],
    ['$.a[0].b', { fields: ['a'], exact: false }],
    ['$[0]["a"]', { fields: [], exact: false }],
    ["$[0]['a']", { fields: [], exact: false }],
  ])('%s', (path, parsed) => {
    expect(parsePath(path)).toEqual({ variable: undefined, ...parsed });
  });

  test('a context path, or text that does not start with $, is no reference path', () => {
    expect(['$$.Execution.Id', 'x$.a', 'a.b'].map(parsePath)).toEqual([undefined, undefined, undefined]);
  });
});

describe('meet: what two ways into a state both guarantee', () => {
  const leaf: Shape = { open: false, fields: new Map() };
  const shape = (fields: Record<string, Shape>, extra: Partial<Shape> = {}): Shape => ({ open: false, fields: new Map(Object.entries(fields)), ...extra });
  const described = (found: Shape): unknown => ({
    open: found.open,
    fields: Object.fromEntries([...found.fields].map(([name, inner]) => [name, described(inner)])),
    ...(found.values ? { values: [...found.values].sort() } : {}),
    ...(found.outcomeOf ? { outcomeOf: [...found.outcomeOf].sort() } : {}),
  });

  test('keeps the fields both write, nested too; a closed side drops what only the other writes', () => {
    const a = shape({ caseId: leaf, address: shape({ street: leaf, number: leaf }), only: leaf });
    const b = shape({ caseId: leaf, address: shape({ street: leaf }) });
    expect(described(meet(a, b))).toEqual({ open: false, fields: { caseId: { open: false, fields: {} }, address: { open: false, fields: { street: { open: false, fields: {} } } } } });
    expect(described(meet(b, a))).toEqual(described(meet(a, b)));
  });

  test('an open side (input no one described) keeps what the other writes; it stays open only if both are', () => {
    const open = shape({ fromOpen: leaf }, { open: true });
    const closed = shape({ fromClosed: leaf });
    expect(described(meet(closed, open))).toEqual({ open: false, fields: { fromClosed: { open: false, fields: {} } } });
    expect(described(meet(open, closed))).toEqual({ open: false, fields: { fromClosed: { open: false, fields: {} } } });
    expect(described(meet(open, shape({ other: leaf }, { open: true })))).toEqual({ open: true, fields: { fromOpen: { open: false, fields: {} }, other: { open: false, fields: {} } } });
  });

  test('a field both sides write is met, also when one side is open: the open side does not replace it', () => {
    const open = shape({ kind: shape({}, { values: new Set(['tree']) }) }, { open: true });
    const closed = shape({ kind: shape({}, { values: new Set(['hedge']) }) });
    const met = { open: false, fields: { kind: { open: false, fields: {}, values: ['hedge', 'tree'] } } };
    expect(described(meet(open, closed))).toEqual(met);
    expect(described(meet(closed, open))).toEqual(met);
  });

  test('the literal values and the tasks a value can come from add up; a side with any value makes any value possible', () => {
    const granted = shape({}, { values: new Set(['granted']), outcomeOf: new Set(['decide']) });
    const refused = shape({}, { values: new Set(['refused']) });
    expect(described(meet(granted, refused))).toEqual({ open: false, fields: {}, values: ['granted', 'refused'], outcomeOf: ['decide'] });
    expect(described(meet(refused, granted))).toEqual({ open: false, fields: {}, values: ['granted', 'refused'], outcomeOf: ['decide'] });
    expect(described(meet(granted, leaf))).toEqual({ open: false, fields: {}, outcomeOf: ['decide'] });
    expect(described(meet(leaf, shape({})))).toEqual({ open: false, fields: {} });
  });
});

describe('sameShape: the fixpoint check of the data flow', () => {
  const leaf = (extra: Partial<Shape> = {}): Shape => ({ open: false, fields: new Map(), ...extra });
  const shape = (fields: Record<string, Shape>, extra: Partial<Shape> = {}): Shape => ({ open: false, fields: new Map(Object.entries(fields)), ...extra });
  const built = () => shape({ caseId: leaf(), decision: shape({ outcome: leaf({ values: new Set(['granted', 'refused']), outcomeOf: new Set(['decide']) }) }) });

  test('two shapes built alike are the same, whatever the order of their values', () => {
    expect(sameShape(built(), built())).toBe(true);
    expect(sameShape(leaf({ values: new Set(['a', 'b']) }), leaf({ values: new Set(['b', 'a']) }))).toBe(true);
    expect(sameShape(leaf({ outcomeOf: new Set(['x', 'y']) }), leaf({ outcomeOf: new Set(['y', 'x']) }))).toBe(true);
    expect(sameShape(leaf({ outcomeOf: new Set() }), leaf())).toBe(true);
  });

  test('a shape is the same as itself: a state whose shape a round left untouched has reached its fixpoint', () => {
    const one = built();
    expect(sameShape(one, one)).toBe(true);
  });

  test.each<[string, Shape, Shape]>([
    ['open and closed', leaf({ open: true }), leaf()],
    ['a field more', shape({ a: leaf() }), shape({ a: leaf(), b: leaf() })],
    ['another field of the same count', shape({ a: leaf() }), shape({ b: leaf() })],
    ['a nested field that differs', shape({ a: shape({ x: leaf() }) }), shape({ a: shape({ y: leaf() }) })],
    ['known values against any value', leaf({ values: new Set(['a']) }), leaf()],
    ['a value more', leaf({ values: new Set(['a']) }), leaf({ values: new Set(['a', 'b']) })],
    ['another value', leaf({ values: new Set(['a']) }), leaf({ values: new Set(['b']) })],
    ['the outcome of a task against none', leaf({ outcomeOf: new Set(['decide']) }), leaf()],
    ['the outcome of another task', leaf({ outcomeOf: new Set(['decide']) }), leaf({ outcomeOf: new Set(['inspect']) })],
  ])('differ: %s, either way round', (_, a, b) => {
    expect(sameShape(a, b)).toBe(false);
    expect(sameShape(b, a)).toBe(false);
  });
});

describe('capped: a shape nested deeper than the lint follows is open there', () => {
  const nested = (depth: number): Shape => (depth === 0 ? { open: false, fields: new Map(), values: new Set(['end']) } : { open: false, fields: new Map([['inner', nested(depth - 1)]]) });
  const depthOf = (found: Shape): { depth: number; last: Shape } => {
    let node = found;
    let depth = 0;
    while (node.fields.has('inner')) {
      node = node.fields.get('inner') as Shape;
      depth += 1;
    }
    return { depth, last: node };
  };

  test('a shape within twelve levels keeps its fields and values', () => {
    const { depth, last } = depthOf(capped(nested(11)));
    expect(depth).toBe(11);
    expect(last).toEqual({ open: false, fields: new Map(), values: new Set(['end']) });
  });

  test('from the twelfth level on, what is nested is open: everything below it counts as written', () => {
    const { depth, last } = depthOf(capped(nested(20)));
    expect(depth).toBe(12);
    expect(last).toEqual({ open: true, fields: new Map() });
  });

  test('a leaf is returned as it is', () => {
    const leaf: Shape = { open: false, fields: new Map(), values: new Set(['x']) };
    expect(capped(leaf)).toBe(leaf);
  });
});

describe('the data flow: every path a state reads is written on every way into it', () => {
  test('a Choice on a misspelt path ($.inspection.outcom), which would fail the execution inside the Choice', () => {
    expect(mistaken(terracePermit, terraceType, (d) => (d.States.InspectionOutcome.Choices[0].Variable = '$.inspection.outcom'))).toEqual([
      'LOKET_PATH_UNWRITTEN terrace-permit, state "InspectionOutcome": reads "$.inspection.outcom" in Choices, but no earlier state writes it ("$.inspection" holds "outcome", "completedBy", "taskId"); fix the path, or write it earlier with a ResultPath on every way into this state',
    ]);
  });

  test('a typo in a Parameters path', () => {
    expect(mistaken(terracePermit, terraceType, (d) => (d.States.RecordRefused.Parameters.Payload.decision['taskId.$'] = '$.decison.taskId'))).toEqual([
      'LOKET_PATH_UNWRITTEN terrace-permit, state "RecordRefused": reads "$.decison.taskId" in Parameters, but no earlier state writes it ("$" holds "caseId", "tenant", "type", "version", "enterprise", "documents", "inspection", "decision"); fix the path, or write it earlier with a ResultPath on every way into this state',
    ]);
  });

  test('a path written on one way into a state but not on another, naming the way that misses it', () => {
    const problems = mistaken(proofOfResidence, type, (d) => (d.States.VerifyResidence.ResultPath = '$.verification'));
    expect(problems).toContain(
      'LOKET_PATH_UNWRITTEN proof-of-residence, state "IssueCertificate": reads "$.review" in Parameters, but no state writes it on the way from "ReviewOutcome" ("$" holds "caseId", "tenant", "type", "version", "register"); fix the path, or write it earlier with a ResultPath on every way into this state',
    );
    expect(problems).toContain(
      'LOKET_PATH_UNWRITTEN proof-of-residence, state "ReviewOutcome": reads "$.review.outcome" in Choices, but no earlier state writes it ("$" holds "caseId", "tenant", "type", "version", "register", "verification"); fix the path, or write it earlier with a ResultPath on every way into this state',
    );
  });

  test('a result a ResultPath of null throws away', () => {
    expect(mistaken(changeOfAddress, addressType, (d) => (d.States.LookUpApplicant.ResultPath = null))).toEqual([
      'LOKET_PATH_UNWRITTEN change-of-address, state "KnownInRegister": reads "$.register.found" in Choices, but no earlier state writes it ("$" holds "caseId", "tenant", "type", "version"); fix the path, or write it earlier with a ResultPath on every way into this state',
    ]);
  });

  test("a Catch without a ResultPath, whose error replaces the case's data: told once, where the data is first missed", () => {
    const problems = mistaken(terracePermit, terraceType, (d) => delete d.States.InspectSite.Catch.find((c: any) => c.ErrorEquals.includes('States.Timeout')).ResultPath);
    expect(problems).toEqual([
      'LOKET_PATH_UNWRITTEN terrace-permit, state "RecordExpired": reads "$.caseId" in Parameters, but "InspectSite" drops it on the way here: its ResultPath, OutputPath or a Catch\'s ResultPath replaces the data; keep the data: give that ResultPath a field of its own (e.g. "$.error" for a Catch)',
    ]);
  });

  test('an OutputPath that drops the data: told at the first state that misses it, not at every state after', () => {
    const problems = mistaken(terracePermit, terraceType, (d) => (d.States.RecordInspection.OutputPath = '$.documents'));
    expect(problems).toEqual([
      'LOKET_PATH_UNWRITTEN terrace-permit, state "InspectSite": reads "$.caseId" in Parameters, but "RecordInspection" drops it on the way here: its ResultPath, OutputPath or a Catch\'s ResultPath replaces the data; keep the data: give that ResultPath a field of its own (e.g. "$.error" for a Catch)',
    ]);
  });

  test("a ResultSelector that reads a field the step does not answer", () => {
    expect(mistaken(terracePermit, terraceType, (d) => (d.States.LookUpEnterprise.ResultSelector['active.$'] = '$.Payload.isActive'))).toEqual([
      'LOKET_RESULT_FIELD_UNKNOWN terrace-permit, state "LookUpEnterprise": its ResultSelector reads "$.Payload.isActive", which look-up-enterprise does not answer ("$.Payload" holds "found", "active", "seatInTenant"); fix the path',
    ]);
  });

  test('a path inside an intrinsic function', () => {
    const problems = mistaken(terracePermit, terraceType, (d) => (d.States.RecordAwaitingDocuments.Parameters.Payload['details.$'] = "States.JsonMerge($.enterprise, $.enterprse, false)"));
    expect(problems).toEqual([expect.stringMatching(/^LOKET_PATH_UNWRITTEN terrace-permit, state "RecordAwaitingDocuments": reads "\$\.enterprse" in Parameters, but no earlier state writes it/)]);
  });

  test('a path a Choice has found present is written on that rule\'s way, and only there', () => {
    const problems = mistaken(terracePermit, terraceType, (d) => {
      d.States.ActiveEnterprise.Choices.unshift({ Variable: '$.enterprise.seat', IsPresent: true, Next: 'NoteSeat' });
      d.States.NoteSeat = { Type: 'Pass', Parameters: { 'seat.$': '$.enterprise.seat' }, ResultPath: '$.seat', Next: 'RecordAwaitingDocuments' };
      d.States.RecordAwaitingDocuments.Parameters.Payload['details.$'] = '$.enterprise.seat';
    });
    expect(problems).toEqual([
      'LOKET_PATH_UNWRITTEN terrace-permit, state "RecordAwaitingDocuments": reads "$.enterprise.seat" in Parameters, but no state writes it on the way from "ActiveEnterprise" ("$.enterprise" holds "found", "active"); fix the path, or write it earlier with a ResultPath on every way into this state',
    ]);
  });

  test('a variable no earlier state assigns', () => {
    expect(mistaken(terracePermit, terraceType, (d) => (d.States.RecordInspection.Parameters.Payload['details.$'] = '$inspector'))).toContain(
      'LOKET_VARIABLE_UNASSIGNED terrace-permit, state "RecordInspection": reads the variable "$inspector" in Parameters, which no earlier state assigns; assign it earlier or fix the name',
    );
  });

  test('a variable an earlier Assign sets is written', () => {
    const problems = mistaken(terracePermit, terraceType, (d) => {
      d.States.AwaitDocuments.Assign = { 'supplied.$': '$.name' };
      d.States.RecordInspection.Parameters.Payload['details.$'] = '$supplied';
    });
    expect(problems.filter((line) => line.startsWith('LOKET_VARIABLE'))).toEqual([]);
  });

  test('JSONata reads of $states.input are followed too', () => {
    const problems = mistaken(terracePermit, terraceType, (d) => {
      d.States.InspectionOutcome = {
        Type: 'Choice',
        QueryLanguage: 'JSONata',
        Choices: [{ Condition: "{% $states.input.inspection.outcom = 'non-compliant' %}", Next: 'RecordNonCompliant' }],
        Default: 'RecordAwaitingDecision',
      };
    });
    expect(problems).toContain(
      'LOKET_PATH_UNWRITTEN terrace-permit, state "InspectionOutcome": reads "$states.input.inspection.outcom" in Condition, but no earlier state writes it ("$states.input.inspection" holds "outcome", "completedBy", "taskId"); fix the path, or write it earlier with an Output on every way into this state',
    );
  });
});

describe("a JSONata Choice rule's Output (proof of residence version 2 writes the register's decision so)", () => {
  const review = (output: string) => (d: any) => (d.States.ResidesInTenant.Choices[0].Output = output);
  const unwritten =
    'LOKET_PATH_UNWRITTEN proof-of-residence, state "IssueCertificate": reads "$.review" in Parameters, but no state writes it on the way from "ResidesInTenant" ("$" holds "caseId", "tenant", "type", "version", "register"); fix the path, or write it earlier with a ResultPath on every way into this state';

  test('the proof of residence as published: what the rule merges into the input is written on its way', () => {
    expect(mistaken(proofOfResidence, type, () => {})).toEqual([]);
  });

  test('written on the rule\'s own way only: another rule to the same step, which merges nothing, does not write it', () => {
    const anotherRule = (d: any) => d.States.ResidesInTenant.Choices.push({ Condition: '{% $states.input.register.found = false %}', Next: 'IssueCertificate' });
    expect(mistaken(proofOfResidence, type, anotherRule)).toEqual([unwritten]);
  });

  test('a misspelt field merged in is not the field the next step reads', () => {
    expect(mistaken(proofOfResidence, type, review("{% $merge([$states.input, {'reveiw': {'outcome': 'approve'}}]) %}"))).toEqual([unwritten]);
  });

  test('an Output the data flow cannot follow counts as writing anything, as a state\'s own Output does', () => {
    expect(mistaken(proofOfResidence, type, review('{% $states.input ~> |$|{"review": {"outcome": "approve"}}| %}'))).toEqual([]);
  });

  test('an Output that is the input itself writes nothing new', () => {
    expect(mistaken(proofOfResidence, type, review('{% $states.input %}'))).toEqual([unwritten]);
  });

  test('a rule reads the input in its Output too', () => {
    expect(mistaken(proofOfResidence, type, review("{% $merge([$states.input, {'review': $states.input.registr}]) %}"))).toEqual([
      'LOKET_PATH_UNWRITTEN proof-of-residence, state "ResidesInTenant": reads "$states.input.registr" in Output, but no earlier state writes it ("$states.input" holds "caseId", "tenant", "type", "version", "register"); fix the path, or write it earlier with an Output on every way into this state',
    ]);
  });
});

describe('jsonataOutputShape: what a JSONata Output leaves of the data', () => {
  const closed = (fields: Record<string, Shape>): Shape => ({ open: false, fields: new Map(Object.entries(fields)) });
  const leaf: Shape = { open: false, fields: new Map() };
  const known = (...values: string[]): Shape => ({ open: false, fields: new Map(), values: new Set(values) });
  const input = closed({ caseId: leaf, register: closed({ found: leaf }) });
  const open: Shape = { open: true, fields: new Map() };
  const shapeOf = (output: unknown) => jsonataOutputShape(input, output);

  test('the input itself is the input', () => {
    expect(shapeOf('{% $states.input %}')).toBe(input);
    expect(shapeOf('  {%  $states.input  %}  ')).toBe(input);
  });

  test('a $merge of the input and object constructors adds their fields, literal strings with their values', () => {
    expect(shapeOf("{% $merge([$states.input, {'review': {'outcome': 'approve', 'by': $states.result.who}}, {'note': 'x'}]) %}")).toEqual(
      closed({ caseId: leaf, register: closed({ found: leaf }), review: closed({ outcome: known('approve'), by: open }), note: known('x') }),
    );
  });

  test.each([
    ['a part of the input', "{% $merge([$states.input.register, {'a': 'x'}]) %}"],
    ['the context', "{% $merge([$states.context, {'a': 'x'}]) %}"],
    ['a variable of another name', "{% $merge([$state.input, {'a': 'x'}]) %}"],
    ['the result', "{% $merge([$states.result, {'a': 'x'}]) %}"],
    ['another function', "{% $append([$states.input, {'a': 'x'}]) %}"],
    ['a merge of two lists', "{% $merge([$states.input, {'a': 'x'}], [{'b': 'y'}]) %}"],
    ['a part that is no object constructor', '{% $merge([$states.input, $states.result]) %}'],
    ['a part that is a list constructor', "{% $merge([$states.input, ['a']]) %}"],
    ['a key that is computed', "{% $merge([$states.input, {$states.input.caseId: 'x'}]) %}"],
    ['one key of several that is computed', "{% $merge([$states.input, {'a': 'x', $string(1): 'y'}]) %}"],
    ['a transform', '{% $states.input ~> |$|{"review": 1}| %}'],
    ['a filter on the input', '{% $states.input[0] %}'],
    ['a group-by on the input', "{% $states.input{'a': 'x'} %}"],
    ['a sort of the input', '{% $states.input^(caseId) %}'],
    ['a merge of the filtered input', "{% $merge([$states.input[0], {'a': 'x'}]) %}"],
    ['the input as a name, not the variable', "{% $merge([states.input, {'a': 'x'}]) %}"],
    ['an expression that does not parse', "{% $merge([$states.input, {'a': %}"],
  ])('%s: the data flow cannot follow it, so it counts as writing anything', (_case, output) => {
    expect(shapeOf(output)).toEqual(open);
  });

  test('a literal object names its fields, whatever their values; a literal value is itself', () => {
    expect(shapeOf({ caseId: '{% $states.input.caseId %}', review: { outcome: 'approve' } })).toEqual(closed({ caseId: open, review: open }));
    expect(shapeOf('approve')).toEqual(known('approve'));
  });
});

describe('step payloads: each Loket step gets what its contract says it takes', () => {
  test('a misspelt Payload field, which the step would ignore or refuse', () => {
    expect(mistaken(proofOfResidence, type, (d) => {
      const payload = d.States.RecordExpired.Parameters.Payload;
      payload.cancelOpenTask = payload.cancelOpenTasks;
      delete payload.cancelOpenTasks;
    })).toEqual([
      'LOKET_PAYLOAD_FIELD_MISSPELT proof-of-residence, state "RecordExpired": passes "cancelOpenTask" to record-status, which takes no such field; did you mean "cancelOpenTasks"? (see the step payload contract in workflows/README.md)',
    ]);
  });

  test('a field two edits from one the step knows is taken for a misspelling of it; one three edits away is not', () => {
    const withField = (field: string) => mistaken(proofOfResidence, type, (d) => (d.States.RecordExpired.Parameters.Payload[field] = 'x'));
    expect(withField('tails')).toEqual([
      'LOKET_PAYLOAD_FIELD_MISSPELT proof-of-residence, state "RecordExpired": passes "tails" to record-status, which takes no such field; did you mean "details"? (see the step payload contract in workflows/README.md)',
    ]);
    expect(withField('ails')).toEqual([]);
  });

  test('a field name in the wrong case is told once, as misspelt', () => {
    expect(mistaken(proofOfResidence, type, (d) => {
      const payload = d.States.VerifyResidence.Parameters.Payload;
      payload['caseID.$'] = payload['caseId.$'];
      delete payload['caseId.$'];
    })).toEqual([
      'LOKET_PAYLOAD_FIELD_MISSPELT proof-of-residence, state "VerifyResidence": passes "caseID" to create-task, which takes no such field; did you mean "caseId"? (see the step payload contract in workflows/README.md)',
    ]);
  });

  test('a misspelt field does not hide another that is missing', () => {
    expect(mistaken(proofOfResidence, type, (d) => {
      const payload = d.States.VerifyResidence.Parameters.Payload;
      payload['caseID.$'] = payload['caseId.$'];
      delete payload['caseId.$'];
      delete payload.name;
    }).filter((line) => line.startsWith('LOKET_PAYLOAD'))).toEqual([
      'LOKET_PAYLOAD_FIELD_MISSPELT proof-of-residence, state "VerifyResidence": passes "caseID" to create-task, which takes no such field; did you mean "caseId"? (see the step payload contract in workflows/README.md)',
      'LOKET_PAYLOAD_FIELD_MISSING proof-of-residence, state "VerifyResidence": calls create-task without "name", so the step refuses its input and the case fails; add it to the Payload (see the step payload contract in workflows/README.md)',
    ]);
  });

  test('a field name in capitals, or two letters off, is told as misspelt', () => {
    const renamed = (from: string, to: string) => (d: any) => {
      const payload = d.States.RecordExpired.Parameters.Payload;
      payload[to] = payload[from];
      delete payload[from];
    };
    expect(mistaken(proofOfResidence, type, renamed('cancelOpenTasks', 'CANCELOPENTASKS'))).toEqual([
      'LOKET_PAYLOAD_FIELD_MISSPELT proof-of-residence, state "RecordExpired": passes "CANCELOPENTASKS" to record-status, which takes no such field; did you mean "cancelOpenTasks"? (see the step payload contract in workflows/README.md)',
    ]);
    expect(mistaken(proofOfResidence, type, renamed('caseId.$', 'csaeId.$'))).toEqual([
      'LOKET_PAYLOAD_FIELD_MISSPELT proof-of-residence, state "RecordExpired": passes "csaeId" to record-status, which takes no such field; did you mean "caseId"? (see the step payload contract in workflows/README.md)',
    ]);
  });

  test('a register step called without the case id', () => {
    const withoutCaseId = (state: string) => (d: any) => delete d.States[state].Parameters.Payload['caseId.$'];
    const missing = (key: string, state: string, step: string) =>
      `LOKET_PAYLOAD_FIELD_MISSING ${key}, state "${state}": calls ${step} without "caseId", so the step refuses its input and the case fails; add it to the Payload (see the step payload contract in workflows/README.md)`;
    expect(mistaken(changeOfAddress, addressType, withoutCaseId('LookUpApplicant'))).toEqual([missing('change-of-address', 'LookUpApplicant', 'look-up-person')]);
    expect(mistaken(terracePermit, terraceType, withoutCaseId('LookUpEnterprise'))).toEqual([missing('terrace-permit', 'LookUpEnterprise', 'look-up-enterprise')]);
    expect(mistaken(changeOfAddress, addressType, withoutCaseId('UpdateRegister'))).toEqual([missing('change-of-address', 'UpdateRegister', 'update-register')]);
  });

  test("a misspelt read of the register's answer names what the answer holds", () => {
    expect(mistaken(changeOfAddress, addressType, (d) => {
      d.States.UpdateRegister.ResultPath = '$.update';
      d.States.RecordRegistered.Parameters.Payload['details.$'] = '$.update.Payload.registerd';
    })).toEqual([
      'LOKET_PATH_UNWRITTEN change-of-address, state "RecordRegistered": reads "$.update.Payload.registerd" in Parameters, but no earlier state writes it ("$.update.Payload" holds "registered"); fix the path, or write it earlier with a ResultPath on every way into this state',
    ]);
  });

  test('a missing Payload field', () => {
    expect(mistaken(proofOfResidence, type, (d) => delete d.States.IssueCertificate.Parameters.Payload['decision.$'])).toEqual([
      'LOKET_PAYLOAD_FIELD_MISSING proof-of-residence, state "IssueCertificate": calls issue-certificate without "decision", so the step refuses its input and the case fails; add it to the Payload (see the step payload contract in workflows/README.md)',
    ]);
  });

  test("a decision taken from a message's answer, which has no completedBy", () => {
    expect(mistaken(parkingPermit, parkingType, (d) => (d.States.GrantPermit.Parameters.Payload['decision.$'] = '$.payment'))).toEqual([
      'LOKET_PAYLOAD_FIELD_MISSING resident-parking-permit, state "GrantPermit": calls issue-certificate without "decision.completedBy" ("decision" holds "name", "receivedAt", "by"), so the step refuses its input and the case fails; add it to the Payload (see the step payload contract in workflows/README.md)',
    ]);
  });
});

describe('Choices and outcomes: a Choice tests what its task can answer, and handles every declared outcome', () => {
  test('a Choice value that is not one of the task\'s outcomes ("granted" where the outcome is "grant")', () => {
    expect(mistaken(terracePermit, terraceType, (d) => (d.States.DecisionOutcome.Choices[0].StringEquals = 'granted'))).toEqual([
      'LOKET_CHOICE_UNKNOWN_OUTCOME terrace-permit, state "DecisionOutcome": tests "$.decision.outcome" against "granted", which is not one of the outcomes of task "college-decision" ("grant", "refuse"); use one of "grant", "refuse", or declare "granted" in the task\'s "outcomes"',
      'LOKET_OUTCOME_UNHANDLED terrace-permit, state "DecisionOutcome": no rule handles "grant", one of the outcomes of task "college-decision": it goes to the Default "UnknownOutcome", which fails the case; add a rule for "grant", or remove it from the task\'s "outcomes"',
    ]);
  });

  test('a declared outcome no rule handles', () => {
    const problems = mistaken(terracePermit, terraceType, () => {}, (t) => t.tasks['college-decision'].outcomes.push('defer'));
    expect(problems).toEqual([
      'LOKET_OUTCOME_UNHANDLED terrace-permit, state "DecisionOutcome": no rule handles "defer", one of the outcomes of task "college-decision": it goes to the Default "UnknownOutcome", which fails the case; add a rule for "defer", or remove it from the task\'s "outcomes"',
    ]);
  });

  test('a Choice without a Default that does not handle every outcome', () => {
    const problems = mistaken(
      terracePermit,
      terraceType,
      (d) => {
        delete d.States.DecisionOutcome.Default;
        delete d.States.UnknownOutcome;
      },
      (t) => t.tasks['college-decision'].outcomes.push('defer'),
    );
    expect(problems).toEqual([
      'LOKET_OUTCOME_UNHANDLED terrace-permit, state "DecisionOutcome": no rule handles "defer", one of the outcomes of task "college-decision": the Choice has no Default, so the execution fails (States.NoChoiceMatched); add a rule for "defer", or remove it from the task\'s "outcomes"',
    ]);
  });

  test('an outcome left to a Default that carries on is handled', () => {
    expect(mistaken(terracePermit, terraceType, () => {})).toEqual([]);
    expect(terraceType.tasks['inspect-site']!.outcomes).toEqual(['compliant', 'non-compliant']);
  });

  test('two tasks whose results meet in one Choice: the values of both are allowed', () => {
    const problems = mistaken(changeOfAddress, addressType, () => {}, (t) => (t.tasks['verify-address'].outcomes = ['positive', 'negative', 'moved-away']));
    expect(problems).toEqual([
      'LOKET_OUTCOME_UNHANDLED change-of-address, state "CheckOutcome": no rule handles "moved-away", one of the outcomes of task "police-check", "verify-address": it goes to the Default "UnknownOutcome", which fails the case; add a rule for "moved-away", or remove it from the task\'s "outcomes"',
    ]);
  });

  test('a task that offers outcomes nothing reads', () => {
    const problems = mistaken(terracePermit, terraceType, (d) => (d.States.InspectionOutcome.Choices[0] = { Variable: '$.enterprise.found', BooleanEquals: false, Next: 'RecordNonCompliant' }));
    expect(problems).toEqual([
      'LOKET_OUTCOME_UNUSED terrace-permit, state "InspectSite": task "inspect-site" offers the outcomes "compliant", "non-compliant", but no state reads its outcome, so each one leads to the same; test "$.inspection.outcome" in a Choice after it, or declare a single outcome',
    ]);
  });

  test('a JSONata Choice that tests another task\'s outcome does not excuse a JSONPath task whose outcome nothing reads', () => {
    const problems = mistaken(terracePermit, terraceType, (d) => {
      d.States.InspectionOutcome.Choices[0] = { Variable: '$.enterprise.found', BooleanEquals: false, Next: 'RecordNonCompliant' };
      const decision = d.States.DecisionOutcome;
      d.States.DecisionOutcome = {
        Type: 'Choice',
        QueryLanguage: 'JSONata',
        Choices: decision.Choices.map((rule: any) => ({ Condition: `{% $states.input.decision.outcome = '${rule.StringEquals}' %}`, Next: rule.Next })),
        Default: decision.Default,
      };
    });
    expect(problems).toEqual([expect.stringMatching(/^LOKET_OUTCOME_UNUSED terrace-permit, state "InspectSite": task "inspect-site" offers the outcomes/)]);
  });

  test('a message named like a task is awaited, not taken for the task whose outcome goes unread', () => {
    const problems = mistaken(
      terracePermit,
      terraceType,
      (d) => {
        d.States.InspectionOutcome.Choices[0] = { Variable: '$.enterprise.found', BooleanEquals: false, Next: 'RecordNonCompliant' };
        d.States.AwaitDocuments.Parameters.Payload.name = 'inspect-site';
      },
      (t) => {
        t.messages['inspect-site'] = t.messages['documents-supplied'];
        delete t.messages['documents-supplied'];
      },
    );
    expect(problems).toEqual([expect.stringMatching(/^LOKET_OUTCOME_UNUSED terrace-permit, state "InspectSite": task "inspect-site" offers the outcomes/)]);
  });

  test("a task's answer recorded in a status's details is read; handed to issue-certificate, which ignores the outcome, it is not", () => {
    const skipChoice = (d: any) => (d.States.InspectionOutcome.Choices[0] = { Variable: '$.enterprise.found', BooleanEquals: false, Next: 'RecordNonCompliant' });
    expect(mistaken(terracePermit, terraceType, (d) => {
      skipChoice(d);
      d.States.RecordAwaitingDecision.Parameters.Payload['details.$'] = '$.inspection';
    })).toEqual([]);
    expect(mistaken(terracePermit, terraceType, (d) => {
      skipChoice(d);
      d.States.GrantPermit.Parameters.Payload['decision.$'] = '$.inspection';
    })).toEqual([expect.stringMatching(/^LOKET_OUTCOME_UNUSED terrace-permit, state "InspectSite": task "inspect-site" offers the outcomes/)]);
  });
});

describe('statuses, tasks and messages: declared and used', () => {
  const typeLines = (of: TransactionType) => typeProblems(of).map((found) => formatProblem(of.key, found));

  test('a missing "withdrawn" status, which makes a citizen\'s withdrawal a 409', () => {
    expect(typeLines(edited(terraceType, (t) => (t.statuses = t.statuses.filter((status: any) => status.code !== 'withdrawn'))))).toEqual([
      'LOKET_STATUS_REQUIRED terrace-permit, type.json "statuses": declares no status "withdrawn": a citizen\'s withdrawal would be refused with 409 Conflict; add { "code": "withdrawn", "order": …, "citizenText": { "nl": …, "en": … }, "inform": true, "final": true }',
    ]);
  });

  test('a missing "failed" status', () => {
    expect(typeLines(edited(terraceType, (t) => (t.statuses = t.statuses.filter((status: any) => status.code !== 'failed'))))).toEqual([
      'LOKET_STATUS_REQUIRED terrace-permit, type.json "statuses": declares no status "failed": a step that fails could not close the case, which would stay open until an operator looks; add { "code": "failed", "order": …, "citizenText": { "nl": …, "en": … }, "inform": true, "final": true }',
    ]);
  });

  test('a "withdrawn" status that is not final', () => {
    expect(typeLines(edited(terraceType, (t) => (t.statuses.find((status: any) => status.code === 'withdrawn').final = false)))).toEqual([
      'LOKET_STATUS_REQUIRED terrace-permit, type.json "statuses.8.final": status "withdrawn" is not final: the case would stay open after it; set "final": true',
    ]);
  });

  test('a duplicate order', () => {
    expect(typeLines(edited(terraceType, (t) => (t.statuses[3].order = 3)))).toEqual([
      'LOKET_STATUS_ORDER_DUPLICATE terrace-permit, type.json "statuses": the statuses "inspection", "awaiting-decision" all have "order": 3; give each status an order of its own',
    ]);
  });

  test('a declared status nothing records', () => {
    const problems = mistaken(terracePermit, terraceType, () => {}, (t) =>
      t.statuses.splice(5, 0, { code: 'on-hold', order: 11, citizenText: { nl: 'In wacht.', en: 'On hold.' }, inform: true, final: false }),
    );
    expect(problems).toEqual([
      'LOKET_STATUS_UNUSED terrace-permit, type.json "statuses.5": declares status "on-hold", which no step records; record it in a step or remove it',
    ]);
  });

  test('a status recorded from the data (a path or a JSONata expression) may be any: no declared status is reported unused', () => {
    const onHold = (t: any) => t.statuses.splice(5, 0, { code: 'on-hold', order: 11, citizenText: { nl: 'In wacht.', en: 'On hold.' }, inform: true, final: false });
    const fromPath = mistaken(terracePermit, terraceType, (d) => {
      const payload = d.States.RecordInspection.Parameters.Payload;
      delete payload.status;
      payload['status.$'] = '$.nextStatus';
    }, onHold);
    expect(fromPath.filter((line) => line.startsWith('LOKET_STATUS_UNUSED'))).toEqual([]);
    const fromExpression = mistaken(terracePermit, terraceType, (d) => {
      const state = d.States.RecordInspection;
      state.QueryLanguage = 'JSONata';
      state.Arguments = { FunctionName: state.Parameters.FunctionName, Payload: { caseId: '{% $states.input.caseId %}', status: '{% $states.input.nextStatus %}' } };
      state.Output = '{% $states.input %}';
      for (const field of ['Parameters', 'ResultPath', 'ResultSelector']) delete state[field];
      for (const catcher of state.Catch ?? []) delete catcher.ResultPath;
    }, onHold);
    expect(fromExpression.filter((line) => line.startsWith('LOKET_STATUS_UNUSED'))).toEqual([]);
    // A step that records no status does not make the statuses unknowable (a waiting step does: it may record one).
    const notARecorder = mistaken(terracePermit, terraceType, (d) => (d.States.LookUpEnterprise.Parameters.Payload['status.$'] = '$.nextStatus'), onHold);
    expect(notARecorder).toContain('LOKET_STATUS_UNUSED terrace-permit, type.json "statuses.5": declares status "on-hold", which no step records; record it in a step or remove it');
  });

  test('a workflow that is not JSON, told as such', () => {
    expect(lintWorkflow('{ "StartAt": ', type)).toEqual([expect.stringMatching(/^LOKET_JSON_INVALID proof-of-residence, workflow\.asl\.json: not valid JSON \(.+\); fix the syntax$/)]);
  });

  test('a declared task nothing creates and a declared message nothing awaits', () => {
    const problems = mistaken(terracePermit, terraceType, () => {}, (t) => {
      t.tasks['second-inspection'] = structuredClone(t.tasks['inspect-site']);
      t.messages['photos-supplied'] = structuredClone(t.messages['documents-supplied']);
    });
    expect(problems).toEqual([
      'LOKET_TASK_UNUSED terrace-permit, type.json "tasks.second-inspection": declares task "second-inspection", which no step creates; create it in a create-task step or remove it',
      'LOKET_MESSAGE_UNUSED terrace-permit, type.json "messages.photos-supplied": declares message "photos-supplied", which no step waits for; wait for it in an await-message step or remove it',
    ]);
  });

  test('a document step in a type that declares no document', () => {
    expect(mistaken(terracePermit, terraceType, () => {}, (t) => delete t.document)).toEqual([
      'LOKET_DOCUMENT_UNDECLARED terrace-permit, state "GrantPermit": issues the type\'s document, but type.json declares no "document", so every case would fail here; declare "document" (its kind, title and a template file per language in the folder), or record a final status instead',
    ]);
  });
});

describe('timeouts agree with due days', () => {
  test('a duration is told in the largest whole unit, singular for one', () => {
    expect([86_400, 3 * 86_400, 3_600, 7_200, 60, 120, 90, 1, 86_400 + 3_600].map(inDays)).toEqual([
      '1 day', '3 days', '1 hour', '2 hours', '1 minute', '2 minutes', '90 seconds', '1 second', '25 hours',
    ]);
  });

  test('a 1-hour timeout on a task due in 10 working days', () => {
    expect(mistaken(terracePermit, terraceType, (d) => (d.States.InspectSite.TimeoutSeconds = 3600))).toEqual([
      'LOKET_TIMEOUT_BEFORE_DUE terrace-permit, state "InspectSite": times out after 1 hour, before task "inspect-site" falls due (type.json: "dueInWorkingDays": 10, which can take 14 calendar days); remove "TimeoutSeconds": the timeout then follows from "expiresAfterDays": 14 of tasks."inspect-site"',
    ]);
  });

  test('a 1-hour timeout on a task that declares no expiry', () => {
    expect(mistaken(terracePermit, terraceType, (d) => (d.States.InspectSite.TimeoutSeconds = 3600), (t) => delete t.tasks['inspect-site'].expiresAfterDays)).toEqual([
      'LOKET_TIMEOUT_BEFORE_DUE terrace-permit, state "InspectSite": times out after 1 hour, before task "inspect-site" falls due (type.json: "dueInWorkingDays": 10, which can take 14 calendar days); remove "TimeoutSeconds" and declare "expiresAfterDays": 14 (or more) for tasks."inspect-site"; the timeout follows from it',
    ]);
  });

  test('a task that type.json lets expire before it falls due', () => {
    expect(typeProblems(edited(terraceType, (t) => (t.tasks['inspect-site'].expiresAfterDays = 2))).map((found) => formatProblem('terrace-permit', found))).toEqual([
      'LOKET_TIMEOUT_BEFORE_DUE terrace-permit, type.json "tasks.inspect-site.expiresAfterDays": is 2, so the task can expire before it falls due (10 working days can take 14 calendar days); make it at least 14',
    ]);
  });
});

describe('the step contracts the lint follows', () => {
  test('name every step function a workflow may invoke, and no other', () => {
    expect(Object.keys(stepContracts).sort()).toEqual(stepFunctions.map((fn) => fn.name).sort());
  });

  test('are documented in the workflows README: each step in a row with every field it takes and answers', () => {
    const rows = readFileSync(join(workflowsDirectory, 'README.md'), 'utf8').split('\n');
    for (const [name, contract] of Object.entries(stepContracts)) {
      const row = rows.find((line) => line.startsWith(`| \`${name}\` `));
      expect(row).toBeDefined();
      for (const field of [...Object.keys(contract.payload), ...Object.keys(contract.result)]) {
        expect(row).toMatch(new RegExp(`\\b${field.replace('?', '')}\\b`));
      }
      expect([name, row?.includes('`.waitForTaskToken`')]).toEqual([name, contract.waitsForTaskToken]);
    }
  });
});

/**
 * The lint's rules on a workflow of a few states (tests/support/hedge-permit.ts), as a designer
 * writes one: each test adds one mistake to a workflow that passes, and pins what the designer
 * reads (the code, the state or type.json field, and the text).
 */
describe('on a small workflow (a hedge permit)', () => {
  describe('a small workflow that keeps the rules', () => {
    test('passes', () => {
      expect(lint(hedgeWorkflow())).toEqual([]);
    });

    test("a step's function placeholder stands for a function's ARN: a Task may name it as its Resource, which the ASL check takes", () => {
      const direct = { ...recordGranted, Resource: '${RecordStatusFunctionArn}', Parameters: recordGranted.Parameters.Payload };
      expect(lint(hedgeWorkflow({ RecordGranted: direct })).filter((line) => line.startsWith('LOKET_ASL_INVALID'))).toEqual([]);
    });
  });

  describe('Retry and Catch', () => {
    const withNotify = (fields: Record<string, unknown> = {}) => ({ ...hedgeWorkflow({ Notify: publish('hedges', { Next: 'CheckHedge', ...fields }) }), StartAt: 'Notify' });

    test('a Task of another service without Retry: the loader adds none, and the fix is not the Lambda one', () => {
      expect(lint(withNotify())).toEqual(['LOKET_RETRY_MISSING hedge-permit, state "Notify": has no Retry; add a Retry for the errors a retry can cure']);
    });

    test("a Task of another service need not retry Lambda's transient errors", () => {
      expect(lint(withNotify({ Retry: [{ ErrorEquals: ['SNS.ThrottledException'] }] }))).toEqual([]);
    });

    test('a Lambda Task whose Retry was dropped after the loader: told to retry the transient errors', () => {
      expect(lint(hedgeWorkflow(), hedgeType(), (d) => delete d.States.RecordGranted.Retry)).toEqual([
        `LOKET_RETRY_MISSING hedge-permit, state "RecordGranted": has no Retry; remove its empty "Retry" (the loader then adds the standard one), or retry ${transientErrors.map((error) => `"${error}"`).join(', ')}`,
      ]);
    });

    test('a Lambda Task that retries "States.ALL" retries every transient error', () => {
      expect(lint(hedgeWorkflow(), hedgeType(), (d) => (d.States.RecordGranted.Retry = [{ ErrorEquals: ['States.ALL'] }]))).toEqual([]);
    });

    const catchMissing = (state: string) =>
      `LOKET_CATCH_MISSING hedge-permit, state "${state}": does not catch "States.ALL" into a failure path; add a Catch for "States.ALL" whose Next records the "failed" status`;

    test('a Task that catches only some of the case errors, or only a timeout, does not reach the failure recorder', () => {
      expect(lint(withNotify({ Retry: [{ ErrorEquals: ['States.ALL'] }], Catch: [{ ErrorEquals: ['DomainError'], ResultPath: '$.error', Next: 'RecordFailed' }] }))).toEqual([catchMissing('Notify')]);
      expect(lint(hedgeWorkflow(), hedgeType(), (d) => (d.States.CheckHedge.Catch = d.States.CheckHedge.Catch.filter((c: any) => c.ErrorEquals.includes('States.Timeout'))))).toEqual([
        catchMissing('CheckHedge'),
      ]);
    });

    test('a Task that catches every case error reaches the failure recorder', () => {
      expect(lint(withNotify({ Retry: [{ ErrorEquals: ['States.ALL'] }], Catch: [{ ErrorEquals: ['DomainError', 'ZodError', 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'States.ResultPathMatchFailure'], ResultPath: '$.error', Next: 'RecordFailed' }] }))).toEqual([]);
    });

    test('a last Task without a Catch (the closing publisher written by hand)', () => {
      expect(lint(hedgeWorkflow({ PublishCaseClosed: publish('closed-cases', { Retry: [{ ErrorEquals: ['States.ALL'] }], End: true }) }), hedgeType(), (d) => {
        delete d.States.CaseClosedEventNotPublished;
      })).toEqual([catchMissing('PublishCaseClosed')]);
    });

    test('a state of its own that puts CaseClosed.v1 on the bus, in a version whose closing step publishes it, would announce the closing twice', () => {
      const announce = (fields: Record<string, unknown>) => ({ Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', Retry: [{ ErrorEquals: ['States.ALL'] }], End: true, ...fields });
      const entries = [{ EventBusName: '${EventBusName}', Source: 'loket.cases', DetailType: 'CaseClosed.v1', Detail: { 'caseId.$': '$.caseId' } }];
      const twice = (written: Record<string, any>, type = hedgeType()) => lint(written, type).filter((line) => line.startsWith('LOKET_CLOSING_PUBLISHED_TWICE'));
      const expected = (state: string) =>
        `LOKET_CLOSING_PUBLISHED_TWICE hedge-permit, state "${state}": publishes CaseClosed.v1, which the closing step already publishes with the closing in version ${hedgeType().version}, so consumers would get it twice; remove the state and lead the final steps to "PublishCaseClosed", where the workflow ends`;
      expect(twice(hedgeWorkflow({ PublishCaseClosed: announce({ Parameters: { Entries: entries } }) }))).toEqual([expected('PublishCaseClosed')]);
      expect(twice(hedgeWorkflow({ RecordGranted: { ...recordGranted, Next: 'Announce' }, Announce: announce({ QueryLanguage: 'JSONata', Arguments: { Entries: entries } }) }))).toEqual([expected('Announce')]);
      // One of several entries is enough.
      expect(twice(hedgeWorkflow({ PublishCaseClosed: announce({ Parameters: { Entries: [{ ...entries[0], DetailType: 'HedgeChecked.v1' }, ...entries] } }) }))).toEqual([expected('PublishCaseClosed')]);
      // Another event, another service, a Pass that only carries such entries, or a call without any is not the closing notice.
      expect(twice(hedgeWorkflow({ PublishCaseClosed: announce({ Parameters: { Entries: [{ ...entries[0], DetailType: 'HedgeChecked.v1' }] } }) }))).toEqual([]);
      expect(twice(hedgeWorkflow({ PublishCaseClosed: { Type: 'Pass', Parameters: { Entries: entries }, End: true } }))).toEqual([]);
      expect(twice(hedgeWorkflow({ PublishCaseClosed: announce({}) }))).toEqual([]);
      expect(twice(hedgeWorkflow({ PublishCaseClosed: publish('closed-cases', { Retry: [{ ErrorEquals: ['States.ALL'] }], End: true }) }))).toEqual([]);
      // A version that publishes it in its own PublishCaseClosed state (resident-parking-permit 2): the loader's state is no mistake.
      const published = hedgeType((type) => Object.assign(type, { key: 'resident-parking-permit', version: 2 }));
      expect(lintWorkflow(JSON.stringify(expandWorkflow(hedgeWorkflow(), published)), published).filter((line) => line.startsWith('LOKET_CLOSING_PUBLISHED_TWICE'))).toEqual([]);
      expect(JSON.stringify(expandWorkflow(hedgeWorkflow(), published))).toContain('CaseClosed.v1');
    });

    test('a top-level state named like a state the loader adds to a version that takes moved cases is refused; a nested one is not', () => {
      const reserved = (state: string) => `LOKET_STATE_NAME_RESERVED hedge-permit, state "${state}": is a name the loader gives a state of its own, in every version that takes moved cases; give the state another name`;
      const named = (name: string) => lint(hedgeWorkflow({ RecordGranted: { ...recordGranted, Next: name }, [name]: { Type: 'Pass', End: true } }), hedgeType()).filter((line) => line.startsWith('LOKET_STATE_NAME_RESERVED'));
      expect(named('MigrationEntry')).toEqual([reserved('MigrationEntry')]);
      expect(named('MigrationTargetUnknown')).toEqual([reserved('MigrationTargetUnknown')]);
      expect(named('MigrationEntered')).toEqual([]);
      const nested = hedgeWorkflow({
        RecordGranted: { ...recordGranted, Next: 'Both' },
        Both: { Type: 'Parallel', Branches: [{ StartAt: 'MigrationEntry', States: { MigrationEntry: { Type: 'Pass', End: true } } }], ResultPath: null, End: true },
      });
      expect(lint(nested, hedgeType()).filter((line) => line.startsWith('LOKET_STATE_NAME_RESERVED'))).toEqual([]);
    });

    test('a Task on the failure path that goes on into a Fail state needs no Catch: its failure fails the execution as well', () => {
      expect(lint(hedgeWorkflow({ NotifyFailure: publish('hedges', { Retry: [{ ErrorEquals: ['States.ALL'] }], Next: 'CaseFailed' }) }), hedgeType(), (d) => (d.States.RecordFailed.Next = 'NotifyFailure'))).toEqual([]);
    });
  });

  describe('task-token states: their timeout, and the task or message they wait for', () => {
    const awaitPhotos = (fields: Record<string, unknown> = {}) =>
      step('AwaitMessage', { name: 'photos-supplied', 'taskToken.$': '$$.Task.Token' }, {
        Resource: callback,
        ResultPath: '$.photos',
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'RecordExpired' }],
        Next: 'CheckHedge',
        ...fields,
      });
    const withPhotos = (fields: Record<string, unknown> = {}) => ({ ...hedgeWorkflow({ AwaitPhotos: awaitPhotos(fields) }), StartAt: 'AwaitPhotos' });

    test('a task-token state for a task type.json does not declare, without a timeout: told to add one itself', () => {
      const problems = lint(hedgeWorkflow({ CheckHedge: checkHedge({ Parameters: { ...checkHedge().Parameters, Payload: { ...checkHedge().Parameters.Payload, name: 'check-hedges' } } }) }));
      expect(problems).toEqual([
        'LOKET_TIMEOUT_MISSING hedge-permit, state "CheckHedge": waits for a task token without a timeout, so the case could wait forever; add "TimeoutSeconds", and a Catch for "States.Timeout"',
        'LOKET_TASK_UNDECLARED hedge-permit, state "CheckHedge": creates task "check-hedges", which type.json does not declare in "tasks"; declare it or use one of "check-hedge"',
        'LOKET_TASK_UNUSED hedge-permit, type.json "tasks.check-hedge": declares task "check-hedge", which no step creates; create it in a create-task step or remove it',
      ]);
    });

    test('a task without "expiresAfterDays" and a state without a timeout: one problem, not a timeout mismatch as well', () => {
      expect(lint(hedgeWorkflow(), hedgeType((t) => delete t.tasks['check-hedge'].expiresAfterDays))).toEqual([
        'LOKET_TIMEOUT_MISSING hedge-permit, state "CheckHedge": waits for a task token without a timeout, so the case could wait forever; declare "expiresAfterDays" for tasks."check-hedge" in type.json (the timeout follows from it), and a Catch for "States.Timeout"',
      ]);
    });

    test('a timeout read from the data (TimeoutSecondsPath) is a timeout', () => {
      const problems = lint(
        { ...hedgeWorkflow({ SetDeadline: { Type: 'Pass', Result: 3600, ResultPath: '$.deadline', Next: 'CheckHedge' }, CheckHedge: checkHedge({ TimeoutSecondsPath: '$.deadline' }) }), StartAt: 'SetDeadline' },
        hedgeType((t) => delete t.tasks['check-hedge'].expiresAfterDays),
      );
      expect(problems).toEqual([]);
    });

    test('a step that resumes later called without ".waitForTaskToken", and one that answers at once called with it', () => {
      const plain = 'arn:aws:states:::lambda:invoke';
      expect(lint(hedgeWorkflow({ CheckHedge: checkHedge({ Resource: plain, TimeoutSeconds: undefined }) })).filter((line) => line.startsWith('LOKET_TASK_TOKEN'))).toEqual([
        'LOKET_TASK_TOKEN_MISMATCH hedge-permit, state "CheckHedge": calls create-task without ".waitForTaskToken", so the workflow goes on at once instead of waiting for its answer; use "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken" and pass "taskToken.$": "$$.Task.Token"',
      ]);
      expect(lint(hedgeWorkflow({ RecordGranted: { ...recordGranted, Resource: callback, TimeoutSeconds: 60 } })).filter((line) => line.startsWith('LOKET_TASK_TOKEN'))).toEqual([
        'LOKET_TASK_TOKEN_MISMATCH hedge-permit, state "RecordGranted": calls record-status with ".waitForTaskToken", but it answers at once and never returns the token, so the case waits until its timeout; use "Resource": "arn:aws:states:::lambda:invoke"',
      ]);
    });

    describe('a waiting step that names a status', () => {
      const withReview = (edit: (type: any) => void = () => {}) =>
        hedgeType((t) => {
          t.statuses.splice(1, 0, { code: 'under-review', order: 2, citizenText: { nl: 'In behandeling.', en: 'Under review.' }, inform: true, final: false });
          t.statuses.forEach((status: any, index: number) => (status.order = index + 1));
          edit(t);
        });

      test('records it: a status only such a step records is not unused', () => {
        expect(lint(hedgeWorkflow({ CheckHedge: withPayload(checkHedge(), { status: 'under-review' }) }), withReview())).toEqual([]);
        expect(lint(hedgeWorkflow(), withReview())).toEqual([
          'LOKET_STATUS_UNUSED hedge-permit, type.json "statuses.1": declares status "under-review", which no step records; record it in a step or remove it',
        ]);
      });

      test('a status type.json does not declare is told', () => {
        expect(lint(hedgeWorkflow({ CheckHedge: withPayload(checkHedge(), { status: 'under-reveiw' }) }), withReview()).filter((line) => !line.startsWith('LOKET_STATUS_UNUSED'))).toEqual([
          'LOKET_STATUS_UNDECLARED hedge-permit, state "CheckHedge": records status "under-reveiw", which type.json does not declare; declare it in "statuses" or use one of "submitted", "under-review", "granted", "withdrawn", "expired", "failed"',
        ]);
      });

      test.each([
        ['CreateTask', 'task'],
        ['AwaitMessage', 'message'],
      ])('a final status on a %s step is told: the case would close before it waits', (fn, what) => {
        const waiting = fn === 'CreateTask' ? withPayload(checkHedge(), { status: 'granted' }) : step('AwaitMessage', { name: 'photos-supplied', 'taskToken.$': '$$.Task.Token', status: 'granted' }, { Resource: callback, ResultPath: '$.photos', Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'RecordExpired' }], Next: 'RecordGranted' });
        const type = hedgeType((t) => (t.messages = { 'photos-supplied': photosSupplied }));
        const written = fn === 'CreateTask' ? hedgeWorkflow({ CheckHedge: waiting }) : { ...hedgeWorkflow({ AwaitPhotos: { ...waiting, Next: 'CheckHedge' } }), StartAt: 'AwaitPhotos' };
        expect(lint(written, type).filter((line) => line.startsWith('LOKET_STATUS_FINAL_ON_WAIT'))).toEqual([
          `LOKET_STATUS_FINAL_ON_WAIT hedge-permit, state "${fn === 'CreateTask' ? 'CheckHedge' : 'AwaitPhotos'}": records the final status "granted" before it waits, so the case would close and the ${what} never come; record a status that is not final, or record the final status in a step after the wait`,
        ]);
      });

      test('a status read from the data on a waiting step leaves every declared status possibly recorded', () => {
        expect(lint(hedgeWorkflow({ CheckHedge: withPayload(checkHedge(), { 'status.$': '$.nextStatus' }) }), withReview()).filter((line) => line.startsWith('LOKET_STATUS_UNUSED'))).toEqual([]);
        const awaitPhotos = step('AwaitMessage', { name: 'photos-supplied', 'taskToken.$': '$$.Task.Token', 'status.$': '$.nextStatus' }, { Resource: callback, ResultPath: '$.photos', Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'RecordExpired' }], Next: 'CheckHedge' });
        const withPhotos = withReview((t) => (t.messages = { 'photos-supplied': photosSupplied }));
        expect(lint({ ...hedgeWorkflow({ AwaitPhotos: awaitPhotos }), StartAt: 'AwaitPhotos' }, withPhotos).filter((line) => line.startsWith('LOKET_STATUS_UNUSED'))).toEqual([]);
      });
    });

    test('a task or a message named from the data is decided when the case runs: neither is told undeclared', () => {
      const namedFromData = (state: Record<string, any>) => {
        const { name: _literal, ...payload } = state.Parameters.Payload;
        return { ...state, Parameters: { ...state.Parameters, Payload: { ...payload, 'name.$': '$.caseId' } } };
      };
      const undeclared = (problems: string[]) => problems.filter((line) => /^LOKET_(TASK|MESSAGE)_UNDECLARED /.test(line));
      expect(undeclared(lint(hedgeWorkflow({ CheckHedge: namedFromData(checkHedge()) })))).toEqual([]);
      expect(undeclared(lint({ ...hedgeWorkflow({ AwaitPhotos: namedFromData(awaitPhotos({ TimeoutSeconds: 30 * day })) }), StartAt: 'AwaitPhotos' }))).toEqual([]);
    });

    test('a message awaited in a type that declares no messages: told to declare it', () => {
      expect(lint(withPhotos({ TimeoutSeconds: 30 * day }))).toEqual([
        'LOKET_MESSAGE_UNDECLARED hedge-permit, state "AwaitPhotos": waits for message "photos-supplied", which type.json does not declare in "messages"; declare it in "messages"',
      ]);
    });

    test('a message awaited with the window type.json declares', () => {
      expect(lint(withPhotos(), hedgeType((t) => (t.messages['photos-supplied'] = photosSupplied)))).toEqual([]);
    });

    test('a message and a task of the same name: the await-message state is held to the message, the create-task state to the task', () => {
      const both = hedgeType((t) => (t.messages['check-hedge'] = { ...photosSupplied, expiresAfterDays: 7 }));
      const awaitCheck = awaitPhotos({ Parameters: { ...awaitPhotos().Parameters, Payload: { ...awaitPhotos().Parameters.Payload, name: 'check-hedge' } } });
      const workflow = { ...hedgeWorkflow({ AwaitCheck: awaitCheck }), StartAt: 'AwaitCheck' };
      expect(lint(workflow, both)).toEqual([]);
      expect(lint(workflow, both, (d) => delete d.States.AwaitCheck.TimeoutSeconds)).toEqual([
        'LOKET_TIMEOUT_MISSING hedge-permit, state "AwaitCheck": waits for a task token without a timeout, so the case could wait forever; declare "expiresAfterDays" for messages."check-hedge" in type.json (the timeout follows from it), and a Catch for "States.Timeout"',
      ]);
      expect(lint(workflow, both, (d) => (d.States.AwaitCheck.TimeoutSeconds = 14 * day))).toEqual([
        'LOKET_TIMEOUT_MISMATCH hedge-permit, state "AwaitCheck": times out after 14 days, but type.json declares "expiresAfterDays": 7 for messages."check-hedge"; remove "TimeoutSeconds" (the timeout follows from "expiresAfterDays") or change type.json',
      ]);
    });

    test('a create-task state that names a message: told as an undeclared task, its timeout held to nothing', () => {
      const named = hedgeType((t) => (t.messages['photos-supplied'] = photosSupplied));
      const createPhotos = checkHedge({ TimeoutSeconds: 3600, Parameters: { ...checkHedge().Parameters, Payload: { ...checkHedge().Parameters.Payload, name: 'photos-supplied' } } });
      expect(lint(hedgeWorkflow({ CheckHedge: createPhotos }), named)).toEqual([
        'LOKET_TASK_UNDECLARED hedge-permit, state "CheckHedge": creates task "photos-supplied", which type.json does not declare in "tasks"; declare it or use one of "check-hedge"',
        'LOKET_TASK_UNUSED hedge-permit, type.json "tasks.check-hedge": declares task "check-hedge", which no step creates; create it in a create-task step or remove it',
        'LOKET_MESSAGE_UNUSED hedge-permit, type.json "messages.photos-supplied": declares message "photos-supplied", which no step waits for; wait for it in an await-message step or remove it',
      ]);
    });
  });

  describe('what the designer reads for each kind of problem', () => {

    test('an unassigned variable, with the variables that are set before it', () => {
      expect(lint(hedgeWorkflow({ CheckHedge: checkHedge({ Assign: { 'checkedBy.$': '$.completedBy' } }), RecordGranted: withPayload(recordGranted, { 'details.$': '$checker' }) }))).toEqual([
        'LOKET_VARIABLE_UNASSIGNED hedge-permit, state "RecordGranted": reads the variable "$checker" in Parameters, which no earlier state assigns; the variables set before it are "checkedBy"; assign it earlier or fix the name',
      ]);
    });

    test('a JSONata read below a value that holds no fields', () => {
      const recordInJsonata = {
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: lambda,
        Arguments: { FunctionName: '${RecordStatusFunctionArn}', Payload: { caseId: '{% $states.input.caseId.value %}', status: 'granted' } },
        Output: "{% $merge([$states.input, {'closed': {'status': 'granted'}}]) %}",
        Next: 'PublishCaseClosed',
      };
      expect(lint(hedgeWorkflow({ RecordGranted: recordInJsonata }))).toEqual([
        'LOKET_PATH_UNWRITTEN hedge-permit, state "RecordGranted": reads "$states.input.caseId.value" in Arguments, but no earlier state writes it ("$states.input.caseId" holds no fields); fix the path, or write it earlier with an Output on every way into this state',
      ]);
    });

    test('a Choice that tests a value no state writes there, told with the values it can hold', () => {
      const workflow = {
        ...hedgeWorkflow({
          NoteKind: { Type: 'Pass', Result: { kind: 'hedge' }, ResultPath: '$.request', Next: 'IsTree' },
          IsTree: { Type: 'Choice', Choices: [{ Variable: '$.request.kind', StringEquals: 'tree', Next: 'RecordGranted' }], Default: 'CheckHedge' },
        }),
        StartAt: 'NoteKind',
      };
      expect(lint(workflow)).toEqual([
        'LOKET_CHOICE_UNKNOWN_OUTCOME hedge-permit, state "IsTree": tests "$.request.kind" against "tree", which is not one of the values "$.request.kind" can hold ("hedge"); use one of "hedge", or declare "tree" in the task\'s "outcomes"',
      ]);
    });

    test('a Choice reached by two ways that write different values knows both: the value that arrives second is no unknown one', () => {
      const workflow = {
        ...hedgeWorkflow({
          Route: { Type: 'Choice', Choices: [{ Variable: '$.type', StringEquals: 'hedge-permit', Next: 'NoteTree' }], Default: 'NoteHedge' },
          NoteTree: { Type: 'Pass', Result: { kind: 'tree' }, ResultPath: '$.request', Next: 'IsTree' },
          NoteHedge: { Type: 'Pass', Result: { kind: 'hedge' }, ResultPath: '$.request', Next: 'IsTree' },
          IsTree: {
            Type: 'Choice',
            Choices: [
              { Variable: '$.request.kind', StringEquals: 'tree', Next: 'RecordGranted' },
              { Variable: '$.request.kind', StringEquals: 'hedge', Next: 'CheckHedge' },
            ],
            Default: 'CheckHedge',
          },
        }),
        StartAt: 'Route',
      };
      expect(lint(workflow)).toEqual([]);
    });

    test("a Lambda of the tenant's own, not one of Loket's steps, is held to no step's payload contract", () => {
      const workflow = hedgeWorkflow() as any;
      workflow.States.NotifyNeighbours = {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:notify-neighbours', Payload: { 'caseId.$': '$.caseId', nmae: 'hedge' } },
        ResultPath: null,
        Next: workflow.StartAt,
      };
      workflow.StartAt = 'NotifyNeighbours';
      expect(lint(workflow)).toEqual([]);
    });

    test('an object in the Payload without the fields the step needs in it', () => {
      expect(lint(hedgeWorkflow({ RecordGranted: withPayload(recordGranted, { decision: {} }) }))).toEqual([
        'LOKET_PAYLOAD_FIELD_MISSING hedge-permit, state "RecordGranted": calls record-status without "decision.outcome" ("decision" holds no fields), so the step refuses its input and the case fails; add it to the Payload (see the step payload contract in workflows/README.md)',
        'LOKET_PAYLOAD_FIELD_MISSING hedge-permit, state "RecordGranted": calls record-status without "decision.decidedBy" ("decision" holds no fields), so the step refuses its input and the case fails; add it to the Payload (see the step payload contract in workflows/README.md)',
      ]);
    });

    test('an error handed to the failure recorder without its Error', () => {
      expect(lint(hedgeWorkflow({ RecordGranted: withPayload(recordGranted, { error: { Cause: 'the hedge was cut' } }) }))).toEqual([
        'LOKET_PAYLOAD_FIELD_MISSING hedge-permit, state "RecordGranted": calls record-status without "error.Error" ("error" holds "Cause"), so the step refuses its input and the case fails; add it to the Payload (see the step payload contract in workflows/README.md)',
      ]);
    });

    test('a task whose outcomes nothing reads, in a JSONata state without a ResultPath', () => {
      const checkInJsonata = {
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: callback,
        Arguments: { FunctionName: '${CreateTaskFunctionArn}', Payload: { caseId: '{% $states.input.caseId %}', name: 'check-hedge', taskToken: '{% $states.context.Task.Token %}' } },
        Output: "{% $merge([$states.input, {'check': $states.result}]) %}",
        Catch: [{ ErrorEquals: ['States.Timeout'], Output: '{% $states.input %}', Next: 'RecordExpired' }],
        Next: 'RecordGranted',
      };
      expect(lint(hedgeWorkflow({ CheckHedge: checkInJsonata }), hedgeType((t) => (t.tasks['check-hedge'].outcomes = ['grant', 'refuse'])))).toEqual([
        'LOKET_OUTCOME_UNUSED hedge-permit, state "CheckHedge": task "check-hedge" offers the outcomes "grant", "refuse", but no state reads its outcome, so each one leads to the same; test "$.outcome" in a Choice after it, or declare a single outcome',
      ]);
    });

    test('an ASL error in a field of the workflow itself, not of a state', () => {
      expect(lint({ ...hedgeWorkflow(), TimeoutSeconds: 'forever' })).toEqual([
        'LOKET_ASL_INVALID hedge-permit, workflow.asl.json: "TimeoutSeconds" must be integer; correct it against the Amazon States Language specification',
      ]);
    });

    test('each definition is judged on its own, whatever was checked before it: asl-validator keeps one compiled schema between calls (patches/)', () => {
      const broken = { ...hedgeWorkflow(), TimeoutSeconds: 'forever' };
      const finding = 'LOKET_ASL_INVALID hedge-permit, workflow.asl.json: "TimeoutSeconds" must be integer; correct it against the Amazon States Language specification';
      expect(lint(broken)).toEqual([finding]);
      expect(lint(hedgeWorkflow())).toEqual([]);
      expect(lint(broken)).toEqual([finding]);
      expect(lint({ ...hedgeWorkflow(), TimeoutSeconds: 60 })).toEqual([]);
    });

    test('a StartAt that names no state', () => {
      expect(lint({ ...hedgeWorkflow(), StartAt: 'CheckHedges' })).toEqual([
        'LOKET_ASL_INVALID hedge-permit, state "CheckHedge": no state leads to it; lead a transition to it or remove it',
        'LOKET_ASL_INVALID hedge-permit, workflow.asl.json: goes to "CheckHedges", which is no state of the workflow; name an existing state or add it',
      ]);
    });

    test('an ASL error of no particular form is passed on as asl-validator words it', () => {
      expect(lint(hedgeWorkflow({ RecordGranted: withPayload(recordGranted, { caseId: 'CASE-1' }) }))).toEqual([
        expect.stringMatching(/^LOKET_ASL_INVALID hedge-permit, workflow\.asl\.json: \w+: A duplicate field will exist after renaming to strip the "\.\$" suffix from: caseId\.\$; correct it against the Amazon States Language specification$/),
      ]);
    });

    test('an unknown placeholder outside any state', () => {
      const definition = { ...expandWorkflow(hedgeWorkflow(), hedgeType()), Comment: 'Checks hedges; ${HedgeRegisterArn} later' };
      expect(lintWorkflow(JSON.stringify(definition), hedgeType())).toEqual([
        'LOKET_PLACEHOLDER_UNKNOWN hedge-permit, workflow.asl.json: uses unknown placeholder ${HedgeRegisterArn}; use one of LookUpPersonFunctionArn, LookUpEnterpriseFunctionArn, UpdateRegisterFunctionArn, RecordStatusFunctionArn, CreateTaskFunctionArn, AwaitMessageFunctionArn, IssueCertificateFunctionArn, TableName, EventBusName',
      ]);
    });
  });

  describe('the figures: Wait periods and task-token timeouts are the ones type.json declares', () => {
    const objection = { days: 30, description: { nl: 'bezwaartermijn', en: 'objection period' } };
    const withWait = (wait: Record<string, unknown>) => ({ ...hedgeWorkflow({ ObjectionPeriod: { Type: 'Wait', Next: 'PublishCaseClosed', ...wait }, RecordGranted: { ...recordGranted, Next: 'ObjectionPeriod' } }) });

    test('a declared period the loader fills in', () => {
      expect(lint(withWait({}), hedgeType((t) => (t.periods.ObjectionPeriod = objection)))).toEqual([]);
    });

    test('a Wait whose seconds come from the data or from a JSONata expression is no period of type.json', () => {
      const fromData = { ...withWait({ SecondsPath: '$.wait' }), StartAt: 'SetWait' };
      fromData.States = { ...fromData.States, SetWait: { Type: 'Pass', Result: 60, ResultPath: '$.wait', Next: 'CheckHedge' } };
      expect(lint(fromData)).toEqual([]);
      expect(lint(withWait({ QueryLanguage: 'JSONata', Seconds: '{% 2 * 60 %}' }))).toEqual([]);
    });

    test('a Seconds field on a state that is no Wait is an ASL error, not a period', () => {
      expect(lint(hedgeWorkflow({ RecordGranted: { ...recordGranted, Seconds: 60 } })).filter((line) => !line.startsWith('LOKET_ASL_INVALID'))).toEqual([]);
    });

    test('a create-task called without .waitForTaskToken waits for no token, so its TimeoutSeconds is no task window', () => {
      expect(lint(hedgeWorkflow({ CheckHedge: checkHedge({ Resource: lambda, TimeoutSeconds: 60, Catch: [] }) })).filter((line) => line.includes('TIMEOUT'))).toEqual([]);
    });

    test('a timeout before the task falls due, with an "expiresAfterDays" that is too short as well: told to declare at least the span', () => {
      // 5 working days can take 7 calendar days.
      expect(lint(hedgeWorkflow({ CheckHedge: checkHedge({ TimeoutSeconds: 2 * day }) }), hedgeType((t) => (t.tasks['check-hedge'].expiresAfterDays = 3)))).toEqual([
        'LOKET_TIMEOUT_BEFORE_DUE hedge-permit, state "CheckHedge": times out after 2 days, before task "check-hedge" falls due (type.json: "dueInWorkingDays": 5, which can take 7 calendar days); remove "TimeoutSeconds" and declare "expiresAfterDays": 7 (or more) for tasks."check-hedge"; the timeout follows from it',
      ]);
    });

    test('a timeout that follows from a too short "expiresAfterDays" is told once, on type.json', () => {
      const short = hedgeType((t) => (t.tasks['check-hedge'].expiresAfterDays = 3));
      expect(lint(hedgeWorkflow(), short)).toEqual([]);
      expect(typeProblems(short).map((found) => formatProblem('hedge-permit', found))).toEqual([
        'LOKET_TIMEOUT_BEFORE_DUE hedge-permit, type.json "tasks.check-hedge.expiresAfterDays": is 3, so the task can expire before it falls due (5 working days can take 7 calendar days); make it at least 7',
      ]);
    });

    test('a task without "expiresAfterDays" is no expiry before it falls due', () => {
      expect(typeProblems(hedgeType((t) => delete t.tasks['check-hedge'].expiresAfterDays))).toEqual([]);
      expect(typeProblems(hedgeType((t) => (t.tasks['check-hedge'].expiresAfterDays = 7)))).toEqual([]);
    });

    test('a text that names the period with other days, however the number is written', () => {
      const texts = (nl: string, en: string) =>
        typeProblems(
          hedgeType((t) => {
            t.periods.ObjectionPeriod = objection;
            t.statuses[1].citizenText = { nl, en };
          }),
        ).map((found) => formatProblem('hedge-permit', found));
      expect(texts('Uw vergunning is toegekend; de bezwaartermijn van 3  dagen loopt.', 'Granted; the objection period of 30 days runs.')).toEqual([
        'LOKET_TEXT_DAYS_MISMATCH hedge-permit, type.json "statuses.1.citizenText.nl": says "3  dagen" for the objection period, which is 30 days; make them equal',
      ]);
      expect(texts('Toegekend; de bezwaartermijn loopt 30 kalenderdagen.', 'Granted; the 3-day objection period runs.')).toEqual([
        'LOKET_TEXT_DAYS_MISMATCH hedge-permit, type.json "statuses.1.citizenText.en": says "3-day" for the objection period, which is 30 days; make them equal',
      ]);
    });

    test('a text that names days but not the period is not held to it', () => {
      const problems = typeProblems(
        hedgeType((t) => {
          t.periods.ObjectionPeriod = objection;
          t.statuses[1].citizenText = { nl: 'Uw vergunning geldt 5 dagen.', en: 'Your permit is valid for 5 days.' };
        }),
      );
      expect(problems).toEqual([]);
    });
  });

  /**
   * The data flow on the small hedge-permit workflow: which reads the lint follows (paths in every
   * field that reads one, in brackets, in intrinsic functions, of variables) and which it leaves
   * alone (context paths, quoted text, open results), and what each read it reports says.
   */

  /** The workflow with the granting step recording `path` as its details. */
  const details = (path: string) => hedgeWorkflow({ RecordGranted: withPayload(recordGranted, { 'details.$': path }) });
  const startingAt = (name: string, states: Record<string, unknown>) => ({ ...hedgeWorkflow(states), StartAt: name });
  const unwritten = (state: string, path: string, field: string, holds: string, where = 'no earlier state writes it') =>
    `LOKET_PATH_UNWRITTEN hedge-permit, state "${state}": reads "${path}" in ${field}, but ${where} (${holds}); fix the path, or write it earlier with a ResultPath on every way into this state`;
  const checkHolds = '"$.check" holds "outcome", "completedBy", "taskId"';
  const inputHolds = (...more: string[]) => `"$" holds ${['caseId', 'tenant', 'type', 'version', ...more].map((field) => `"${field}"`).join(', ')}`;
  const twoOutcomes = () => hedgeType((t) => (t.tasks['check-hedge'].outcomes = ['grant', 'refuse']));

  describe('the paths a state reads', () => {
    test('in bracket notation, told with the part that exists', () => {
      expect(lint(details("$['check']['outcom']"))).toEqual([unwritten('RecordGranted', "$['check']['outcom']", 'Parameters', checkHolds)]);
      expect(lint(details('$["check"].outcome'))).toEqual([]);
    });

    test('under a field whose name needs brackets, told in brackets', () => {
      const workflow = hedgeWorkflow({ CheckHedge: checkHedge({ ResultPath: "$['hedge check']" }), RecordGranted: withPayload(recordGranted, { 'details.$': "$['hedge check'].outcom" }) });
      expect(lint(workflow)).toEqual([unwritten('RecordGranted', "$['hedge check'].outcom", 'Parameters', `"$['hedge check']" holds "outcome", "completedBy", "taskId"`)]);
    });

    test('with an index or a wildcard: the fields before it must be written', () => {
      expect(lint(details('$.check.outcom[0]'))).toEqual([unwritten('RecordGranted', '$.check.outcom[0]', 'Parameters', checkHolds)]);
      expect(lint(details('$.check.*'))).toEqual([]);
    });

    test('a context path ($$) is no read of the data, in a field or inside an intrinsic function', () => {
      expect(lint(details('$$.Execution.Input.anything'))).toEqual([]);
      expect(lint(details("States.Format('{} at {}', $.check.outcome, $$.Execution.StartTime)"))).toEqual([]);
    });

    test('inside an intrinsic function: the paths it reads, not the quoted text', () => {
      expect(lint(details("States.Format('see $.nothing, then {}', $.check.outcome)"))).toEqual([]);
      expect(lint(details("States.Format('{}', $.check.outcom)"))).toEqual([unwritten('RecordGranted', '$.check.outcom', 'Parameters', checkHolds)]);
      // A path in brackets is read with its quoted names: they are the path's, not quoted text of the call.
      expect(lint(details("States.Format('{}', $['check']['outcome'])"))).toEqual([]);
      expect(lint(details("States.Format('{}', $['check']['outcom'], $.check[10])"))).toEqual([unwritten('RecordGranted', "$['check']['outcom']", 'Parameters', checkHolds)]);
    });

    test('an intrinsic call gives its reference paths, in order, and nothing else: not its quoted text, not a context path', () => {
      expect(pathsInIntrinsic("States.Format('see $.a, it''s {}', $['b']['c d'], $$.Execution.Id, $.e[10].f, States.ArrayLength($.g))")).toEqual([
        "$['b']['c d']",
        '$.e[10].f',
        '$.g',
      ]);
      expect(pathsInIntrinsic("States.Format('no path here')")).toEqual([]);
    });

    test('the same unwritten path read twice in one field is told once', () => {
      expect(lint(hedgeWorkflow({ RecordGranted: withPayload(recordGranted, { 'details.$': '$.nope', decision: { 'outcome.$': '$.nope', decidedBy: 'clerk' } }) }))).toEqual([
        unwritten('RecordGranted', '$.nope', 'Parameters', inputHolds('check')),
      ]);
    });

    test('in InputPath, and through it: what InputPath selects is all the state reads from', () => {
      expect(lint(hedgeWorkflow({ RecordGranted: { ...recordGranted, InputPath: '$.chek' } }))).toEqual([unwritten('RecordGranted', '$.chek', 'InputPath', inputHolds('check'))]);
      expect(lint(hedgeWorkflow({ RecordGranted: { ...recordGranted, InputPath: '$.check' } }))).toEqual([unwritten('RecordGranted', '$.caseId', 'Parameters', '"$" holds "outcome", "completedBy", "taskId"')]);
      expect(lint(hedgeWorkflow({ RecordGranted: { ...recordGranted, InputPath: null } }))).toEqual([unwritten('RecordGranted', '$.caseId', 'Parameters', '"$" holds no fields')]);
    });

    test('a result put at an index of a list leaves the data unknown: what follows may read any path, and is told nothing', () => {
      const atIndex = hedgeWorkflow({ CheckHedge: checkHedge({ ResultPath: '$.checks[0]' }), RecordGranted: withPayload(recordGranted, { 'details.$': '$.anything.below' }) });
      expect(lint(atIndex)).toEqual([]);
      // The same read after a result at a plain field is told.
      const atField = hedgeWorkflow({ CheckHedge: checkHedge({ ResultPath: '$.checks' }), RecordGranted: withPayload(recordGranted, { 'details.$': '$.anything.below' }) });
      expect(lint(atField)).toEqual([unwritten('RecordGranted', '$.anything.below', 'Parameters', inputHolds('checks'))]);
    });

    test('a task result that replaces the data (ResultPath "$", or an OutputPath of null) drops the case id', () => {
      const dropped = 'LOKET_PATH_UNWRITTEN hedge-permit, state "RecordGranted": reads "$.caseId" in Parameters, but "CheckHedge" drops it on the way here: its ResultPath, OutputPath or a Catch\'s ResultPath replaces the data; keep the data: give that ResultPath a field of its own (e.g. "$.error" for a Catch)';
      expect(lint(hedgeWorkflow({ CheckHedge: checkHedge({ ResultPath: '$' }) }))).toEqual([dropped]);
      expect(lint(hedgeWorkflow({ CheckHedge: checkHedge({ OutputPath: null }) }))).toEqual([dropped]);
    });

    test("in a Wait's SecondsPath and TimestampPath", () => {
      const pause = (wait: Record<string, unknown>) => hedgeWorkflow({ RecordGranted: { ...recordGranted, Next: 'Pause' }, Pause: { Type: 'Wait', Next: 'PublishCaseClosed', ...wait } });
      expect(lint(pause({ SecondsPath: '$.pause' }))).toEqual([unwritten('Pause', '$.pause', 'SecondsPath', inputHolds('check', 'closed'))]);
      expect(lint(pause({ TimestampPath: '$.until' }))).toEqual([unwritten('Pause', '$.until', 'TimestampPath', inputHolds('check', 'closed'))]);
    });

    test("in a Fail's ErrorPath and CausePath", () => {
      const stop = (fail: Record<string, unknown>) => hedgeWorkflow({ RecordExpired: { ...recordExpired, Next: 'Stop' }, Stop: { Type: 'Fail', ...fail } });
      expect(lint(stop({ ErrorPath: '$.error.Eror', Cause: 'The check expired.' }))).toEqual([unwritten('Stop', '$.error.Eror', 'ErrorPath', '"$.error" holds "Error", "Cause"')]);
      expect(lint(stop({ Error: 'Expired', CausePath: '$.eror.Cause' }))).toEqual([unwritten('Stop', '$.eror.Cause', 'CausePath', inputHolds('error', 'closed'))]);
    });

    test("in a Task's TimeoutSecondsPath and HeartbeatSecondsPath", () => {
      const noExpiry = hedgeType((t) => delete t.tasks['check-hedge'].expiresAfterDays);
      expect(lint(hedgeWorkflow({ CheckHedge: checkHedge({ TimeoutSecondsPath: '$.timeout' }) }), noExpiry)).toEqual([unwritten('CheckHedge', '$.timeout', 'TimeoutSecondsPath', inputHolds())]);
      expect(lint(hedgeWorkflow({ CheckHedge: checkHedge({ HeartbeatSecondsPath: '$.heartbeat' }) }))).toEqual([unwritten('CheckHedge', '$.heartbeat', 'HeartbeatSecondsPath', inputHolds())]);
    });

    test('in a Choice: inside And, Or and Not, and in a …Path comparand; an IsPresent test reads nothing', () => {
      const decide = (rule: Record<string, unknown>) =>
        hedgeWorkflow({ CheckHedge: checkHedge({ Next: 'Decide' }), Decide: { Type: 'Choice', Choices: [{ ...rule, Next: 'RecordGranted' }], Default: 'RecordExpired' } });
      expect(lint(decide({ And: [{ Variable: '$.check.outcome', StringEquals: 'grant' }, { Variable: '$.check.taskid', IsPresent: true }] }))).toEqual([]);
      expect(lint(decide({ Or: [{ Variable: '$.check.outcome', StringEquals: 'grant' }, { Variable: '$.check.completedby', StringEquals: 'clerk' }] }))).toEqual([unwritten('Decide', '$.check.completedby', 'Choices', checkHolds)]);
      expect(lint(decide({ Not: { Variable: '$.check.outcom', StringEquals: 'refuse' } }))).toEqual([unwritten('Decide', '$.check.outcom', 'Choices', checkHolds)]);
      expect(lint(decide({ Variable: '$.check.completedBy', StringEqualsPath: '$.check.by' }))).toEqual([unwritten('Decide', '$.check.by', 'Choices', checkHolds)]);
    });

    test('an IsPresent rule makes its path written on its way only when the path was unknown: what is known stays known, and a variable changes no data', () => {
      const present = (variable: string, read = '$.check.outcom') =>
        hedgeWorkflow({
          CheckHedge: checkHedge({ Next: 'Present' }),
          Present: { Type: 'Choice', Choices: [{ Variable: variable, IsPresent: true, Next: 'RecordGranted' }], Default: 'RecordExpired' },
          RecordGranted: withPayload(recordGranted, { 'details.$': read }),
        });
      const misspelt = unwritten('RecordGranted', '$.check.outcom', 'Parameters', checkHolds);
      expect(lint(present('$.check'))).toEqual([misspelt]);
      expect(lint(present('$.check.outcom'))).toEqual([]);
      expect(lint(present('$checkedBy.name', '$.name.first'))).toEqual([unwritten('RecordGranted', '$.name.first', 'Parameters', inputHolds('check'))]);
    });

    test('below a literal text: it holds no fields', () => {
      const noted = startingAt('Note', { Note: { Type: 'Pass', Result: { kind: 'hedge' }, ResultPath: '$.request', Next: 'CheckHedge' } });
      noted.States.RecordGranted = withPayload(recordGranted, { 'details.$': '$.request.kind.name' });
      expect(lint(noted)).toEqual([unwritten('RecordGranted', '$.request.kind.name', 'Parameters', '"$.request.kind" holds no fields')]);
    });

    test("in a Pass state's Parameters and in an OutputPath, told by the field's name", () => {
      const noting = (note: Record<string, unknown>) => startingAt('Note', { Note: { Type: 'Pass', Next: 'CheckHedge', ...note } });
      expect(lint(noting({ Parameters: { 'caseId.$': '$.caseId', 'kind.$': '$.knd' } }))).toEqual([unwritten('Note', '$.knd', 'Parameters', inputHolds())]);
      expect(lint(noting({ OutputPath: '$.tenant.name' }))).toEqual([unwritten('Note', '$.tenant.name', 'OutputPath', '"$.tenant" holds no fields')]);
    });

    test("a step's result holds what its contract answers, with Lambda's metadata; another service's result holds anything", () => {
      const selecting = (selector: Record<string, string>) => hedgeWorkflow({ RecordGranted: { ...recordGranted, ResultSelector: selector } });
      expect(lint(selecting({ 'status.$': '$.Payload.status', 'code.$': '$.StatusCode' }))).toEqual([]);
      expect(lint(selecting({ 'version.$': '$.ExecutedVersion', 'http.$': '$.SdkHttpMetadata.HttpStatusCode', 'request.$': '$.SdkResponseMetadata.RequestId' }))).toEqual([]);
      expect(lint(selecting({ 'status.$': '$.Payload.statuss' }))).toEqual([
        'LOKET_RESULT_FIELD_UNKNOWN hedge-permit, state "RecordGranted": its ResultSelector reads "$.Payload.statuss", which record-status does not answer ("$.Payload" holds "status"); fix the path',
      ]);
      const notify = publish('hedges', { ResultPath: '$.notified', Retry: [{ ErrorEquals: ['States.ALL'] }], Next: 'CheckHedge' });
      expect(lint(startingAt('Notify', { Notify: notify, RecordGranted: withPayload(recordGranted, { 'details.$': '$.notified.MessageId' }) }))).toEqual([]);
    });
  });

  describe('variables', () => {
    const branching = (note: Record<string, unknown>, read: string, check: Record<string, unknown> = {}) =>
      hedgeWorkflow({
        CheckHedge: checkHedge({ Next: 'Decide', ...check }),
        Decide: { Type: 'Choice', Choices: [{ Variable: '$.check.outcome', StringEquals: 'grant', Next: 'Note' }], Default: 'RecordGranted' },
        Note: { Type: 'Pass', Next: 'RecordGranted', ...note },
        RecordGranted: withPayload(recordGranted, { 'details.$': read }),
      });

    test('a variable assigned on one way into a state but not the other is unassigned there', () => {
      expect(lint(branching({ Assign: { noted: true } }, '$noted'))).toEqual([
        'LOKET_VARIABLE_UNASSIGNED hedge-permit, state "RecordGranted": reads the variable "$noted" in Parameters, which no earlier state assigns; assign it earlier or fix the name',
      ]);
    });

    test('a variable assigned on every way in is assigned; a field below a plain value is not', () => {
      expect(lint(branching({ Assign: { noted: true } }, '$noted', { Assign: { noted: false } }))).toEqual([]);
      expect(lint(branching({ Assign: { noted: true } }, '$noted.by', { Assign: { noted: false } }))).toEqual([unwritten('RecordGranted', '$noted.by', 'Parameters', '"$noted" holds no fields')]);
    });

    test('a variable holds only the fields it is given on every way in: a field one way adds later is not guaranteed', () => {
      const noted = (read: string) => branching({ Assign: { noted: { by: 'clerk' } } }, read, { Assign: { noted: { by: 'clerk', at: 'desk' } } });
      expect(lint(noted('$noted.by'))).toEqual([]);
      expect(lint(noted('$noted.at'))).toEqual([unwritten('RecordGranted', '$noted.at', 'Parameters', '"$noted" holds "by"')]);
    });

    // The analysis reaches Join first on the shorter way, whose variable holds more; the longer way arrives later and must
    // still narrow what Join passes on, although the other variable is the same on both ways.
    test('a field only the shorter way into a join gives a variable is not guaranteed after the join', () => {
      const ways = (read: string) =>
        hedgeWorkflow({
          CheckHedge: checkHedge({ Next: 'Decide', Assign: { 'checkedBy.$': '$.completedBy' } }),
          Decide: { Type: 'Choice', Choices: [{ Variable: '$.check.outcome', StringEquals: 'grant', Next: 'Wait1' }], Default: 'Note' },
          Note: { Type: 'Pass', Assign: { noted: { by: 'clerk', at: 'desk' } }, Next: 'Join' },
          Wait1: { Type: 'Pass', Assign: { noted: { by: 'clerk' } }, Next: 'Wait2' },
          Wait2: { Type: 'Pass', Next: 'Join' },
          Join: { Type: 'Pass', Next: 'RecordGranted' },
          RecordGranted: withPayload(recordGranted, { 'details.$': read }),
        });
      expect(lint(ways('$noted.by'))).toEqual([]);
      expect(lint(ways('$noted.at'))).toEqual([unwritten('RecordGranted', '$noted.at', 'Parameters', '"$noted" holds "by"')]);
    });

    test("a Task's Assign reads the task's result", () => {
      expect(lint(branching({}, '$checkedBy', { Assign: { 'checkedBy.$': '$.completedBy' } }))).toEqual([]);
      expect(lint(branching({}, '$checkedBy', { Assign: { 'checkedBy.$': '$.check.completedBy' } }))).toEqual([
        'LOKET_PATH_UNWRITTEN hedge-permit, state "CheckHedge": reads "$.check.completedBy" in Assign, but no earlier state writes it ("$" holds "outcome", "completedBy", "taskId"); fix the path, or write it earlier with a ResultPath on every way into this state',
      ]);
    });
  });

  describe('Choices on known values', () => {
    const decide = (choices: Record<string, unknown>[], fallback: string, states: Record<string, unknown> = {}) =>
      hedgeWorkflow({ CheckHedge: checkHedge({ Next: 'Decide' }), Decide: { Type: 'Choice', Choices: choices, Default: fallback }, ...states });
    const grant = { Variable: '$.check.outcome', StringEquals: 'grant', Next: 'RecordGranted' };
    const unhandled = (fallback: string) =>
      `LOKET_OUTCOME_UNHANDLED hedge-permit, state "Decide": no rule handles "refuse", one of the outcomes of task "check-hedge": it goes to the Default "${fallback}", which fails the case; add a rule for "refuse", or remove it from the task's "outcomes"`;
    const unknownOutcome = { Type: 'Pass', Result: { Error: 'UnknownOutcome' }, ResultPath: '$.failure.Unknown', Next: 'RecordFailed' };

    test('an outcome left to a Default that fails the case: a Fail, or the failure recorder after a Pass', () => {
      expect(lint(decide([grant], 'Unknown', { Unknown: unknownOutcome }), twoOutcomes())).toEqual([unhandled('Unknown')]);
      expect(lint(decide([grant], 'CaseFailed'), twoOutcomes())).toEqual([
        unhandled('CaseFailed'),
        'LOKET_FINAL_STATUS_MISSING hedge-permit, state "CaseFailed": a path ends here without recording a final status (CheckHedge → Decide → CaseFailed); record one of the final statuses "granted", "withdrawn", "expired", "failed" on that path before it ends',
      ]);
    });

    test('an outcome left to a Default that records another status, or goes on through other states, is handled', () => {
      expect(lint(decide([grant], 'RecordExpired'), twoOutcomes())).toEqual([]);
      expect(lint(decide([grant], 'Wait', { Wait: { Type: 'Wait', Seconds: 60, Next: 'RecordExpired' } }), twoOutcomes()).filter((line) => line.startsWith('LOKET_OUTCOME'))).toEqual([]);
      expect(lint(decide([grant], 'Note', { Note: { Type: 'Pass', Next: 'RecordExpired' } }), twoOutcomes())).toEqual([]);
    });

    test('only a Fail or the failure recorder, after Pass states alone, fails the case: a Wait or another service before it, or a loop of Pass states, does not', () => {
      const outcomeFindings = (fallback: string, states: Record<string, unknown>) => lint(decide([grant], fallback, states), twoOutcomes()).filter((line) => line.startsWith('LOKET_OUTCOME'));
      expect(outcomeFindings('Wait', { Wait: { Type: 'Wait', Seconds: 60, Next: 'RecordFailed' } })).toEqual([]);
      expect(outcomeFindings('Tell', { Tell: publish('hedges', { Next: 'RecordFailed' }) })).toEqual([]);
      expect(outcomeFindings('LoopA', { LoopA: { Type: 'Pass', Next: 'LoopB' }, LoopB: { Type: 'Pass', Next: 'LoopA' } })).toEqual([]);
      expect(outcomeFindings('Note', { Note: { Type: 'Pass', Next: 'Unknown' }, Unknown: unknownOutcome })).toEqual([unhandled('Note')]);
    });

    test('a Choice that tests two paths holds each path to its own rules only, and is not held to handle each outcome', () => {
      const byClerk = { Variable: '$.check.completedBy', StringEquals: 'clerk', Next: 'RecordExpired' };
      expect(lint(decide([grant, byClerk], 'Unknown', { Unknown: unknownOutcome }), twoOutcomes())).toEqual([]);
      expect(lint(decide([grant, byClerk, { Variable: '$.check.outcome', StringEquals: 'grnat', Next: 'RecordExpired' }], 'Unknown', { Unknown: unknownOutcome }), twoOutcomes())).toEqual([
        'LOKET_CHOICE_UNKNOWN_OUTCOME hedge-permit, state "Decide": tests "$.check.outcome" against "grnat", which is not one of the outcomes of task "check-hedge" ("grant", "refuse"); use one of "grant", "refuse", or declare "grnat" in the task\'s "outcomes"',
      ]);
    });

    test("a Choice on a variable is not held to the values of the data's path of the same name", () => {
      const workflow = startingAt('Note', {
        Note: { Type: 'Pass', Parameters: { 'caseId.$': '$.caseId', outcome: 'grant' }, ResultPath: '$', Assign: { noted: { outcome: 'refuse' } }, Next: 'Decide' },
        Decide: { Type: 'Choice', Choices: [{ Variable: '$noted.outcome', StringEquals: 'refuse', Next: 'RecordExpired' }], Default: 'CheckHedge' },
      });
      expect(lint(workflow).filter((line) => line.startsWith('LOKET_CHOICE'))).toEqual([]);
    });

    test('a Choice with a rule other than StringEquals on the outcome is not held to handle each outcome', () => {
      const refuse = { Variable: '$.check.outcome', StringMatches: 'ref*', Next: 'RecordExpired' };
      expect(lint(decide([grant, refuse], 'Unknown', { Unknown: unknownOutcome }), twoOutcomes())).toEqual([]);
    });

    test("a message's name is the one the state awaits", () => {
      const awaitPhotos = step('AwaitMessage', { name: 'photos-supplied', 'taskToken.$': '$$.Task.Token' }, {
        Resource: callback,
        ResultPath: '$.photos',
        Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'RecordExpired' }],
        Next: 'Which',
      });
      const which = (name: string) => startingAt('AwaitPhotos', { AwaitPhotos: awaitPhotos, Which: { Type: 'Choice', Choices: [{ Variable: '$.photos.name', StringEquals: name, Next: 'CheckHedge' }], Default: 'CheckHedge' } });
      const withPhotos = hedgeType((t) => (t.messages['photos-supplied'] = photosSupplied));
      expect(lint(which('photos-supplied'), withPhotos)).toEqual([]);
      expect(lint(which('photo-supplied'), withPhotos)).toEqual([
        'LOKET_CHOICE_UNKNOWN_OUTCOME hedge-permit, state "Which": tests "$.photos.name" against "photo-supplied", which is not one of the values "$.photos.name" can hold ("photos-supplied"); use one of "photos-supplied", or declare "photo-supplied" in the task\'s "outcomes"',
      ]);
    });
  });

  describe('loops', () => {
    test('a loop that nests its input in itself ends, and its data stays known as deep as it goes', () => {
      const again = (read: string) =>
        startingAt('Again', {
          Again: { Type: 'Pass', Parameters: { 'previous.$': '$', 'caseId.$': '$.caseId' }, Next: 'More' },
          More: { Type: 'Choice', Choices: [{ Variable: read, IsPresent: true, Next: 'CheckHedge' }], Default: 'Again' },
        });
      expect(lint(again('$.previous.previous.previous.caseId'))).toEqual([]);
    });
  });

  test('a null in a Payload (a detail left empty) is no status the step records, and no trouble for the lint', () => {
    expect(lint(hedgeWorkflow({ RecordGranted: withPayload(recordGranted, { details: { status: null, reason: null } }) }))).toEqual([]);
  });

  describe('final statuses on every path', () => {
    const grantInBranch = (status: string) => ({
      StartAt: 'CheckHedge',
      States: {
        CheckHedge: checkHedge({ Next: 'Decide' }),
        Decide: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'Grant',
              States: {
                Grant: step('RecordStatus', { status }, { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'GrantFailed' }], End: true }),
                GrantFailed: { Type: 'Fail', Error: 'GrantFailed' },
              },
            },
          ],
          ResultSelector: { 'status.$': '$[0].Payload.status' },
          ResultPath: '$.closed',
          Next: 'PublishCaseClosed',
        },
        RecordExpired: recordExpired,
      },
    });

    test('a Parallel whose branch records the final status finishes the path, though the branch may also fail', () => {
      expect(lint(grantInBranch('granted'))).toEqual([]);
    });

    test('a Parallel whose branches record no final status does not', () => {
      expect(lint(grantInBranch('submitted'))).toEqual([
        'LOKET_STATUS_UNUSED hedge-permit, type.json "statuses.1": declares status "granted", which no step records; record it in a step or remove it',
        // The hedge permit's closing step publishes CaseClosed.v1 (closing-notice): its workflow ends where it led to PublishCaseClosed.
        'LOKET_FINAL_STATUS_MISSING hedge-permit, state "Decide": a path ends here without recording a final status (CheckHedge → Decide); record one of the final statuses "granted", "withdrawn", "expired", "failed" on that path before it ends',
      ]);
    });

    test("a final status that was not recorded because its step failed or timed out does not finish the Catch's path", () => {
      const tellClerk = publish('clerks', { Retry: [{ ErrorEquals: ['States.ALL'] }], End: true });
      const caught = (errors: string[], fields: Record<string, unknown> = {}) =>
        lint(hedgeWorkflow({ RecordGranted: { ...recordGranted, ...fields, Catch: [{ ErrorEquals: errors, ResultPath: '$.error', Next: 'TellClerk' }] }, TellClerk: tellClerk }));
      const unfinished = 'LOKET_FINAL_STATUS_MISSING hedge-permit, state "TellClerk": a path ends here without recording a final status (CheckHedge → RecordGranted → TellClerk); record one of the final statuses "granted", "withdrawn", "expired", "failed" on that path before it ends';
      expect(caught(['States.ALL'])).toEqual([unfinished]);
      expect(caught(['States.Timeout'], { TimeoutSeconds: 60 })).toEqual([unfinished]);
      expect(lint(hedgeWorkflow({ RecordGranted: { ...recordGranted, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'CaseFailed' }] } }))).toEqual([
        'LOKET_FINAL_STATUS_MISSING hedge-permit, state "CaseFailed": a path ends here without recording a final status (CheckHedge → RecordGranted → CaseFailed); record one of the final statuses "granted", "withdrawn", "expired", "failed" on that path before it ends',
      ]);
    });

    test('a workflow that fails at once ends without a final status', () => {
      expect(lintWorkflow(JSON.stringify({ StartAt: 'Refuse', States: { Refuse: { Type: 'Fail', Error: 'Refused' } } }), hedgeType((t) => (t.tasks = {})))).toEqual(
        [
          ...[[1, 'granted'], [3, 'expired'], [4, 'failed']].map(([index, status]) => `LOKET_STATUS_UNUSED hedge-permit, type.json "statuses.${index}": declares status "${status}", which no step records; record it in a step or remove it`),
          'LOKET_FINAL_STATUS_MISSING hedge-permit, state "Refuse": a path ends here without recording a final status (Refuse); record one of the final statuses "granted", "withdrawn", "expired", "failed" on that path before it ends',
        ],
      );
    });

    test('a status issue-certificate reads from the data may be any declared status', () => {
      const issuing = {
        StartAt: 'CheckHedge',
        States: {
          CheckHedge: checkHedge({ Next: 'ChooseStatus' }),
          ChooseStatus: { Type: 'Pass', Result: 'granted', ResultPath: '$.final', Next: 'IssuePermit' },
          IssuePermit: step('IssueCertificate', { 'status.$': '$.final', 'decision.$': '$.check' }, { ResultSelector: { 'status.$': '$.Payload.status' }, ResultPath: '$.closed', Next: 'PublishCaseClosed' }),
          RecordExpired: recordExpired,
        },
      };
      expect(lint(issuing, hedgeType((t) => (t.document = parkingType.document)))).toEqual([]);
    });

    test('a status recorder whose whole Payload is read from the data is held to the contract, not taken for a crash', () => {
      const whole = { ...recordGranted, Parameters: { FunctionName: '${RecordStatusFunctionArn}', 'Payload.$': '$' } };
      expect(lint(hedgeWorkflow({ RecordGranted: whole }))).toEqual(
        expect.arrayContaining([
          'LOKET_PAYLOAD_FIELD_MISSING hedge-permit, state "RecordGranted": calls record-status without "status", so the step refuses its input and the case fails; add it to the Payload (see the step payload contract in workflows/README.md)',
        ]),
      );
    });
  });

  describe('more of what the designer reads', () => {
    const withIssued = (edit: (type: any) => void = () => {}) =>
      hedgeType((t) => {
        t.statuses.splice(2, 0, { ...t.statuses[1], code: 'issued', order: 10 });
        t.document = parkingType.document;
        edit(t);
      });
    const issuing = (payload: Record<string, unknown>) => ({
      StartAt: 'CheckHedge',
      States: {
        CheckHedge: checkHedge({ Next: 'IssuePermit' }),
        IssuePermit: step('IssueCertificate', { 'decision.$': '$.check', ...payload }, { ResultSelector: { 'status.$': '$.Payload.status' }, ResultPath: '$.closed', Next: 'RecordGranted' }),
        RecordGranted: recordGranted,
        RecordExpired: recordExpired,
      },
    });
    const issuedUnused = 'LOKET_STATUS_UNUSED hedge-permit, type.json "statuses.2": declares status "issued", which no step records; record it in a step or remove it';

    test('"issued" is recorded by an issue-certificate step that names no status of its own, and by no other step', () => {
      expect(lint(issuing({}), withIssued())).toEqual([]);
      expect(lint(issuing({ status: 'granted' }), withIssued())).toEqual([issuedUnused]);
      expect(lint(hedgeWorkflow(), withIssued())).toEqual([issuedUnused]);
    });

    test('in a JSONata workflow an outcome counts as read only where a Condition tests an outcome', () => {
      const choose = (conditions: string[]) =>
        jsonataProofOfResidence((d) => {
          d.States.ReviewOutcome.Choices = conditions.map((condition, index) => ({ ...d.States.ReviewOutcome.Choices[index % d.States.ReviewOutcome.Choices.length], Condition: condition }));
        });
      const unread = /^LOKET_OUTCOME_UNUSED proof-of-residence, state "VerifyResidence": task "verify-residence" offers the outcomes/;
      expect(lintWorkflow(choose(["{% $states.input.review.completedBy = 'clerk' %}", "{% $states.input.review.completedBy = 'mayor' %}"]), type)).toEqual(expect.arrayContaining([expect.stringMatching(unread)]));
      expect(lintWorkflow(choose(["{% $states.input.review.completedBy = 'clerk' %}", "{% $states.input.review.outcome = 'approve' %}"]), type).filter((line) => unread.test(line))).toEqual([]);
    });

    test('an ASL error in a field of a top-level state, or deeper in it, names the state and the field', () => {
      expect(lint(hedgeWorkflow({ Odd: { Type: 'Sleep', Next: 'CheckHedge' } }))).toContain(
        'LOKET_ASL_INVALID hedge-permit, state "Odd": "Type" must be equal to one of the allowed values; correct it against the Amazon States Language specification',
      );
      expect(lint(hedgeWorkflow(), hedgeType(), (d) => (d.States.RecordGranted.Retry = [{ ErrorEquals: transientErrors, MaxAttempts: -1 }]))).toEqual([
        'LOKET_ASL_INVALID hedge-permit, state "RecordGranted": "Retry.0.MaxAttempts" must be >= 0; correct it against the Amazon States Language specification',
      ]);
    });

    test('a missing state or an unknown placeholder that several states name is told once, at each of them', () => {
      const toPublish = (d: any) => {
        d.States.RecordGranted.Next = 'Publish';
        d.States.RecordExpired.Next = 'Publish';
      };
      expect(lint(hedgeWorkflow(), hedgeType(), toPublish)).toContain(
        'LOKET_ASL_INVALID hedge-permit, state "RecordGranted", "RecordExpired": goes to "Publish", which is no state of the workflow; name an existing state or add it',
      );
      const renamed = JSON.stringify(hedgeWorkflow()).replaceAll('${RecordStatusFunctionArn}', '${RecordStatusArn}');
      const definition = JSON.stringify(expandWorkflow(JSON.parse(renamed), hedgeType()));
      expect(lintWorkflow(definition, hedgeType())).toEqual([expect.stringMatching(/^LOKET_PLACEHOLDER_UNKNOWN hedge-permit, state "RecordGranted", "RecordExpired": uses unknown placeholder \$\{RecordStatusArn\}; use one of /)]);
    });

    test('a declared task that only a message of its name is awaited for is created by no step', () => {
      const both = hedgeType((t) => (t.messages['check-hedge'] = { ...photosSupplied, expiresAfterDays: 7 }));
      const awaitCheck = step('AwaitMessage', { name: 'check-hedge', 'taskToken.$': '$$.Task.Token' }, { Resource: callback, ResultPath: '$.check', Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'RecordExpired' }], Next: 'RecordGranted' });
      expect(lint(hedgeWorkflow({ CheckHedge: awaitCheck }), both)).toEqual([
        'LOKET_TASK_UNUSED hedge-permit, type.json "tasks.check-hedge": declares task "check-hedge", which no step creates; create it in a create-task step or remove it',
      ]);
    });
  });

  describe('Map and JSONata states', () => {
    const tellNeighbour = (message: string) => publish('neighbours', { Retry: [{ ErrorEquals: ['States.ALL'] }], End: true }, message);
    /** Tells each neighbour before the check: a Map over "$.neighbours", which NoteNeighbours writes. */
    const notifyingNeighbours = (map: Record<string, unknown>, message = '$.neighbour') =>
      startingAt('NoteNeighbours', {
        NoteNeighbours: { Type: 'Pass', Result: ['Haagstraat 1', 'Haagstraat 5'], ResultPath: '$.neighbours', Next: 'NotifyNeighbours' },
        NotifyNeighbours: {
          Type: 'Map',
          ItemsPath: '$.neighbours',
          ItemSelector: { 'caseId.$': '$.caseId', 'neighbour.$': '$$.Map.Item.Value' },
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'Notify', States: { Notify: tellNeighbour(message) } },
          ResultPath: null,
          Next: 'CheckHedge',
          ...map,
        },
      });

    test('a Map over written items whose processor reads what its ItemSelector gives it (a Task in it needs no Catch of its own)', () => {
      expect(lint(notifyingNeighbours({}))).toEqual([]);
    });

    test('a Map over items no state writes', () => {
      expect(lint(notifyingNeighbours({ ItemsPath: '$.neighbors' }))).toEqual([unwritten('NotifyNeighbours', '$.neighbors', 'ItemsPath', inputHolds('neighbours'))]);
    });

    test("a processor reads its ItemSelector's fields, not the Map's input", () => {
      expect(lint(notifyingNeighbours({}, '$.tenant'))).toEqual([unwritten('Notify', '$.tenant', 'Parameters', '"$" holds "caseId", "neighbour"')]);
      expect(lint(notifyingNeighbours({ ItemSelector: { 'caseId.$': '$.caseID' } }))).toEqual([
        unwritten('Notify', '$.neighbour', 'Parameters', '"$" holds "caseId"'),
        unwritten('NotifyNeighbours', '$.caseID', 'ItemSelector', inputHolds('neighbours')),
      ]);
    });

    test('a processor reads its (legacy) Parameters; without either, each item, whose fields are unknown', () => {
      const selector = { 'caseId.$': '$.caseId', 'neighbour.$': '$$.Map.Item.Value' };
      expect(lint(notifyingNeighbours({ ItemSelector: undefined, Parameters: selector }, '$.tenant'))).toEqual([unwritten('Notify', '$.tenant', 'Parameters', '"$" holds "caseId", "neighbour"')]);
      expect(lint(notifyingNeighbours({ ItemSelector: undefined }, '$.anything'))).toEqual([]);
    });

    test("a Map's results hold anything; its ResultSelector reads them", () => {
      const recorded = (map: Record<string, unknown>, read: string) => {
        const workflow = notifyingNeighbours(map);
        return { ...workflow, States: { ...workflow.States, RecordGranted: withPayload(recordGranted, { 'details.$': read }) } };
      };
      expect(lint(recorded({ ResultPath: '$.notified' }, '$.notified[0].MessageId'))).toEqual([]);
      expect(lint(recorded({ ResultSelector: { 'count.$': 'States.ArrayLength($)' }, ResultPath: '$.notified' }, '$.notified.count'))).toEqual([]);
      expect(lint(recorded({ ResultSelector: { 'count.$': 'States.ArrayLength($)' }, ResultPath: '$.notified' }, '$.notified.total'))).toEqual([unwritten('RecordGranted', '$.notified.total', 'Parameters', '"$.notified" holds "count"')]);
    });

    test("a JSONata Choice hands its input to each rule's state and to its Default", () => {
      const jsonataChoice = (read: string, onRule: boolean) =>
        hedgeWorkflow({
          CheckHedge: checkHedge({ Next: 'Granted' }),
          Granted: {
            Type: 'Choice',
            QueryLanguage: 'JSONata',
            Choices: [{ Condition: "{% $states.input.check.outcome = 'grant' %}", Next: onRule ? 'RecordGranted' : 'RecordExpired' }],
            Default: onRule ? 'RecordExpired' : 'RecordGranted',
          },
          RecordGranted: withPayload(recordGranted, { 'details.$': read }),
        });
      for (const onRule of [true, false]) {
        expect(lint(jsonataChoice('$.check.outcome', onRule))).toEqual([]);
        expect(lint(jsonataChoice('$.check.outcom', onRule))).toEqual([unwritten('RecordGranted', '$.check.outcom', 'Parameters', checkHolds)]);
      }
    });

    test("a Parallel's branches read its input (or its Parameters); a Map without ItemsPath maps its input", () => {
      const parallel = (fields: Record<string, unknown>, message: string) =>
        startingAt('Tell', {
          Tell: {
            Type: 'Parallel',
            Branches: [{ StartAt: 'Notify', States: { Notify: tellNeighbour(message) } }],
            ResultPath: null,
            Next: 'CheckHedge',
            ...fields,
          },
        });
      expect(lint(parallel({}, '$.caseId'))).toEqual([]);
      expect(lint(parallel({}, '$.caseID'))).toEqual([unwritten('Notify', '$.caseID', 'Parameters', inputHolds())]);
      expect(lint(parallel({ Parameters: { 'id.$': '$.caseId' } }, '$.caseId'))).toEqual([unwritten('Notify', '$.caseId', 'Parameters', '"$" holds "id"')]);
      expect(lint(parallel({ Parameters: { 'id.$': '$.caseID' } }, '$.id'))).toEqual([unwritten('Tell', '$.caseID', 'Parameters', inputHolds())]);
      expect(lint(notifyingNeighbours({ ItemsPath: undefined }))).toEqual([]);
    });

    test("a Map's ResultSelector reads variables by name, and its Assign reads its results", () => {
      expect(lint(notifyingNeighbours({ ResultSelector: { 'by.$': '$notifier' }, ResultPath: '$.notified' }))).toEqual([
        'LOKET_VARIABLE_UNASSIGNED hedge-permit, state "NotifyNeighbours": reads the variable "$notifier" in ResultSelector, which no earlier state assigns; assign it earlier or fix the name',
      ]);
      expect(lint(notifyingNeighbours({ Assign: { 'first.$': '$[0].MessageId', 'count.$': '$.count' } }))).toEqual([]);
    });

    test('a JSONata Wait passes its input on; a JSONata Output holds the fields it writes, a JSONata Assign sets its variables', () => {
      const jsonata = (state: Record<string, unknown>) => ({ QueryLanguage: 'JSONata', ...state });
      const before = (state: Record<string, unknown>, read: string) =>
        hedgeWorkflow({ CheckHedge: checkHedge({ Next: 'Between' }), Between: jsonata({ ...state, Next: 'RecordGranted' }), RecordGranted: withPayload(recordGranted, { 'details.$': read }) });
      expect(lint(before({ Type: 'Wait', Seconds: '{% 60 %}' }, '$.check.outcom'))).toEqual([unwritten('RecordGranted', '$.check.outcom', 'Parameters', checkHolds)]);
      expect(lint(before({ Type: 'Pass', Output: { caseId: '{% $states.input.caseId %}', check: '{% $states.input.check %}' } }, '$.closed'))).toEqual([
        unwritten('RecordGranted', '$.closed', 'Parameters', '"$" holds "caseId", "check"'),
      ]);
      expect(lint(before({ Type: 'Pass', Output: '{% $states.input %}', Assign: { noted: '{% $states.input.check.outcome %}' } }, '$noted'))).toEqual([]);
      expect(lint(before({ Type: 'Pass', Output: '{% $states.input %}', Assign: { noted: '{% $states.input.check.outcome %}' } }, '$note'))).toEqual([
        'LOKET_VARIABLE_UNASSIGNED hedge-permit, state "RecordGranted": reads the variable "$note" in Parameters, which no earlier state assigns; the variables set before it are "noted"; assign it earlier or fix the name',
      ]);
    });
  });
});
