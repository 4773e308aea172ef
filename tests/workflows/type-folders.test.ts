import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../functions/catalogue/catalogue';
import { transactionTypeSchema } from '../../functions/domain/transaction-type';
import {
  bundledCatalogueText,
  bundledTypesFolder,
  documentProblems,
  loadPublishedTypes,
  loadTypes,
  readBundledCatalogue,
  readTypeFile,
  typeFolderNames,
  typesDirectory,
  writeBundledCatalogue,
} from '../../workflows/type-loader';

/** A folder's type.json, read and validated as the workflow lint does before it checks the templates. */
const typeIn = (directory: string, folder: string) => transactionTypeSchema.parse(readTypeFile(directory, folder));

/** A copy of the shipped type folders, to add, break and remove types in. */
let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'loket-types-'));
  for (const folder of typeFolderNames()) cpSync(join(typesDirectory, folder), join(directory, folder), { recursive: true });
});

afterEach(() => rmSync(directory, { recursive: true, force: true }));

const typeFile = (folder: string) => join(directory, folder, 'type.json');
const edit = (folder: string, change: (type: any) => void) => {
  const type = JSON.parse(readFileSync(typeFile(folder), 'utf8'));
  change(type);
  writeFileSync(typeFile(folder), JSON.stringify(type, null, 2));
};

/** A shipped type's working copy copied under a new key, as a designer would start a new type: only files, none of its published versions. */
function copyType(from: string, to: string): void {
  cpSync(join(directory, from), join(directory, to), { recursive: true, filter: (source) => !source.startsWith(join(directory, from, 'versions')) });
  edit(to, (type) => {
    type.key = to;
    type.example.type = to;
  });
}

describe('a type is its folder', () => {
  test('the catalogue lists every folder under workflows/ that holds a type.json, and nothing else', () => {
    expect(catalogue.all().map((type) => type.key)).toEqual(typeFolderNames());
    expect(typeFolderNames()).toContain('tree-felling-permit');
  });

  test('a folder copied under a new key is a type, with its document', () => {
    copyType('event-permit', 'street-party-permit');
    const loaded = loadTypes(directory).find((entry) => entry.type.key === 'street-party-permit');
    expect(loaded?.document?.declaration.title.en).toBe('Event permit');
    expect(loaded?.document?.source.nl).toContain('{{data.eventName}}');
  });

  test('a malformed type.json fails the load, naming the file and the field', () => {
    edit('event-permit', (type) => {
      type.statuses = 'none';
    });
    expect(() => loadTypes(directory)).toThrow(new RegExp(`${typeFile('event-permit')} is not a valid transaction type:[\\s\\S]*statuses`));
  });

  test('a type.json that is not JSON fails the load', () => {
    writeFileSync(typeFile('terrace-permit'), '{ "key": ');
    expect(() => loadTypes(directory)).toThrow(`${typeFile('terrace-permit')} is not valid JSON`);
  });

  test("a type.json whose key is not its folder's name fails the load", () => {
    cpSync(join(directory, 'event-permit'), join(directory, 'event-permit-copy'), { recursive: true });
    expect(() => loadTypes(directory)).toThrow("declares key 'event-permit', not its folder's name 'event-permit-copy'");
  });

  test('a placeholder that names no field of the case fails the load and is a document problem the lint reports', () => {
    const file = join(directory, 'event-permit', 'document.en.txt');
    writeFileSync(file, readFileSync(file, 'utf8').replace('{{data.eventName}}', '{{data.eventNam}}'));
    expect(() => loadTypes(directory)).toThrow('workflows/event-permit, document.en.txt: {{data.eventNam}} names no field of the case; use one of applicant.insz');
    expect(documentProblems(directory, 'event-permit', typeIn(directory, 'event-permit'))).toEqual([
      { at: 'document.en.txt', what: '{{data.eventNam}} names no field of the case', fix: expect.stringContaining('data.eventName') },
    ]);
  });

  test('a declared template file that is missing is a document problem', () => {
    rmSync(join(directory, 'terrace-permit', 'document.nl.txt'));
    expect(documentProblems(directory, 'terrace-permit', typeIn(directory, 'terrace-permit'))).toEqual([
      { at: 'type.json "document.template.nl"', what: 'names document.nl.txt, which is not in the folder', fix: 'add workflows/terrace-permit/document.nl.txt with the document\'s text in Dutch' },
    ]);
    expect(() => loadTypes(directory)).toThrow('terrace-permit');
  });

  test('a missing template and a misnamed field in the other are both reported', () => {
    rmSync(join(directory, 'tree-felling-permit', 'document.nl.txt'));
    const file = join(directory, 'tree-felling-permit', 'document.en.txt');
    writeFileSync(file, readFileSync(file, 'utf8').replace('{{data.species}}', '{{data.specie}}'));
    expect(documentProblems(directory, 'tree-felling-permit', typeIn(directory, 'tree-felling-permit')).map((found) => `${found.at}: ${found.what}`)).toEqual([
      'type.json "document.template.nl": names document.nl.txt, which is not in the folder',
      'document.en.txt: {{data.specie}} names no field of the case',
    ]);
  });

  test('a template file declared as a path outside the folder is refused by the schema, and never read', () => {
    edit('terrace-permit', (type) => {
      type.document.template.nl = '../event-permit/document.nl.txt';
    });
    expect(() => loadTypes(directory)).toThrow(/document\.template\.nl|template/);
  });

  test('the shipped folders have no document problems', () => {
    for (const folder of typeFolderNames()) expect({ folder, problems: documentProblems(typesDirectory, folder, typeIn(typesDirectory, folder)) }).toEqual({ folder, problems: [] });
  });

  test("a function bundle carries every kept version (a type never published, its working copy) as loaded and validated, with its document's templates as written, and nothing else of the folders", () => {
    copyType('change-of-address', 'change-of-address-copy');
    const bundle = mkdtempSync(join(tmpdir(), 'loket-bundle-'));
    try {
      const held = writeBundledCatalogue(bundle, directory);
      const carried = readBundledCatalogue(join(bundle, bundledTypesFolder));
      expect(held).toBe(carried.length);
      expect(carried).toEqual(JSON.parse(JSON.stringify(loadPublishedTypes(directory))));
      const folders = carried.map((entry) => entry.folder);
      expect(folders).toContain('change-of-address-copy');
      expect(folders).toContain('event-permit/versions/1');
      expect(folders).not.toContain('event-permit');
      const eventPermit = carried.find((entry) => entry.folder === 'event-permit/versions/1')!;
      expect(eventPermit.document?.source.nl).toBe(readFileSync(join(directory, 'event-permit', 'versions', '1', 'document.nl.txt'), 'utf8'));
      expect(JSON.stringify(carried)).not.toContain('"StartAt"');
      expect(readdirSync(join(bundle, bundledTypesFolder))).toEqual(['catalogue.json']);
      // The same folders give the same file, so that a bundle's hash changes only with them.
      expect(bundledCatalogueText(directory)).toBe(readFileSync(join(bundle, bundledTypesFolder, 'catalogue.json'), 'utf8'));
    } finally {
      rmSync(bundle, { recursive: true, force: true });
    }
  });
});
