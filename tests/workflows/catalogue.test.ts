import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { bundledCatalogue, directoryCatalogue } from '../../functions/catalogue/catalogue';
import { bundledTypesFolder, keptTypeKeys, publishedVersions, readBundledCatalogue, typesDirectory, versionFolderOf, writeBundledCatalogue } from '../../workflows/type-loader';

const key = 'resident-parking-permit';
let directory: string;
const typeFile = (folder: string) => join(directory, folder, 'type.json');
/** Breaks a type.json as a bad edit would: its statuses are no list. */
const breakType = (folder: string) => writeFileSync(typeFile(folder), JSON.stringify({ ...JSON.parse(readFileSync(typeFile(folder), 'utf8')), statuses: 'none' }));

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'loket-catalogue-'));
  for (const kept of keptTypeKeys(typesDirectory)) cpSync(join(typesDirectory, kept), join(directory, kept), { recursive: true });
});

afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('the catalogue reads a version when it is first asked for', () => {
  test('the newest version of every type, and nothing older, is what a new case needs: an older version that cannot be loaded does not stop them', () => {
    const versions = publishedVersions(directory, key);
    expect(versions.length).toBeGreaterThan(1);
    const oldest = versions[0]!;
    breakType(versionFolderOf(key, oldest));
    const catalogue = directoryCatalogue(directory);
    expect(catalogue.all().map((type) => [type.key, type.version])).toEqual(keptTypeKeys(directory).map((kept) => [kept, publishedVersions(directory, kept).at(-1)]));
    expect(catalogue.find(key)?.version).toBe(versions.at(-1));
    expect(catalogue.versionOf({ key, version: versions.at(-1)! })?.version).toBe(versions.at(-1));
    expect(() => catalogue.ofCase({ id: 'old', type: { key, version: oldest } })).toThrow(`${typeFile(versionFolderOf(key, oldest))} is not a valid transaction type`);
    expect(() => catalogue.versionsOf(key)).toThrow('is not a valid transaction type');
  });

  test('a newest version that cannot be loaded fails the first look-up loudly, naming its file', () => {
    const newest = publishedVersions(directory, key).at(-1)!;
    breakType(versionFolderOf(key, newest));
    const catalogue = directoryCatalogue(directory);
    expect(() => catalogue.all()).toThrow(`${typeFile(versionFolderOf(key, newest))} is not a valid transaction type`);
  });

  test('each version is read once: a change on disk after it was read reaches no case', () => {
    const catalogue = directoryCatalogue(directory);
    const newest = catalogue.find(key)!;
    breakType(versionFolderOf(key, newest.version));
    expect(catalogue.find(key)).toBe(newest);
    expect(catalogue.versionOf({ key, version: newest.version })).toBe(newest);
  });

  test('every kept version, in order, for whoever asks for them all', () => {
    const catalogue = directoryCatalogue(directory);
    expect(catalogue.versionsOf(key)?.map((type) => type.version)).toEqual(publishedVersions(directory, key));
    expect(catalogue.documentOf({ key: 'proof-of-residence', version: 1 })?.declaration).toBeDefined();
  });

  test('a type never published runs as its working copy, at the version it declares', () => {
    const added = 'street-party-permit';
    cpSync(join(typesDirectory, key), join(directory, added), { recursive: true });
    rmSync(join(directory, added, 'versions'), { recursive: true });
    const type = JSON.parse(readFileSync(typeFile(added), 'utf8'));
    writeFileSync(typeFile(added), JSON.stringify({ ...type, key: added, version: 1 }));
    const catalogue = directoryCatalogue(directory);
    expect(catalogue.find(added)?.version).toBe(1);
    expect(catalogue.versionsOf(added)?.map((found) => found.version)).toEqual([1]);
    expect(catalogue.versionOf({ key: added, version: 1 })?.key).toBe(added);
    expect(catalogue.versionOf({ key: added, version: 2 })).toBeUndefined();
    expect(catalogue.all().map((found) => found.key)).toContain(added);
  });

  test('a version published after the catalogue was made (the local host publishes while it runs) is the newest from then on', () => {
    const catalogue = directoryCatalogue(directory);
    const before = catalogue.find(key)!.version;
    const next = before + 1;
    cpSync(join(directory, versionFolderOf(key, before)), join(directory, versionFolderOf(key, next)), { recursive: true });
    writeFileSync(typeFile(versionFolderOf(key, next)), JSON.stringify({ ...JSON.parse(readFileSync(typeFile(versionFolderOf(key, before)), 'utf8')), version: next }));
    expect(catalogue.find(key)?.version).toBe(next);
    expect(catalogue.versionsOf(key)?.at(-1)?.version).toBe(next);
    expect(catalogue.versionOf({ key, version: before })?.version).toBe(before);
  });

  test('a type published once serves that version, not its working copy edited since', () => {
    const once = 'street-party-permit';
    const source = join(directory, versionFolderOf(key, publishedVersions(directory, key).at(-1)!));
    cpSync(source, join(directory, once), { recursive: true });
    cpSync(source, join(directory, versionFolderOf(once, 1)), { recursive: true });
    const published = { ...JSON.parse(readFileSync(typeFile(once), 'utf8')), key: once, version: 1 };
    writeFileSync(typeFile(versionFolderOf(once, 1)), JSON.stringify(published));
    writeFileSync(typeFile(once), JSON.stringify({ ...published, title: { nl: 'Gewijzigd', en: 'Edited' } }));
    const catalogue = directoryCatalogue(directory);
    expect(catalogue.find(once)?.title).toEqual(published.title);
    expect(catalogue.versionsOf(once)?.map((type) => type.title)).toEqual([published.title]);
  });

  test('a type added after the catalogue was made is not served until it is made again', () => {
    const catalogue = directoryCatalogue(directory);
    const added = 'street-party-permit';
    for (const folder of [added, versionFolderOf(added, 1)]) {
      cpSync(join(directory, versionFolderOf(key, publishedVersions(directory, key).at(-1)!)), join(directory, folder), { recursive: true });
      writeFileSync(typeFile(folder), JSON.stringify({ ...JSON.parse(readFileSync(typeFile(folder), 'utf8')), key: added, version: 1 }));
    }
    expect(catalogue.find(added)).toBeUndefined();
    expect(catalogue.versionOf({ key: added, version: 1 })).toBeUndefined();
    expect(directoryCatalogue(directory).versionOf({ key: added, version: 1 })?.key).toBe(added);
  });

  test('a type or version that is not kept is not found', () => {
    const catalogue = directoryCatalogue(directory);
    expect(catalogue.find('unknown-type')).toBeUndefined();
    expect(catalogue.versionsOf('unknown-type')).toBeUndefined();
    expect(catalogue.versionOf({ key: 'unknown-type', version: 1 })).toBeUndefined();
    expect(catalogue.versionOf({ key, version: 99 })).toBeUndefined();
    expect(() => catalogue.ofCase({ id: 'x', type: { key, version: 99 } })).toThrow(`case x has type '${key}' version 99, which is not published`);
  });
});

describe('the catalogue a function bundle carries', () => {
  /** The bundle's catalogue as the build writes it from the scratch folders, then those folders broken: the bundle reads only its file. */
  function bundled() {
    const bundle = mkdtempSync(join(tmpdir(), 'loket-bundle-'));
    try {
      writeBundledCatalogue(bundle, directory);
      for (const version of publishedVersions(directory, key)) breakType(versionFolderOf(key, version));
      return bundledCatalogue(readBundledCatalogue(join(bundle, bundledTypesFolder)));
    } finally {
      rmSync(bundle, { recursive: true, force: true });
    }
  }

  test('serves every kept version as the build validated it, and reads no folder again', () => {
    const versions = publishedVersions(directory, key);
    const catalogue = bundled();
    expect(catalogue.all().map((type) => [type.key, type.version])).toEqual(keptTypeKeys(directory).map((kept) => [kept, publishedVersions(directory, kept).at(-1)]));
    expect(catalogue.versionsOf(key)?.map((type) => type.version)).toEqual(versions);
    expect(catalogue.ofCase({ id: 'old', type: { key, version: versions[0]! } }).version).toBe(versions[0]);
    expect(catalogue.find(key)?.statuses.length).toBeGreaterThan(1);
    expect(catalogue.documentOf({ key: 'proof-of-residence', version: 1 })?.source.nl).toBe(readFileSync(join(directory, 'proof-of-residence', 'versions', '1', 'document.nl.txt'), 'utf8'));
  });

  test('a type never published is its working copy there too', () => {
    const added = 'street-party-permit';
    cpSync(join(typesDirectory, key), join(directory, added), { recursive: true });
    rmSync(join(directory, added, 'versions'), { recursive: true });
    writeFileSync(typeFile(added), JSON.stringify({ ...JSON.parse(readFileSync(typeFile(added), 'utf8')), key: added, version: 1 }));
    const catalogue = bundled();
    expect(catalogue.find(added)?.version).toBe(1);
    expect(catalogue.versionsOf(added)?.map((found) => found.version)).toEqual([1]);
    expect(catalogue.versionOf({ key: added, version: 2 })).toBeUndefined();
  });

  test('a type or version it does not carry is not found', () => {
    const catalogue = bundled();
    expect(catalogue.find('unknown-type')).toBeUndefined();
    expect(catalogue.versionsOf('unknown-type')).toBeUndefined();
    expect(catalogue.versionOf({ key, version: 99 })).toBeUndefined();
    expect(() => catalogue.ofCase({ id: 'x', type: { key, version: 99 } })).toThrow('which is not published');
  });
});
