import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { typeSchemaFile, typeSchemaText } from '../../designer/type-schema';
import { transactionTypeSchema } from '../../functions/domain/transaction-type';
import { workflowsDirectory } from '../../workflows/definitions';
import { readTypeFile, typeFolderNames } from '../../workflows/type-loader';

const written = readFileSync(typeSchemaFile, 'utf8');
/** What an editor does with the schema, done here by zod's own reader of JSON Schema. */
const editorCheck = z.fromJSONSchema(JSON.parse(written) as Parameters<typeof z.fromJSONSchema>[0]);
const shipped = typeFolderNames(workflowsDirectory).map((key) => [key, readTypeFile(workflowsDirectory, key)] as const);

describe('workflows/type.schema.json', () => {
  test('is what `npm run workflows -- schema` generates from the domain schema today (run it after changing transactionTypeSchema)', () => {
    expect(written).toBe(typeSchemaText());
  });

  test.each(shipped)('accepts the shipped %s/type.json, with and without its $schema line', (_, definition) => {
    const { $schema, ...withoutSchemaLine } = definition as Record<string, unknown>;
    expect(editorCheck.safeParse(definition).error).toBeUndefined();
    expect(editorCheck.safeParse(withoutSchemaLine).error).toBeUndefined();
  });

  test.each(shipped)('%s/type.json names the schema, so an editor completes and checks it', (_, definition) => {
    expect((definition as Record<string, unknown>).$schema).toBe('../type.schema.json');
  });

  test('marks what the catalogue refuses: a misspelt field, a wrong type, a missing field', () => {
    const [, proof] = shipped.find(([key]) => key === 'proof-of-residence')!;
    const { legalDeadline, ...withoutDeadline } = proof as Record<string, unknown>;
    const mistakes = [{ ...(proof as object), legalDeadlne: legalDeadline }, { ...(proof as object), version: '1' }, withoutDeadline];
    for (const mistake of mistakes) {
      expect(editorCheck.safeParse(mistake).success).toBe(false);
      expect(transactionTypeSchema.safeParse(mistake).success).toBe(false);
    }
  });

  test('type.json may name its schema; the catalogue accepts the key', () => {
    const [, proof] = shipped.find(([key]) => key === 'proof-of-residence')!;
    expect(transactionTypeSchema.safeParse({ $schema: '../type.schema.json', ...(proof as object) }).success).toBe(true);
  });
});
