import './promise-with-resolvers.polyfill';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';

export type TimeoutErrorFactory = () => Error;

let factory: Promise<TimeoutErrorFactory> | undefined;

async function probeTimeoutErrorClass(): Promise<TimeoutErrorFactory> {
  const probe = new StateMachine(
    { StartAt: 'Probe', States: { Probe: { Type: 'Task', Resource: 'arn:aws:states:::probe', TimeoutSeconds: 0.001, End: true } } },
    { validationOptions: { noValidate: true } },
  );
  const execution = probe.run(null, { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => undefined) } } });
  try {
    await execution.result;
  } catch (error) {
    const cause = error instanceof ExecutionError ? error.cause : undefined;
    if (cause instanceof Error && cause.name === 'States.Timeout') {
      const TimeoutError = cause.constructor as new () => Error;
      return () => new TimeoutError();
    }
  }
  throw new Error('aws-local-stepfunctions did not raise States.Timeout as expected');
}

/**
 * Creates the interpreter's own `States.Timeout` error. The interpreter recognises it by class
 * (`States.TaskFailed` must not match a timeout) but does not export the class, so one timed-out
 * probe run, done once per process, hands it over.
 */
export function loadTimeoutErrorFactory(): Promise<TimeoutErrorFactory> {
  factory ??= probeTimeoutErrorClass();
  return factory;
}
