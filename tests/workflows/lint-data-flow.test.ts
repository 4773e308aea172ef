import { describe, expect, test } from '@jest/globals';
import { callback, checkHedge, hedgeType, hedgeWorkflow, lint, recordExpired, recordGranted, step } from '../support/hedge-permit';

/**
 * The data flow on the small hedge-permit workflow: which reads the lint follows (paths in every
 * field that reads one, in brackets, in intrinsic functions, of variables) and which it leaves
 * alone (context paths, quoted text, open results), and what each read it reports says.
 */

const withPayload = (state: Record<string, any>, payload: Record<string, unknown>) => ({ ...state, Parameters: { ...state.Parameters, Payload: { ...state.Parameters.Payload, ...payload } } });
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

  test("a step's result holds what its contract answers, with Lambda's metadata; another service's result holds anything", () => {
    const selecting = (selector: Record<string, string>) => hedgeWorkflow({ RecordGranted: { ...recordGranted, ResultSelector: selector } });
    expect(lint(selecting({ 'status.$': '$.Payload.status', 'code.$': '$.StatusCode' }))).toEqual([]);
    expect(lint(selecting({ 'status.$': '$.Payload.statuss' }))).toEqual([
      'LOKET_RESULT_FIELD_UNKNOWN hedge-permit, state "RecordGranted": its ResultSelector reads "$.Payload.statuss", which record-status does not answer ("$.Payload" holds "status"); fix the path',
    ]);
    const notify = { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: 'arn:aws:sns:eu-west-1:000000000000:hedges', 'Message.$': '$.caseId' }, ResultPath: '$.notified', Retry: [{ ErrorEquals: ['States.ALL'] }], Next: 'CheckHedge' };
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

  test("a Task's Assign reads the task's result", () => {
    expect(lint(branching({}, '$checkedBy', { Assign: { 'checkedBy.$': '$.completedBy' } }))).toEqual([]);
    expect(lint(branching({}, '$checkedBy', { Assign: { 'checkedBy.$': '$.check.completedBy' } }))).toEqual([
      'LOKET_PATH_UNWRITTEN hedge-permit, state "CheckHedge": reads "$.check.completedBy" in Assign, but no earlier state writes it ("$" holds "outcome", "completedBy", "taskId"); fix the path, or write it earlier with a ResultPath on every way into this state',
    ]);
  });
});

describe('Choices on known values', () => {
  const photos = { description: { nl: "Foto's van de haag.", en: 'Photos of the hedge.' }, dataSchema: { type: 'object', additionalProperties: false }, expiresAfterDays: 30 };
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
    const withPhotos = hedgeType((t) => (t.messages['photos-supplied'] = photos));
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
