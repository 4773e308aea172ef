import { stagesOf, type TimedInvocation } from '../../../bench/timeline';

const window = { caseId: 'A', submitted: 100, answered: 130, closed: 260 };
const step = (name: string, start: number, end: number, caseId = 'A'): TimedInvocation => ({ function: name, trigger: 'workflow', caseId, start, end });

describe("a straight-through case's time, split by what it waited on", () => {
  test('submission, the way to the first step, the steps, the engine between them and the way to the closing event add up to the whole', () => {
    const stages = stagesOf(window, [step('look-up-person', 145, 160), step('issue-certificate', 165, 230)]);
    expect(stages).toEqual({ submission: 30, toFirstStep: 15, steps: 80, betweenSteps: 5, toClosingEvent: 30, total: 160, byStep: { 'look-up-person': 15, 'issue-certificate': 65 }, streamWait: {} });
    expect(stages.submission + stages.toFirstStep + stages.steps + stages.betweenSteps + stages.toClosingEvent).toBe(stages.total);
  });

  test("other cases' steps, the stream's and the API's invocations, and whatever ran outside the window are not the case's steps", () => {
    const stages = stagesOf(window, [
      step('look-up-person', 145, 160),
      step('issue-certificate', 150, 200, 'B'),
      { function: 'dispatch-outbox', trigger: 'stream', start: 135, end: 200 },
      { function: 'submit-case', trigger: 'api', start: 101, end: 129 },
      step('look-up-person', 60, 90),
      step('issue-certificate', 250, 270),
    ]);
    expect(stages.byStep).toEqual({ 'look-up-person': 15 });
    expect(stages).toMatchObject({ toFirstStep: 15, steps: 15, betweenSteps: 0, toClosingEvent: 100 });
  });

  test('steps that run at once (a Parallel state) count their overlap once, and the engine has the gaps', () => {
    const stages = stagesOf(window, [step('b', 150, 170), step('a', 140, 160), step('c', 190, 200), step('d', 192, 198)]);
    expect(stages).toMatchObject({ toFirstStep: 10, steps: 40, betweenSteps: 20, toClosingEvent: 60 });
    expect(stages.byStep).toEqual({ a: 20, b: 20, c: 10, d: 6 });
  });

  test('a case none of whose steps carried its id has all its time between the answer and the closing event', () => {
    expect(stagesOf(window, [step('x', 150, 160, 'B')])).toEqual({ submission: 30, toFirstStep: 0, steps: 0, betweenSteps: 0, toClosingEvent: 130, total: 160, byStep: {}, streamWait: {} });
  });

  test("the stream's wait before the steps and after them: from the answer, and from the last step's end, to the dispatcher's next run", () => {
    const dispatch = (start: number, end: number): TimedInvocation => ({ function: 'dispatch-outbox', trigger: 'stream', start, end });
    const stages = stagesOf(window, [
      { function: 'deliver-webhooks', trigger: 'stream', start: 132, end: 134 },
      dispatch(138, 240),
      dispatch(141, 150),
      step('look-up-person', 145, 160),
      step('issue-certificate', 165, 230),
      dispatch(252, 262),
    ]);
    // Another stream function's run is not the dispatcher's; a dispatcher run under way when the steps end is not the one that takes their change.
    expect(stages.streamWait).toEqual({ beforeSteps: 8, afterSteps: 22 });
    expect(stages.toFirstStep).toBe(15);
    expect(stages.toClosingEvent).toBe(30);
    // Another dispatcher is named.
    expect(stagesOf(window, [{ function: 'relay', trigger: 'stream', start: 140, end: 141 }, step('look-up-person', 145, 160)], 'relay').streamWait).toEqual({ beforeSteps: 10 });
  });
});
