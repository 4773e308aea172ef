import { describe, expect, test } from '@jest/globals';
import { formatProblem, lintWorkflow, transientErrors, typeProblems } from '../../designer/lint';
import { expandWorkflow } from '../../workflows/definitions';
import { callback, checkHedge, day, hedgeType, hedgeWorkflow, lambda, lint, recordGranted, step } from '../support/hedge-permit';

describe('a small workflow that keeps the rules', () => {
  test('passes', () => {
    expect(lint(hedgeWorkflow())).toEqual([]);
  });
});

describe('Retry and Catch', () => {
  const notify = (fields: Record<string, unknown> = {}) => ({
    Type: 'Task',
    Resource: 'arn:aws:states:::sns:publish',
    Parameters: { TopicArn: 'arn:aws:sns:eu-west-1:000000000000:hedges', 'Message.$': '$.caseId' },
    ResultPath: null,
    Next: 'CheckHedge',
    ...fields,
  });
  const withNotify = (fields: Record<string, unknown> = {}) => ({ ...hedgeWorkflow({ Notify: notify(fields) }), StartAt: 'Notify' });

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
    expect(lint(hedgeWorkflow(), hedgeType(), (d) => {
      delete d.States.PublishCaseClosed.Catch;
      delete d.States.CaseClosedEventNotPublished;
    })).toEqual([catchMissing('PublishCaseClosed')]);
  });

  test('a Task on the failure path that goes on into a Fail state needs no Catch: its failure fails the execution as well', () => {
    expect(lint(hedgeWorkflow({ NotifyFailure: notify({ Retry: [{ ErrorEquals: ['States.ALL'] }], Next: 'CaseFailed' }) }), hedgeType(), (d) => (d.States.RecordFailed.Next = 'NotifyFailure'))).toEqual([]);
  });
});

describe('task-token states: their timeout, and the task or message they wait for', () => {
  const photos = { description: { nl: "Foto's van de haag.", en: 'Photos of the hedge.' }, dataSchema: { type: 'object', additionalProperties: false }, expiresAfterDays: 30 };
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

  test('a message awaited in a type that declares no messages: told to declare it', () => {
    expect(lint(withPhotos({ TimeoutSeconds: 30 * day }))).toEqual([
      'LOKET_MESSAGE_UNDECLARED hedge-permit, state "AwaitPhotos": waits for message "photos-supplied", which type.json does not declare in "messages"; declare it in "messages"',
    ]);
  });

  test('a message awaited with the window type.json declares', () => {
    expect(lint(withPhotos(), hedgeType((t) => (t.messages['photos-supplied'] = photos)))).toEqual([]);
  });

  test('a message and a task of the same name: the await-message state is held to the message, the create-task state to the task', () => {
    const both = hedgeType((t) => (t.messages['check-hedge'] = { ...photos, expiresAfterDays: 7 }));
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
    const named = hedgeType((t) => (t.messages['photos-supplied'] = photos));
    const createPhotos = checkHedge({ TimeoutSeconds: 3600, Parameters: { ...checkHedge().Parameters, Payload: { ...checkHedge().Parameters.Payload, name: 'photos-supplied' } } });
    expect(lint(hedgeWorkflow({ CheckHedge: createPhotos }), named)).toEqual([
      'LOKET_TASK_UNDECLARED hedge-permit, state "CheckHedge": creates task "photos-supplied", which type.json does not declare in "tasks"; declare it or use one of "check-hedge"',
      'LOKET_TASK_UNUSED hedge-permit, type.json "tasks.check-hedge": declares task "check-hedge", which no step creates; create it in a create-task step or remove it',
      'LOKET_MESSAGE_UNUSED hedge-permit, type.json "messages.photos-supplied": declares message "photos-supplied", which no step waits for; wait for it in an await-message step or remove it',
    ]);
  });
});

describe('what the designer reads for each kind of problem', () => {
  const withPayload = (state: Record<string, any>, payload: Record<string, unknown>) => ({ ...state, Parameters: { ...state.Parameters, Payload: { ...state.Parameters.Payload, ...payload } } });

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

  test('an object in the Payload without the fields the step needs in it', () => {
    expect(lint(hedgeWorkflow({ RecordGranted: withPayload(recordGranted, { decision: {} }) }))).toEqual([
      'LOKET_PAYLOAD_FIELD_MISSING hedge-permit, state "RecordGranted": calls record-status without "decision.outcome" ("decision" holds no fields), so the step refuses its input and the case fails; add it to the Payload (see the step payload contract in workflows/README.md)',
      'LOKET_PAYLOAD_FIELD_MISSING hedge-permit, state "RecordGranted": calls record-status without "decision.decidedBy" ("decision" holds no fields), so the step refuses its input and the case fails; add it to the Payload (see the step payload contract in workflows/README.md)',
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
