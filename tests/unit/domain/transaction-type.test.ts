import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dataValidator, schemaValidator, transactionTypeSchema, unboundedPartsOf } from '../../../functions/domain/transaction-type';

const proofOfResidence = JSON.parse(readFileSync(new URL('../../../workflows/proof-of-residence/type.json', import.meta.url), 'utf8')) as Record<string, unknown> & {
  statuses: Array<{ code: string }>;
  tasks: Record<string, { role: string }>;
};
const issuesOf = (raw: unknown) => {
  const parsed = transactionTypeSchema.safeParse(raw);
  return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
};

describe("a type.json's own rules", () => {
  test('the shipped proof of residence keeps them', () => {
    expect(issuesOf(proofOfResidence)).toEqual([]);
  });

  test('status codes are unique, and the first is submitted', () => {
    const [first, second] = proofOfResidence.statuses;
    expect(issuesOf({ ...proofOfResidence, statuses: [first, second, second] })).toEqual([{ path: '', message: 'status codes must be unique' }]);
    expect(issuesOf({ ...proofOfResidence, statuses: [second, first] })).toEqual([{ path: '', message: "the first status must be 'submitted'" }]);
  });

  test('a task names a role the type lists', () => {
    const tasks = { ...proofOfResidence.tasks, 'verify-residence': { ...proofOfResidence.tasks['verify-residence'], role: 'police' } };
    expect(issuesOf({ ...proofOfResidence, tasks })).toEqual([{ path: '', message: "task 'verify-residence' uses role 'police' not listed in roles" }]);
  });

  test('a data schema that admits unbounded values is told at the offending part', () => {
    const inputSchema = { type: 'object', additionalProperties: false, properties: { street: { type: 'string' } } };
    expect(issuesOf({ ...proofOfResidence, inputSchema })).toEqual([{ path: 'inputSchema.properties.street', message: 'a string needs a maxLength' }]);
  });
});

describe("a designer's JSON Schema", () => {
  test('validates data as it describes', () => {
    const validator = schemaValidator({ type: 'object', properties: { plate: { type: 'string', maxLength: 10 } }, required: ['plate'], additionalProperties: false });
    expect(validator.safeParse({ plate: '1-ABC-123' }).success).toBe(true);
    expect(validator.safeParse({}).success).toBe(false);
    const type = transactionTypeSchema.parse(proofOfResidence);
    expect(dataValidator(type).safeParse(type.example.data).success).toBe(true);
    expect(dataValidator(type).safeParse({ unexpected: 'field' }).success).toBe(false);
  });

  test('gets its validator built once, and each schema its own', () => {
    const plate = (maxLength: number) => ({ type: 'object', properties: { plate: { type: 'string', maxLength } }, required: ['plate'], additionalProperties: false });
    const long = plate(10);
    const short = plate(2);
    expect(schemaValidator(long)).toBe(schemaValidator(long));
    const type = transactionTypeSchema.parse(proofOfResidence);
    expect(dataValidator(type)).toBe(dataValidator(type));
    // A schema like another, but not the same object, is a schema of its own (a type version's schemas are each their own).
    expect(schemaValidator(plate(10))).not.toBe(schemaValidator(long));
    expect(schemaValidator(long).safeParse({ plate: '1-ABC' }).success).toBe(true);
    expect(schemaValidator(short).safeParse({ plate: '1-ABC' }).success).toBe(false);
    expect(schemaValidator(long).safeParse({ plate: '1-ABC' }).success).toBe(true);
  });
});

describe('the unbounded parts of a JSON Schema', () => {
  test('`true` admits anything; a boolean `false`, a list or a value is no schema part to bound', () => {
    expect(unboundedPartsOf(true, ['data'])).toEqual([{ path: ['data'], message: '`true` admits any value; describe the value with bounds' }]);
    expect([false, null, 'string', 3, [{ type: 'string' }]].flatMap((schema) => unboundedPartsOf(schema))).toEqual([]);
    // Keywords whose value is no schema map are passed over, not a crash.
    expect(unboundedPartsOf({ properties: null, patternProperties: null })).toEqual([]);
  });

  test('a number needs a minimum and a maximum, inclusive or exclusive, within safe integers', () => {
    expect(unboundedPartsOf({ type: 'number' })).toEqual([
      { path: [], message: 'a number needs a minimum within safe integers' },
      { path: [], message: 'a number needs a maximum within safe integers' },
    ]);
    expect(unboundedPartsOf({ type: 'integer', minimum: 0, maximum: 10 })).toEqual([]);
    // A bound is a number: a string or null in its place bounds nothing.
    expect(unboundedPartsOf({ type: 'number', minimum: '0', maximum: null }).map((part) => part.message)).toEqual([
      'a number needs a minimum within safe integers',
      'a number needs a maximum within safe integers',
    ]);
    expect(unboundedPartsOf({ type: ['integer', 'null'], exclusiveMinimum: 0, exclusiveMaximum: 10 })).toEqual([]);
    expect(unboundedPartsOf({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER })).toEqual([]);
    expect(unboundedPartsOf({ type: 'integer', minimum: -1e300, maximum: 1e300 })).toHaveLength(2);
    expect(unboundedPartsOf({ type: 'integer', enum: [1, 2] })).toEqual([]);
  });

  test('a string needs a maxLength unless it is fixed; an array needs maxItems', () => {
    expect(unboundedPartsOf({ type: 'string' })).toEqual([{ path: [], message: 'a string needs a maxLength' }]);
    expect(unboundedPartsOf({ type: 'string', const: 'x' })).toEqual([]);
    expect(unboundedPartsOf({ type: 'array', items: { type: 'string', maxLength: 5 } })).toEqual([{ path: [], message: 'an array needs maxItems' }]);
    expect(unboundedPartsOf({ type: 'array', maxItems: 3, items: { type: 'string', maxLength: 5 } })).toEqual([]);
  });

  test('an object must be closed, or bounded by maxProperties', () => {
    const open = { path: [], message: 'an object needs "additionalProperties": false (or maxProperties)' };
    expect(unboundedPartsOf({ type: 'object' })).toEqual([open]);
    expect(unboundedPartsOf({ type: 'object', additionalProperties: true })).toEqual([open]);
    expect(unboundedPartsOf({ type: 'object', maxProperties: 5, additionalProperties: { type: 'string', maxLength: 3 } })).toEqual([]);
    expect(unboundedPartsOf({ type: 'object', additionalProperties: false })).toEqual([]);
  });

  test('is found in every nested schema, with its path', () => {
    const schema = {
      type: 'object',
      maxProperties: 9,
      additionalProperties: { type: 'string' },
      properties: { age: { type: 'integer', minimum: 0 } },
      anyOf: [{ type: 'string', maxLength: 1 }, { type: 'array' }],
      $defs: { note: { type: 'string' } },
      not: { type: 'string' },
    };
    expect(unboundedPartsOf(schema, ['inputSchema']).map((part) => part.path.join('.'))).toEqual([
      'inputSchema.not',
      'inputSchema.additionalProperties',
      'inputSchema.anyOf.1',
      'inputSchema.properties.age',
      'inputSchema.$defs.note',
    ]);
  });
});
