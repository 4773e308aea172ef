import type { TestStateOutput } from '@aws-sdk/client-sfn';
import { ExecutionError } from 'aws-local-stepfunctions';
import { parseJsonText, type JsonValue } from './api-conventions';
import { isJsonObject, type JsonObject } from './asl-definition';
import { toJsonText } from './execution-history';
import { SfnError } from './sfn-error';
import type { CompiledDefinition } from './state-machines';
import type { TestStateRequest } from './stepfunctions.schemas';

/** The name the tested state runs under; AWS's TestState takes a state without its name. */
const TESTED = 'TestState';
const NEXT = 'Next→';
const CAUGHT = 'Caught→';

type LocalTaskHandlers = Record<string, (input: JsonValue) => Promise<JsonValue>>;

function parseState(text: string): JsonObject {
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    throw new SfnError('InvalidDefinition', 'Invalid State Definition: the definition is not valid JSON');
  }
  if (!isJsonObject(state) || typeof state.Type !== 'string') {
    throw new SfnError('InvalidDefinition', "Invalid State Definition: a state with a 'Type' is required");
  }
  return state;
}

/**
 * The one-state machine a TestState runs: each transition of the state (Next, a Choice's rules
 * and Default, each catcher's Next) leads to a Succeed stub whose name tells where it would have
 * gone and how, and with the variables asked for assigned first. Retry is left out: TestState
 * reports RETRIABLE instead of retrying.
 */
function harness(state: JsonObject, variables: JsonObject | undefined): JsonObject {
  const tested = JSON.parse(JSON.stringify(state)) as JsonObject;
  delete tested.Retry;
  const stubs: JsonObject = {};
  const stub = (prefix: string, target: unknown) => {
    const name = `${prefix}${String(target)}`;
    stubs[name] = { Type: 'Succeed' };
    return name;
  };
  if (tested.Next !== undefined) tested.Next = stub(NEXT, tested.Next);
  if (Array.isArray(tested.Choices)) {
    for (const rule of tested.Choices) if (isJsonObject(rule)) rule.Next = stub(NEXT, rule.Next);
  }
  if (tested.Default !== undefined) tested.Default = stub(NEXT, tested.Default);
  if (Array.isArray(tested.Catch)) {
    for (const catcher of tested.Catch) if (isJsonObject(catcher)) catcher.Next = stub(CAUGHT, catcher.Next);
  }
  const states: JsonObject = { [TESTED]: tested, ...stubs };
  if (variables === undefined) return { StartAt: TESTED, States: states };
  return { StartAt: 'Variables', States: { Variables: { Type: 'Pass', Assign: variables, Next: TESTED }, ...states } };
}

/** Whether a retrier of the state would take this error (TestState reports it rather than retrying). */
function retriable(state: JsonObject, error: string): boolean {
  const retriers = Array.isArray(state.Retry) ? state.Retry.filter(isJsonObject) : [];
  return retriers.some(
    (retrier) =>
      retrier.MaxAttempts !== 0 &&
      Array.isArray(retrier.ErrorEquals) &&
      retrier.ErrorEquals.some(
        (name) => name === error || name === 'States.ALL' || (name === 'States.TaskFailed' && state.Type === 'Task' && error !== 'States.Timeout'),
      ),
  );
}

/**
 * TestState: runs one state on an input, with its Task calling the same integrations executions
 * use, and answers its output and next state, or its error with status FAILED, CAUGHT_ERROR
 * (a catcher took it: output and next state are the catcher's) or RETRIABLE. inspectionData is
 * not given locally.
 */
export async function testState(request: TestStateRequest, compile: (definition: string) => CompiledDefinition): Promise<TestStateOutput> {
  const state = parseState(request.definition);
  const variables = request.variables === undefined ? undefined : parseJsonText(request.variables, 'ValidationException', 'variables');
  if (variables !== undefined && !isJsonObject(variables)) throw new SfnError('ValidationException', 'variables must be a JSON object');
  const input = parseJsonText(request.input ?? '{}', 'InvalidExecutionInput', 'Input');
  const { interpreter, tasks } = compile(JSON.stringify(harness(state, variables)));
  const handlers: LocalTaskHandlers = {};
  for (const [name, plan] of tasks) {
    if (plan.integration.waitsForTaskToken) throw new SfnError('ValidationException', 'TestState does not run .waitForTaskToken tasks');
    handlers[name] = async (taskInput) => (await plan.integration.run(taskInput)) as JsonValue;
  }
  const run = interpreter.run(input, { overrides: { taskResourceLocalHandlers: handlers } });
  let reached: string | undefined;
  let failure: { error?: string; cause?: string } = {};
  const watched = (async () => {
    for await (const event of run.eventLogs) {
      if (event.type === 'StateEntered' && event.state.name !== TESTED && event.state.name !== 'Variables') reached = event.state.name;
      if (event.type === 'StateFailed' && event.state.name === TESTED) failure = { error: event.Error, cause: String(event.Cause) };
    }
  })();
  try {
    const output = await run.result;
    await watched;
    const caught = reached?.startsWith(CAUGHT) ?? false;
    const nextState = reached?.slice((caught ? CAUGHT : NEXT).length);
    return caught
      ? { status: 'CAUGHT_ERROR', output: toJsonText(output), nextState, ...failure }
      : { status: 'SUCCEEDED', output: toJsonText(output), nextState };
  } catch (thrown) {
    await watched.catch(() => undefined);
    const cause = thrown instanceof ExecutionError ? thrown.cause : thrown;
    const error = cause instanceof Error ? cause.name : 'States.Runtime';
    const message = cause instanceof Error ? cause.message : String(cause);
    return { status: retriable(state, error) ? 'RETRIABLE' : 'FAILED', error, cause: message };
  }
}
