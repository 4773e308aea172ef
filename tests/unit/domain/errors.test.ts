import { describe, expect, test } from '@jest/globals';
import * as z from '../../../functions/domain/zod';
import { DomainError, TransientError, conflict, fieldErrors, forbidden, notFound, unprocessable, validationError } from '../../../functions/domain/errors';

const issuesOf = (schema: z.ZodMiniType, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues;
};

describe('the field errors a 400 lists', () => {
  const body = z.strictObject({ applicant: z.strictObject({ insz: z.string().check(z.length(11)) }), days: z.number() });

  test('name each offending field by its dotted path, an unknown field as not known', () => {
    expect(fieldErrors(issuesOf(body, { applicant: { insz: '1', nickname: 'x' }, days: 3, extra: true }))).toEqual([
      { path: 'applicant.insz', message: expect.stringContaining('11') },
      { path: 'applicant.nickname', message: 'is not a known field' },
      { path: 'extra', message: 'is not a known field' },
    ]);
  });

  test('sit under the prefix of the part they came from, and name the body itself as (body)', () => {
    expect(fieldErrors(issuesOf(z.number(), 'x'), ['data', 'days'])).toEqual([{ path: 'data.days', message: expect.any(String) }]);
    expect(fieldErrors(issuesOf(body, 'not an object'))).toEqual([{ path: '(body)', message: expect.any(String) }]);
  });
});

describe('a domain error', () => {
  test('carries its kind, a message that says what is wrong, and the field errors', () => {
    expect(notFound('case 44021-2026-000001')).toMatchObject({ kind: 'not-found', message: 'case 44021-2026-000001 does not exist', errors: [] });
    expect(validationError('invalid', [{ path: 'days', message: 'too many' }])).toMatchObject({ kind: 'validation', errors: [{ path: 'days', message: 'too many' }] });
    expect(validationError('invalid').errors).toEqual([]);
    expect([forbidden('f'), conflict('c'), unprocessable('u')].map((error) => [error.kind, error.message, error.name])).toEqual([
      ['forbidden', 'f', 'DomainError'],
      ['conflict', 'c', 'DomainError'],
      ['unprocessable', 'u', 'DomainError'],
    ]);
    expect(conflict('c')).toBeInstanceOf(DomainError);
  });

  test('a transient one is named TransientError, the name workflows retry by, and keeps its cause', () => {
    const cause = new Error('throttled');
    const transient = new TransientError('try again', { cause });
    expect(transient.name).toBe('TransientError');
    expect(transient.cause).toBe(cause);
  });
});
