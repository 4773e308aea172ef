/** One function's invocation on the local host, as the bench's middleware saw it (milliseconds, performance.now()). */
export interface TimedInvocation {
  readonly function: string;
  readonly trigger: 'api' | 'workflow' | 'stream' | 'schedule';
  /** The case a workflow step worked on (its input's caseId); none for the other triggers. */
  readonly caseId?: string;
  readonly start: number;
  readonly end: number;
}

/** One straight-through case, from its submission to its closing event (milliseconds, performance.now()). */
export interface CaseWindow {
  readonly caseId: string;
  readonly submitted: number;
  /** When the client had the answer to its POST. */
  readonly answered: number;
  /** When its CaseClosed.v1 was seen on the event bus. */
  readonly closed: number;
}

/** Where one case's time went, in the order it went there (milliseconds). */
export interface CaseStages {
  /** POST /v1/cases, as its client waited for it: the API, the authorizer and submit-case. */
  readonly submission: number;
  /** From the answer to the first step's start: the table's stream, the dispatcher and the start of the execution. */
  readonly toFirstStep: number;
  /** The case's own step functions, each invocation from its start to its end. */
  readonly steps: number;
  /** Between its first step's start and its last step's end, when none of its steps ran: the engine's transitions. */
  readonly betweenSteps: number;
  /** From the last step's end to the closing event: the stream again, the dispatcher and the event bus. */
  readonly toClosingEvent: number;
  /**
   * Of `toFirstStep` and `toClosingEvent`, the time until the dispatcher's next run began: what the
   * table's stream took to hand the committed change over (the poller's wait and its read). None when
   * no run of the dispatcher began in that stretch.
   */
  readonly streamWait: { readonly beforeSteps?: number; readonly afterSteps?: number };
  readonly total: number;
  /** Each step function's time in this case, by name. */
  readonly byStep: Readonly<Record<string, number>>;
}

/**
 * Splits a straight-through case's time into what it waited on, from the invocations the local
 * host ran for it: what its submission took, what the stream and the dispatcher took before the
 * workflow's first step and after its last, what its steps took and what the engine took between
 * them; and of the stretches before and after its steps, how long the table's stream took to hand
 * the committed change to `dispatcher` (the stream function that delivers the outbox). A case whose
 * workflow ran no step of its own (none carried its id) has all of it between the answer and the
 * closing event.
 */
export function stagesOf(window: CaseWindow, invocations: readonly TimedInvocation[], dispatcher = 'dispatch-outbox'): CaseStages {
  const steps = invocations
    .filter((invocation) => invocation.trigger === 'workflow' && invocation.caseId === window.caseId && invocation.start >= window.submitted && invocation.end <= window.closed)
    .sort((a, b) => a.start - b.start);
  const submission = window.answered - window.submitted;
  const total = window.closed - window.submitted;
  const byStep: Record<string, number> = {};
  for (const step of steps) byStep[step.function] = (byStep[step.function] ?? 0) + (step.end - step.start);
  /** From `from` to the start of the dispatcher's first run that began in [from, to), if one did. */
  const waitFrom = (from: number, to: number) => {
    const next = Math.min(...invocations.filter((invocation) => invocation.function === dispatcher && invocation.start >= from && invocation.start < to).map((invocation) => invocation.start));
    return Number.isFinite(next) ? next - from : undefined;
  };
  if (steps.length === 0) return { submission, toFirstStep: 0, steps: 0, betweenSteps: 0, toClosingEvent: window.closed - window.answered, total, byStep, streamWait: {} };
  const first = steps[0]!.start;
  const last = Math.max(...steps.map((step) => step.end));
  // The time some step of the case ran, overlaps counted once (a Parallel or Map state runs steps at once).
  let busy = 0;
  let reached = first;
  for (const step of steps) {
    busy += Math.max(0, step.end - Math.max(step.start, reached));
    reached = Math.max(reached, step.end);
  }
  const streamWait = { beforeSteps: waitFrom(window.answered, first), afterSteps: waitFrom(last, window.closed) };
  return { submission, toFirstStep: first - window.answered, steps: busy, betweenSteps: last - first - busy, toClosingEvent: window.closed - last, total, byStep, streamWait };
}
