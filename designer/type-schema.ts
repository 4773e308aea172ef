import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { transactionTypeSchema } from '../functions/domain/transaction-type';
import { workflowsDirectory } from '../workflows/definitions';

/** Where the JSON Schema of type.json lives: next to the type folders, which refer to it as `../type.schema.json`. */
export const typeSchemaFile = join(workflowsDirectory, 'type.schema.json');

/**
 * The JSON Schema of `workflows/<key>/type.json`, generated from the domain's zod schema
 * (transactionTypeSchema), so that an editor autocompletes and checks what the catalogue will
 * accept. What a JSON Schema cannot say (unique status codes, roles of tasks, bounded data
 * schemas) `validate` still checks.
 */
export function typeJsonSchema(): Record<string, unknown> {
  const { $schema: dialect, ...schema } = z.toJSONSchema(transactionTypeSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    $schema: dialect,
    title: 'Loket transaction type (workflows/<key>/type.json)',
    description: 'Generated from transactionTypeSchema by `npm run workflows -- schema`; do not edit by hand. `npm run workflows -- validate` checks what a schema cannot.',
    ...schema,
  };
}

/** The schema as written to the file: two-space JSON with a final newline. */
export function typeSchemaText(): string {
  return `${JSON.stringify(typeJsonSchema(), null, 2)}\n`;
}

/** `schema`: writes workflows/type.schema.json; answers whether it changed. */
export function writeTypeSchema(file: string = typeSchemaFile): boolean {
  const text = typeSchemaText();
  let before: string | undefined;
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    before = undefined;
  }
  if (before === text) return false;
  writeFileSync(file, text);
  return true;
}
