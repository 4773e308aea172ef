import { existsSync } from 'node:fs';
import type { DocumentTemplate } from '../domain/document';
import type { TransactionType } from '../domain/transaction-type';
import type { Catalogue, TypeVersion } from '../ports/catalogue.port';
import { catalogueDirectory, keptTypeKeys, loadPublishedType, loadUnpublishedType, publishedVersions, typeFileOf, versionFolderOf, type PublishedType } from '../../workflows/type-loader';

/**
 * The published transaction types as read from a workflows directory: every kept version of
 * every type, each read and validated the first time it is asked for. A cold start lists the
 * types (a directory listing) and reads only what it serves: the newest version of each for a
 * new case, the version a case runs on for that case. Every version a bundle carries was
 * validated when it was synthesized (bundledTypeFiles), so reading them all at each cold start
 * found nothing new; it took 20 ms of every API function's init (issue 14). A version that
 * cannot be loaded still fails loudly, when it is first asked for.
 *
 * A version published after the catalogue was made (on the local host, `npm run workflows --
 * publish` while the stack runs) is found when it is first asked for: one look on disk per
 * look-up of a type's current version; in a function bundle, whose files never change, it
 * finds nothing.
 */
export function directoryCatalogue(directory: string): Catalogue {
  const keys = keptTypeKeys(directory);
  /** Each type's newest version known so far; undefined for a type never published, which runs as its working copy. */
  const newest = new Map(keys.map((key) => [key, publishedVersions(directory, key).at(-1)]));
  const read = new Map<string, PublishedType>();
  /** A version as read and validated the first time (`undefined`: the working copy of a type never published); undefined when it is not kept. */
  const load = (key: string, version: number | undefined): PublishedType | undefined => {
    const id = `${key}@${version ?? 'working copy'}`;
    let found = read.get(id);
    if (!found) {
      found = version === undefined ? loadUnpublishedType(directory, key) : loadPublishedType(directory, key, version);
      if (found) read.set(id, found);
    }
    return found;
  };
  const newestOf = (key: string): PublishedType | undefined => {
    if (!newest.has(key)) return undefined;
    let current = load(key, newest.get(key));
    while (current && existsSync(typeFileOf(directory, versionFolderOf(key, current.type.version + 1)))) {
      newest.set(key, current.type.version + 1);
      current = load(key, current.type.version + 1);
    }
    return current;
  };
  const versionOf = (subject: TypeVersion): PublishedType | undefined => {
    if (!newest.has(subject.key)) return undefined;
    if (newest.get(subject.key) === undefined) {
      const workingCopy = newestOf(subject.key);
      if (workingCopy?.folder === subject.key) return workingCopy.type.version === subject.version ? workingCopy : undefined;
    }
    return load(subject.key, subject.version);
  };

  return {
    all: () => keys.map((key) => newestOf(key)?.type as TransactionType),
    find: (key) => newestOf(key)?.type,
    versionsOf(key) {
      const latest = newestOf(key);
      if (!latest) return undefined;
      if (latest.folder === key) return [latest.type];
      return publishedVersions(directory, key).map((version) => load(key, version)?.type as TransactionType);
    },
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
 * bundle carries. Listed on first use; the API's handlers ask for every type's newest version
 * as they load (the roles they accept), so a malformed newest version still fails their cold start.
 */
export const catalogue: Catalogue = {
  all: () => loadedCatalogue().all(),
  find: (key) => loadedCatalogue().find(key),
  versionsOf: (key) => loadedCatalogue().versionsOf(key),
  versionOf: (type) => loadedCatalogue().versionOf(type),
  ofCase: (subject) => loadedCatalogue().ofCase(subject),
  documentOf: (type) => loadedCatalogue().documentOf(type),
};

