import { transactionTypeSchema, type TransactionType } from '../domain/transaction-type';
import type { Catalogue, DocumentBuilder } from '../ports/catalogue.port';
import { bundledTypes } from '../../workflows/type-loader';

function validated(folder: string, definition: unknown): TransactionType {
  const parsed = transactionTypeSchema.safeParse(definition);
  if (!parsed.success) throw new Error(`workflows/${folder}/type.json is not a valid transaction type: ${parsed.error.message}`);
  if (parsed.data.key !== folder) throw new Error(`workflows/${folder}/type.json declares key '${parsed.data.key}'`);
  return parsed.data;
}

// Validated at module load, so that a malformed type.json fails the cold start loudly.
const types: readonly TransactionType[] = Object.freeze(bundledTypes.map(({ folder, definition }) => validated(folder, definition)));
const byKey = new Map(types.map((type) => [type.key, type]));
const builders = new Map<string, DocumentBuilder>(
  bundledTypes.flatMap(({ folder, documentBuilder }) => (documentBuilder ? [[folder, documentBuilder] as const] : [])),
);

/** The published transaction types, bundled into every function that needs them. */
export const catalogue: Catalogue = {
  all: () => types,
  find: (key) => byKey.get(key),
  ofCase(subject) {
    const type = byKey.get(subject.type.key);
    if (!type) throw new Error(`case ${subject.id} has unknown type '${subject.type.key}'`);
    return type;
  },
  documentBuilder: (key) => builders.get(key),
};
