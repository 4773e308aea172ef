import { describe, expect, test } from '@jest/globals';
import { analyseDataFlow, sameFlow, type Flow, type Shape } from '../../designer/data-flow';
import type { Machine, State } from '../../designer/workflow-graph';
import { catalogue } from '../../functions/catalogue/catalogue';

/**
 * The data flow on small machines, each built for one rule of the analysis: what a state's input
 * holds on each way into it, and what the analysis reports when a read is not written.
 * The terrace permit's version 1 gives the type: task "inspect-site" answers "compliant" or "non-compliant".
 */
const type = catalogue.versionOf({ key: 'terrace-permit', version: 1 })!;
const lambda = 'arn:aws:states:::lambda:invoke';
const inspectSite = (fields: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: `${lambda}.waitForTaskToken`,
  Parameters: { FunctionName: '${CreateTaskFunctionArn}', Payload: { 'caseId.$': '$.caseId', name: 'inspect-site', 'taskToken.$': '$$.Task.Token' } },
  ResultPath: '$.inspection',
  ...fields,
});
const lookUpEnterprise = (fields: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: lambda,
  Parameters: { FunctionName: '${LookUpEnterpriseFunctionArn}', Payload: { 'caseId.$': '$.caseId' } },
  ...fields,
});
const reads = (path: string, fields: Record<string, unknown> = { End: true }) => ({ Type: 'Pass', Parameters: { 'read.$': path }, ResultPath: '$.read', ...fields });
/** A Choice that takes `then` for one case id and `otherwise` for the rest: two ways on, which the analysis cannot tell apart. */
const either = (then: string, otherwise: string) => ({ Type: 'Choice', Choices: [{ Variable: '$.caseId', StringEquals: 'case-1', Next: then }], Default: otherwise });
const machine = (StartAt: string, States: Record<string, State>): Machine => ({ StartAt, States });
const paths = (flow: ReturnType<typeof analyseDataFlow>) => flow.unwritten.map((found) => `${found.state} ${found.path}`);

describe('sameFlow: the fixpoint check over the data and the variables', () => {
  const leaf: Shape = { open: false, fields: new Map() };
  const shape = (...names: string[]): Shape => ({ open: false, fields: new Map(names.map((name) => [name, leaf])) });
  const flow = (variables: Record<string, Shape>, data = shape('caseId')): Flow => ({ data, variables: new Map(Object.entries(variables)) });

  test('the same data and the same variables with the same shapes, built apart, are the same', () => {
    expect(sameFlow(flow({ applicant: shape('name'), fee: leaf }), flow({ fee: leaf, applicant: shape('name') }))).toBe(true);
    expect(sameFlow(flow({}), flow({}))).toBe(true);
  });

  test.each<[string, Flow, Flow]>([
    ['other data', flow({}), flow({}, shape('tenant'))],
    ['a variable more', flow({ fee: leaf }), flow({ fee: leaf, applicant: leaf })],
    ['another variable of the same count', flow({ fee: leaf }), flow({ applicant: leaf })],
    ['a variable of another shape', flow({ applicant: shape('name') }), flow({ applicant: shape('address') })],
  ])('differ: %s, either way round', (_, a, b) => {
    expect(sameFlow(a, b)).toBe(false);
    expect(sameFlow(b, a)).toBe(false);
  });
});

describe('what a read that is not written reports', () => {
  test('a variable no Assign sets: the variables there are, and no way in or written part, which tell of the data only', () => {
    const flow = analyseDataFlow(machine('Note', { Note: { Type: 'Pass', Assign: { known: 'x' }, Next: 'Use' }, Use: reads('$unknown') }), type);
    expect(flow.unwritten).toEqual([{ state: 'Use', field: 'Parameters', path: '$unknown', written: '', holds: ['known'], missingAfter: [], variable: 'unknown' }]);
  });

  test("a variable's missing field names no way in, even where a way's data holds a field of that name", () => {
    const flow = analyseDataFlow(
      machine('Split', {
        Split: either('WithFlag', 'Without'),
        WithFlag: { Type: 'Pass', Result: 'yes', ResultPath: '$.flag', Assign: { applicant: { name: 'x' } }, Next: 'Use' },
        Without: { Type: 'Pass', Assign: { applicant: { name: 'x' } }, Next: 'Use' },
        Use: reads('$applicant.flag'),
      }),
      type,
    );
    expect(flow.unwritten).toEqual([{ state: 'Use', field: 'Parameters', path: '$applicant.flag', written: '$applicant', holds: ['name'], missingAfter: [] }]);
  });

  test("a ResultSelector's missing field names no way in, even where a way's data holds that path: it reads the step's answer", () => {
    const flow = analyseDataFlow(
      machine('Split', {
        Split: either('WithPayload', 'LookUp'),
        WithPayload: { Type: 'Pass', Result: { isActive: true }, ResultPath: '$.Payload', Next: 'LookUp' },
        LookUp: lookUpEnterprise({ ResultSelector: { 'active.$': '$.Payload.isActive' }, ResultPath: '$.enterprise', End: true }),
      }),
      type,
    );
    expect(flow.unwritten).toEqual([
      { state: 'LookUp', field: 'ResultSelector', path: '$.Payload.isActive', written: '$.Payload', holds: ['found', 'active', 'seatInTenant'], missingAfter: [], ofResult: 'look-up-enterprise' },
    ]);
  });

  test('a path the workflow input lacks but a way back into the first state writes: the input is named as the way that misses it', () => {
    const flow = analyseDataFlow(
      machine('Start', {
        Start: reads('$.note', { Next: 'Write' }),
        Write: { Type: 'Pass', Result: 'seen', ResultPath: '$.note', Next: 'Again' },
        Again: either('Start', 'Done'),
        Done: { Type: 'Succeed' },
      }),
      type,
    );
    expect(flow.unwritten).toEqual([{ state: 'Start', field: 'Parameters', path: '$.note', written: '$', holds: ['caseId', 'tenant', 'type', 'version'], missingAfter: ['(the workflow input)'] }]);
  });
});

describe("what a task's answer holds", () => {
  test("a task's outcome is a text: nothing is written below it", () => {
    const flow = analyseDataFlow(machine('Inspect', { Inspect: inspectSite({ Next: 'Use' }), Use: reads('$.inspection.outcome.code') }), type);
    expect(flow.unwritten).toEqual([{ state: 'Use', field: 'Parameters', path: '$.inspection.outcome.code', written: '$.inspection.outcome', holds: [], missingAfter: [] }]);
  });

  test("a task's answer has no name: only an awaited message's has", () => {
    const flow = analyseDataFlow(machine('Inspect', { Inspect: inspectSite({ Next: 'Use' }), Use: reads('$.inspection.name') }), type);
    expect(paths(flow)).toEqual(['Use $.inspection.name']);
  });

  test("a read with a wildcard over the task's answer reads its outcome too", () => {
    const unread = analyseDataFlow(machine('Inspect', { Inspect: inspectSite({ Next: 'Use' }), Use: reads('$.caseId') }), type);
    expect(unread.outcomesRead).toEqual(new Set());
    const read = analyseDataFlow(machine('Inspect', { Inspect: inspectSite({ Next: 'Use' }), Use: reads('$.inspection.*') }), type);
    expect(read.outcomesRead).toEqual(new Set(['inspect-site']));
  });
});

describe('what a state passes on', () => {
  test('a ResultPath with an index writes where the lint does not follow: everything after it counts as written', () => {
    const flow = analyseDataFlow(machine('Note', { Note: { Type: 'Pass', Result: 'x', ResultPath: '$.notes[0]', Next: 'Use' }, Use: reads('$.anything') }), type);
    expect(flow.unwritten).toEqual([]);
  });

  test("a JSONata Task without an Output passes on the service's answer, which the lint does not know", () => {
    const publish = { Type: 'Task', QueryLanguage: 'JSONata', Resource: 'arn:aws:states:::sns:publish', Arguments: { TopicArn: 'arn:aws:sns:eu-west-1:000000000000:topic', Message: 'done' }, Next: 'Use' };
    expect(analyseDataFlow(machine('Publish', { Publish: publish, Use: reads('$.MessageId') }), type).unwritten).toEqual([]);
  });

  test("a JSONata Choice rule without an Assign of its own passes on the state's Assign", () => {
    const choice = {
      Type: 'Choice',
      QueryLanguage: 'JSONata',
      Assign: { picked: '{% $states.input.caseId %}' },
      Choices: [{ Condition: "{% $states.input.caseId = 'case-1' %}", Next: 'Use' }],
      Default: 'Use',
    };
    expect(analyseDataFlow(machine('Pick', { Pick: choice, Use: reads('$picked') }), type).unwritten).toEqual([]);
  });

  test('a ResultPath that names a variable writes no field of the data the lint follows: everything after it counts as written', () => {
    const flow = analyseDataFlow(machine('Note', { Note: { Type: 'Pass', ResultPath: '$note', Next: 'Use' }, Use: reads('$.anything') }), type);
    expect(flow.unwritten).toEqual([]);
  });

  test("a Choice rule's comparand path that is no text (which the ASL check refuses) is not read", () => {
    const choice = { Type: 'Choice', Choices: [{ Variable: '$.caseId', StringEqualsPath: 5, Next: 'Done' }], Default: 'Done' };
    expect(analyseDataFlow(machine('Compare', { Compare: choice, Done: { Type: 'Succeed' } }), type).unwritten).toEqual([]);
  });

  test('a Choice rule compares with a literal text that looks like a path: it reads nothing there', () => {
    const choice = { Type: 'Choice', Choices: [{ Variable: '$.caseId', StringEquals: '$.not.a.path', Next: 'Done' }], Default: 'Done' };
    expect(analyseDataFlow(machine('Compare', { Compare: choice, Done: { Type: 'Succeed' } }), type).unwritten).toEqual([]);
  });

  test('a Default to a state the workflow does not have does not fail the case: an outcome no rule tests is not reported there', () => {
    const choice = { Type: 'Choice', Choices: [{ Variable: '$.inspection.outcome', StringEquals: 'compliant', Next: 'Done' }], Default: 'Nowhere' };
    const flow = analyseDataFlow(machine('Inspect', { Inspect: inspectSite({ Next: 'Outcome' }), Outcome: choice, Done: { Type: 'Succeed' } }), type);
    expect(flow.choices).toEqual([]);
    expect(flow.outcomesRead).toEqual(new Set(['inspect-site']));
  });

  test('a loop that nests its input in itself never settles: the analysis ends all the same', () => {
    const flow = analyseDataFlow(
      machine('Publish', {
        Publish: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Parameters: { TopicArn: 'arn:aws:sns:eu-west-1:000000000000:topic', Message: 'x' }, ResultPath: '$', Next: 'Nest' },
        Nest: { Type: 'Pass', Parameters: { 'inner.$': '$' }, Next: 'Again' },
        Again: { Type: 'Choice', Choices: [{ Variable: '$.inner', IsPresent: true, Next: 'Nest' }], Default: 'Done' },
        Done: reads('$.inner'),
      }),
      type,
    );
    expect(flow.unwritten).toEqual([]);
  });
});

describe('a path lost once is told where it is first read', () => {
  /**
   * Two ways into Join: one from Write, which writes `$.note` after First read it unwritten, one from
   * Skip, which never writes it. Last reads `$.note` after Join.
   */
  const lost = machine('Split', {
    Split: either('First', 'Skip'),
    First: reads('$.note', { Next: 'Write' }),
    Write: { Type: 'Pass', Result: 'seen', ResultPath: '$.note', Next: 'Join' },
    Skip: { Type: 'Pass', Next: 'Join' },
    Join: { Type: 'Pass', Next: 'Last' },
    Last: reads('$.note'),
  });

  test('a read after a way that wrote the path is told again: the walk back stops at the writer, not at the earlier reader before it', () => {
    const flow = analyseDataFlow(lost, type);
    expect(paths(flow)).toEqual(['First $.note', 'Last $.note']);
    expect(flow.unwritten.find((found) => found.state === 'Last')?.missingAfter).toEqual([]);
  });

  test('a read after a state whose input held the path is told again, naming that state as the one that dropped it', () => {
    const dropped = machine('First', {
      First: reads('$.note', { Next: 'Write' }),
      Write: { Type: 'Pass', Result: 'seen', ResultPath: '$.note', Next: 'Drop' },
      Drop: { Type: 'Pass', OutputPath: '$.caseId', Next: 'Last' },
      Last: reads('$.note'),
    });
    const flow = analyseDataFlow(dropped, type);
    expect(paths(flow)).toEqual(['First $.note', 'Last $.note']);
    expect(flow.unwritten.find((found) => found.state === 'Last')?.droppedBy).toEqual(['Drop']);
  });
});
