import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { StateMachine } from 'aws-local-stepfunctions';

/** One event of the interpreter's log (the package does not export the type itself). */
export type InterpreterEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** A history event before the execution numbers and stamps it. */
export type HistoryEventDraft = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp' | 'type'> & {
  type: HistoryEventType;
};

/** An execution's history: numbered and stamped on arrival, and closed once the execution ends. */
export interface ExecutionHistory {
  readonly history: HistoryEvent[];
  historyClosed: boolean;
}

export function recordEvent(execution: ExecutionHistory, draft: HistoryEventDraft): void {
  if (execution.historyClosed) return;
  const id = execution.history.length + 1;
  execution.history.push({ ...draft, id, previousEventId: id - 1, timestamp: new Date() });
}

export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

const untruncated = { truncated: false };

function stateEntered(name: string, type: string, input: unknown): HistoryEventDraft {
  return {
    type: `${type}StateEntered` as HistoryEventType,
    stateEnteredEventDetails: { name, input: toJsonText(input), inputDetails: untruncated },
  };
}

function stateExited(name: string, type: string, output: unknown): HistoryEventDraft {
  return {
    type: `${type}StateExited` as HistoryEventType,
    stateExitedEventDetails: { name, output: toJsonText(output), outputDetails: untruncated },
  };
}

/**
 * Maps one interpreter event onto the history events Step Functions records for it. Task
 * scheduling and outcomes come from the task runner, and execution start and end from the
 * execution itself, so those interpreter events map to nothing.
 */
export function historyEventsFor(event: InterpreterEvent): HistoryEventDraft[] {
  switch (event.type) {
    case 'StateEntered': {
      const { name, type, input } = event.state;
      const entered = stateEntered(name, type, input);
      if (type === 'Parallel') return [entered, { type: 'ParallelStateStarted' }];
      if (type === 'Map') return [entered, { type: 'MapStateStarted', mapStateStartedEventDetails: {} }];
      return [entered];
    }
    case 'StateExited': {
      const { name, type, output } = event.state;
      const exited = stateExited(name, type, output);
      if (type === 'Parallel') return [{ type: 'ParallelStateSucceeded' }, exited];
      if (type === 'Map') return [{ type: 'MapStateSucceeded' }, exited];
      return [exited];
    }
    case 'StateFailed':
      if (event.state.type === 'Parallel') return [{ type: 'ParallelStateFailed' }];
      if (event.state.type === 'Map') return [{ type: 'MapStateFailed' }];
      return [];
    case 'MapIterationStarted':
      return [{ type: 'MapIterationStarted', mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index } }];
    case 'MapIterationSucceeded':
      return [{ type: 'MapIterationSucceeded', mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index } }];
    case 'MapIterationFailed':
      return [{ type: 'MapIterationFailed', mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index } }];
    default:
      return [];
  }
}
