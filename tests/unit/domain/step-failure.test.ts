import { describe, expect, test } from '@jest/globals';
import { maxCauseLength, scrubbedCause, stepFailureOf } from '../../../functions/domain/step-failure';

const lambdaCause = (errorMessage: string) =>
  JSON.stringify({ errorType: 'DomainError', errorMessage, trace: ['DomainError: x', '    at /var/task/index.mjs:1:2'] });

describe('what a failed case keeps of the step that failed it', () => {
  test('names the state, the error and the message of its cause, without the stack trace', () => {
    expect(stepFailureOf({ IssueCertificate: { Error: 'DomainError', Cause: lambdaCause("type 'x' issues no document") } })).toEqual({
      state: 'IssueCertificate',
      error: 'DomainError',
      cause: "type 'x' issues no document",
    });
  });

  test('keeps a cause the workflow wrote itself as it is', () => {
    expect(stepFailureOf({ UnknownOutcome: { Error: 'UnknownOutcome', Cause: 'The task was completed with an outcome this workflow does not know.' } })).toEqual({
      state: 'UnknownOutcome',
      error: 'UnknownOutcome',
      cause: 'The task was completed with an outcome this workflow does not know.',
    });
  });

  test('masks national and enterprise numbers however written', () => {
    const cause = scrubbedCause(lambdaCause('no person 85.07.30-033.28 for enterprise 0403.170.701'));
    expect(cause).toBe('no person *********** for enterprise **********');
  });

  test('keeps one line of at most the bounded length', () => {
    const cause = scrubbedCause(`first line\n${'x'.repeat(2 * maxCauseLength)}`)!;
    expect(cause).toHaveLength(maxCauseLength);
    expect(cause.startsWith('first line x')).toBe(true);
    expect(cause.endsWith('…')).toBe(true);
  });

  test('collapses every run of white space to one space and trims the ends', () => {
    expect(scrubbedCause('  step \n\t failed  \r\n')).toBe('step failed');
  });

  test('keeps a cause of exactly the bounded length whole', () => {
    const cause = 'x'.repeat(maxCauseLength);
    expect(scrubbedCause(cause)).toBe(cause);
    expect(scrubbedCause(`${cause}y`)).toBe(`${'x'.repeat(maxCauseLength - 1)}…`);
  });

  test('keeps a cause that parses as JSON but not as an object as it is written', () => {
    expect(scrubbedCause('404')).toBe('404');
    expect(scrubbedCause('null')).toBe('null');
    expect(scrubbedCause('"quoted"')).toBe('"quoted"');
  });

  test('bounds the names it keeps to names', () => {
    expect(stepFailureOf({ ['S'.repeat(200)]: { Error: 'Bad name\n<script>' } })).toEqual({ state: 'S'.repeat(100), error: 'Bad_name__script_' });
  });

  test('has nothing to say without a failure or a cause', () => {
    expect(stepFailureOf({})).toBeUndefined();
    expect(scrubbedCause(undefined)).toBeUndefined();
    expect(scrubbedCause(JSON.stringify({ trace: ['only a trace'] }))).toBeUndefined();
    expect(scrubbedCause(null)).toBeUndefined();
    expect(scrubbedCause(' \n\t ')).toBeUndefined();
    expect(scrubbedCause({ errorMessage: 42 })).toBeUndefined();
    expect(scrubbedCause(JSON.stringify({ errorType: 'Error', errorMessage: { nested: true } }))).toBeUndefined();
  });
});

test('a state or error without a usable name is recorded as unknown, never as an empty name', () => {
  expect(stepFailureOf({ '': { Error: '' } })).toEqual({ state: 'unknown', error: 'unknown' });
});
