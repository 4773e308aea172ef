import type { DocumentTemplate } from '../domain/document';
import type { TransactionType } from '../domain/transaction-type';
import type { Catalogue } from '../ports/catalogue.port';
import { loadTypes } from '../../workflows/type-loader';

// Read and validated at module load, so that a malformed type folder fails the cold start loudly.
const loaded = loadTypes();
const types: readonly TransactionType[] = Object.freeze(loaded.map(({ type }) => type));
const byKey = new Map(types.map((type) => [type.key, type]));
const documents = new Map<string, DocumentTemplate>(loaded.flatMap(({ type, document }) => (document ? [[type.key, document] as const] : [])));

/** The published transaction types: every type folder under workflows/, which every function bundle carries. */
export const catalogue: Catalogue = {
  all: () => types,
  find: (key) => byKey.get(key),
  ofCase(subject) {
    const type = byKey.get(subject.type.key);
    if (!type) throw new Error(`case ${subject.id} has unknown type '${subject.type.key}'`);
    return type;
  },
  documentOf: (key) => documents.get(key),
};
