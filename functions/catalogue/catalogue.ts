import { existsSync } from 'node:fs';
import type { DocumentTemplate } from '../domain/document';
import type { TransactionType } from '../domain/transaction-type';
import type { Catalogue, TypeVersion } from '../ports/catalogue.port';
import { catalogueDirectory, loadPublishedType, loadPublishedTypes, typeFileOf, versionFolderOf, type PublishedType } from '../../workflows/type-loader';

/**
 * The published transaction types as read from a workflows directory: every kept version of
 * every type, loaded and validated at once, so that a malformed folder fails the cold start
 * loudly. A version published after that (on the local host, `npm run workflows -- publish`
 * while the stack runs) is read when it is first asked for: one look on disk per look-up of a
 * type's current version; in a function bundle, whose files never change, it finds nothing.
 */
export function directoryCatalogue(directory: string): Catalogue {
  const versions = new Map<string, PublishedType[]>();
  for (const loaded of loadPublishedTypes(directory)) {
    const kept = versions.get(loaded.type.key) ?? [];
    kept.push(loaded);
    versions.set(loaded.type.key, kept);
  }
  const keptOf = (key: string): PublishedType[] | undefined => {
    const kept = versions.get(key);
    const last = kept?.at(-1);
    if (!kept || !last || !existsSync(typeFileOf(directory, versionFolderOf(key, last.type.version + 1)))) return kept;
    const next = loadPublishedType(directory, key, last.type.version + 1);
    if (next) kept.push(next);
    return keptOf(key);
  };
  const versionOf = (subject: TypeVersion) => keptOf(subject.key)?.find((kept) => kept.type.version === subject.version);
  const keys = [...versions.keys()];

  return {
    all: () => keys.map((key) => keptOf(key)?.at(-1)?.type as TransactionType),
    find: (key) => keptOf(key)?.at(-1)?.type,
    versionsOf: (key) => keptOf(key)?.map((kept) => kept.type),
    versionOf: (subject) => versionOf(subject)?.type,
    ofCase(subject) {
      const type = versionOf(subject.type)?.type;
      if (!type) throw new Error(`case ${subject.id} has type '${subject.type.key}' version ${subject.type.version}, which is not published`);
      return type;
    },
    documentOf: (subject): DocumentTemplate | undefined => versionOf(subject)?.document,
  };
}

let loaded: Catalogue | undefined;
/** Read on first use, so that the local host can name the directory before any function asks. */
const loadedCatalogue = () => (loaded ??= directoryCatalogue(catalogueDirectory()));

/**
 * The published transaction types: every kept version under workflows/, which every function
 * bundle carries. Loaded on first use; every handler that needs it uses it as it loads, so a
 * malformed folder still fails the cold start.
 */
export const catalogue: Catalogue = {
  all: () => loadedCatalogue().all(),
  find: (key) => loadedCatalogue().find(key),
  versionsOf: (key) => loadedCatalogue().versionsOf(key),
  versionOf: (type) => loadedCatalogue().versionOf(type),
  ofCase: (subject) => loadedCatalogue().ofCase(subject),
  documentOf: (type) => loadedCatalogue().documentOf(type),
};

