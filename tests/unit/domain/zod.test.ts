import { describe, expect, test } from '@jest/globals';
import * as z from '../../../functions/domain/zod';
import { caseErrors } from '../../../workflows/definitions';

describe("Loket's zod", () => {
  test("parse refuses a value with an error named as the types' Catch names a step's invalid input, listing every issue in English", () => {
    const schema = z.strictObject({ caseId: z.string().check(z.maxLength(5)), count: z.number() });
    let thrown: unknown;
    try {
      z.parse(schema, { caseId: 'far too long', count: 'one' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toBeInstanceOf(z.ZodError);
    const error = thrown as z.core.$ZodError;
    expect(error.name).toBe('ZodError');
    expect(caseErrors).toContain(error.name);
    expect(error.issues.map(({ path, message }) => [path.join('.'), message])).toEqual([
      ['caseId', 'Too big: expected string to have <=5 characters'],
      ['count', 'Invalid input: expected number, received string'],
    ]);
  });

  test('parse answers what the schema makes of a value it takes', () => {
    expect(z.parse(z.pipe(z.string(), z.transform((value) => value.length)), 'four')).toBe(4);
  });
});
