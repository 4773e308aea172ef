import { existsSync } from 'node:fs';
import type { DocumentTemplate } from '../domain/document';
import type { TransactionType } from '../domain/transaction-type';
import type { Catalogue, TypeVersion } from '../ports/catalogue.port';
import {
  catalogueDirectory,
  keptTypeKeys,
  loadPublishedType,
  loadUnpublishedType,
  publishedVersions,
  readBundledCatalogue,
  typeFileOf,
  versionFolderOf,
  type PublishedType,
} from '../../workflows/type-loader';

/** Where a catalogue finds the kept versions: a workflows directory, or what a function bundle carries. */
interface KeptVersions {
  /** The types' keys, sorted. */
  readonly keys: readonly string[];
  /** A type's newest version when the catalogue was made; undefined for a type never published, which runs as its working copy. */
  newest(key: string): number | undefined;
  /** A version (`undefined`: the working copy of a type never published); undefined when it is not kept. */
  load(key: string, version: number | undefined): PublishedType | undefined;
  /** Whether the version after `version` was published since the catalogue was made. */
  publishedAfter(key: string, version: number): boolean;
  /** A published type's kept version numbers, ascending. */
  versions(key: string): readonly number[];
}

/** The folder a version is kept in, relative to the workflows directory: the type's own for the working copy of a type never published (`undefined`). */
const folderOf = (key: string, version: number | undefined): string => (version === undefined ? key : versionFolderOf(key, version));

function catalogueOf(kept: KeptVersions): Catalogue {
  const newest = new Map(kept.keys.map((key) => [key, kept.newest(key)]));
  /** A type's newest version: the newest when the catalogue was made, or one published since (each look-up looks on). */
  const newestOf = (key: string): PublishedType | undefined => {
    if (!newest.has(key)) return undefined;
    let current = kept.load(key, newest.get(key));
    while (current && kept.publishedAfter(key, current.type.version)) current = kept.load(key, current.type.version + 1);
    return current;
  };
  // Only the types listed when the catalogue was made: a key names no folder of its own choosing.
  const versionOf = (subject: TypeVersion): PublishedType | undefined => {
    if (!newest.has(subject.key)) return undefined;
    const current = newestOf(subject.key);
    if (current?.folder === subject.key) return current.type.version === subject.version ? current : undefined;
    return kept.load(subject.key, subject.version);
  };

  return {
    all: () => kept.keys.map((key) => newestOf(key)?.type as TransactionType),
    find: (key) => newestOf(key)?.type,
    versionsOf(key) {
      const latest = newestOf(key);
      if (!latest) return undefined;
      if (latest.folder === key) return [latest.type];
      return kept.versions(key).map((version) => kept.load(key, version)?.type as TransactionType);
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

/**
 * The published transaction types as read from a workflows directory (the local host's, the
 * designer tools', the tests'): every kept version of every type, each read and validated the
 * first time it is asked for, so that one that cannot be loaded fails loudly then, naming its file.
 *
 * A version published after the catalogue was made (on the local host, `npm run workflows --
 * publish` while the stack runs) is found when it is first asked for: one look on disk per
 * look-up of a type's current version.
 */
export function directoryCatalogue(directory: string): Catalogue {
  const read = new Map<string, PublishedType>();
  return catalogueOf({
    keys: keptTypeKeys(directory),
    newest: (key) => publishedVersions(directory, key).at(-1),
    load(key, version) {
      let found = read.get(folderOf(key, version));
      if (!found) {
        found = version === undefined ? loadUnpublishedType(directory, key) : loadPublishedType(directory, key, version);
        if (found) read.set(found.folder, found);
      }
      return found;
    },
    publishedAfter: (key, version) => existsSync(typeFileOf(directory, versionFolderOf(key, version + 1))),
    versions: (key) => publishedVersions(directory, key),
  });
}

/**
 * The published transaction types a function bundle carries (workflows/catalogue.json): every
 * kept version as the build loaded and validated it. A cold start reads that one file and
 * validates nothing again; validating every version took 20 ms of each API function's init
 * (issue 14). Its files never change, so no version is published after it.
 */
export function bundledCatalogue(published: readonly PublishedType[]): Catalogue {
  const byFolder = new Map(published.map((entry) => [entry.folder, entry]));
  const versionsOf = (key: string) => published.filter((entry) => entry.type.key === key && entry.folder !== key).map((entry) => entry.type.version);
  return catalogueOf({
    // The build wrote them in key order (loadPublishedTypes).
    keys: [...new Set(published.map((entry) => entry.type.key))],
    newest: (key) => versionsOf(key).at(-1),
    load: (key, version) => byFolder.get(folderOf(key, version)),
    publishedAfter: () => false,
    versions: versionsOf,
  });
}

declare const LOKET_BUNDLED_TYPES: string | undefined;

let loaded: Catalogue | undefined;
/**
 * Read on first use, so that the local host can name the directory before any function asks. In
 * a bundle the build's define (`LOKET_BUNDLED_TYPES`) makes the test constant, so the bundle
 * leaves out the directory catalogue and the type schema it validates with.
 */
// Stryker disable next-line ConditionalExpression: jest never defines the build's constant, so this test cannot tell; the bundle's branch, bundledCatalogue, is tested on its own (tests/workflows/catalogue.test.ts)
const loadedCatalogue = () => (loaded ??= typeof LOKET_BUNDLED_TYPES === 'string' ? bundledCatalogue(readBundledCatalogue()) : directoryCatalogue(catalogueDirectory()));

/**
 * The published transaction types: every kept version under workflows/, which every function
 * bundle carries as the build validated it. Read on first use.
 */
export const catalogue: Catalogue = {
  all: () => loadedCatalogue().all(),
  find: (key) => loadedCatalogue().find(key),
  versionsOf: (key) => loadedCatalogue().versionsOf(key),
  versionOf: (type) => loadedCatalogue().versionOf(type),
  ofCase: (subject) => loadedCatalogue().ofCase(subject),
  documentOf: (type) => loadedCatalogue().documentOf(type),
};

