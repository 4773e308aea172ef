import { maskIdentifiers } from './identifiers';

/** What a case that ends `failed` keeps of the step that failed it: the state, its error and its cause. */
export interface StepFailure {
  /** The workflow state that failed, e.g. `IssueCertificate`. */
  readonly state: string;
  /** The error's name, e.g. `DomainError`. */
  readonly error: string;
  /** What went wrong, in the words of the error's message: without a stack trace, identifiers masked, bounded. */
  readonly cause?: string;
}

/** The error a workflow records for a failing state, as a Catch hands it on: `{ Error, Cause }`. */
export interface CaughtError {
  readonly Error: string;
  readonly Cause?: unknown;
}

const maxNameLength = 100;
export const maxCauseLength = 300;

const boundedName = (name: string) => (name.replace(/[^\w.:-]/g, '_').slice(0, maxNameLength) || 'unknown');

/**
 * The message of a cause as Step Functions passes it: a Lambda's error comes as the JSON of
 * `{ errorType, errorMessage, trace }`, of which only the message is kept (the trace names the
 * function's files); any other text stays as it is.
 */
function messageOf(cause: unknown): string | undefined {
  if (typeof cause === 'object' && cause !== null && typeof (cause as { errorMessage?: unknown }).errorMessage === 'string') {
    return (cause as { errorMessage: string }).errorMessage;
  }
  if (typeof cause !== 'string' || cause.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null) return messageOf(parsed) ?? undefined;
  } catch {
    // Not JSON: a cause the workflow wrote itself.
  }
  return cause;
}

/**
 * A cause fit for the audit trail and the case view: its message only, on one line, every
 * national and enterprise number in it masked, at most {@link maxCauseLength} characters.
 */
export function scrubbedCause(cause: unknown): string | undefined {
  const message = messageOf(cause);
  if (message === undefined) return undefined;
  const oneLine = maskIdentifiers(message.replace(/\s+/g, ' ').trim());
  return oneLine.length > maxCauseLength ? `${oneLine.slice(0, maxCauseLength - 1)}…` : oneLine;
}

/**
 * The failure a workflow hands its failure recorder, keyed by the state that failed
 * (`$.failure.<state>`); with several (a failure while recording one), the last one written.
 */
export function stepFailureOf(failures: Readonly<Record<string, CaughtError>>): StepFailure | undefined {
  const entry = Object.entries(failures).at(-1);
  if (!entry) return undefined;
  const [state, caught] = entry;
  const cause = scrubbedCause(caught.Cause);
  return { state: boundedName(state), error: boundedName(caught.Error), ...(cause ? { cause } : {}) };
}
