import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentTemplateProblems, type DocumentTemplate } from '../functions/domain/document';
import type { DocumentDeclaration } from '../functions/domain/document-declaration';
import { transactionTypeSchema, type TransactionType } from '../functions/domain/transaction-type';

/**
 * The one module that reads the type folders, `workflows/<key>/`: a type is its folder, and
 * whatever lists, runs or deploys types finds them here. A folder's `type.json` is the type's
 * working copy; its `document` declares the templates, files beside it. Each version it
 * published is kept under `<key>/versions/<n>/` ({@link versionsFolder}), and those are what
 * the catalogue serves and cases run.
 *
 * Lambdas cannot read the repository, so the function bundles carry the versions: the build
 * loads and validates every kept version once and writes what it loaded into every bundle as
 * one file, `workflows/catalogue.json` (see {@link writeBundledCatalogue}), and defines
 * `LOKET_BUNDLED_TYPES` for esbuild, which tells this module, inlined in the bundle, that it
 * runs there. Everywhere else (the local host, the designer tools, the tests) it reads the
 * repository's folders, so a type added as a folder needs no code change anywhere.
 */

declare const LOKET_BUNDLED_TYPES: string | undefined;

const moduleDirectory = dirname(fileURLToPath(import.meta.url));

/** Where this module finds the type folders: in the repository, its own folder; in a function bundle, the folder that holds the catalogue the build wrote. */
export const typesDirectory: string = typeof LOKET_BUNDLED_TYPES === 'string' ? join(moduleDirectory, LOKET_BUNDLED_TYPES) : moduleDirectory;

/** The folder in a function bundle that holds its catalogue, relative to the bundle's entry file. */
export const bundledTypesFolder = 'workflows';

/** The file under {@link bundledTypesFolder} that holds every kept version as the build loaded and validated it. */
export const bundledCatalogueFile = 'catalogue.json';

/** The file under {@link bundledTypesFolder} that holds the OpenAPI document, in the bundle of the function that serves it. */
export const bundledOpenApiFile = 'openapi.json';

/**
 * The environment variable through which the local host points its functions' catalogue at
 * another workflows directory (a test's scratch copy that it publishes into). Never set on
 * AWS, and ignored in a function bundle, which reads only what it carries.
 */
export const workflowsDirectoryVariable = 'LOKET_WORKFLOWS_DIRECTORY';

/** The workflows directory the catalogue reads: the bundle's copy, or {@link workflowsDirectoryVariable} on the local host, or the repository's. */
export function catalogueDirectory(): string {
  if (typeof LOKET_BUNDLED_TYPES === 'string') return typesDirectory;
  return process.env[workflowsDirectoryVariable] || typesDirectory;
}

/**
 * The folder under a type's folder that keeps its published versions, one sub-folder per
 * version number (`workflows/<key>/versions/<n>/`), each a copy of the type folder as it was
 * published: immutable, written only by `npm run workflows -- publish <key>`. The type folder
 * itself is the working copy (the draft) that designers edit, validate and run.
 */
export const versionsFolder = 'versions';

/** `proof-of-residence`, 2 → `proof-of-residence/versions/2`: a version's folder relative to the workflows directory. */
export function versionFolderOf(key: string, version: number): string {
  return join(key, versionsFolder, String(version));
}

/** The version numbers kept under `<directory>/<key>/versions/`, ascending; empty for a type never published. */
export function publishedVersions(directory: string, key: string): number[] {
  const root = join(directory, key, versionsFolder);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^[1-9][0-9]*$/.test(entry.name) && existsSync(join(root, entry.name, 'type.json')))
    .map((entry) => Number(entry.name))
    .sort((a, b) => a - b);
}

/** One type folder as read from disk, unvalidated: its type.json and the templates it declares. */
export interface TypeFolder {
  /** The folder's name, which must be the type's key. */
  readonly folder: string;
  /** The parsed type.json. */
  readonly definition: unknown;
  /** The text of each template file type.json names, by file name; a named file that is missing is absent. */
  readonly templates: Readonly<Record<string, string>>;
}

/** A published type with its document's templates, validated. */
export interface LoadedType {
  readonly type: TransactionType;
  /** Absent when the type issues no document. */
  readonly document?: DocumentTemplate;
}

/** A mistake in a type folder's document: where, what is wrong, and how to fix it. */
export interface DocumentProblem {
  /** `type.json "document…"` or the template's file name. */
  readonly at: string;
  readonly what: string;
  readonly fix: string;
}

/** The path of a type folder's type.json. */
export function typeFileOf(directory: string, folder: string): string {
  return join(directory, folder, 'type.json');
}

/** The names of the type folders under `directory` (those with a type.json), sorted, so that whatever lists them is deterministic. */
export function typeFolderNames(directory: string = typesDirectory): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(typeFileOf(directory, entry.name)))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Reads `<directory>/<folder>/type.json` from disk as JSON, unvalidated. Throws when the
 * file is missing or is not JSON; the message says which.
 */
export function readTypeFile(directory: string, folder: string): unknown {
  const file = typeFileOf(directory, folder);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The template file names a type.json declares, read defensively: the schema judges the rest. */
function declaredTemplateFiles(definition: unknown): Array<{ language: string; file: string }> {
  const template = isObject(definition) && isObject(definition.document) ? definition.document.template : undefined;
  if (!isObject(template)) return [];
  return Object.entries(template).flatMap(([language, file]) =>
    // Only plain names: a declared path must not read outside the folder.
    typeof file === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(file) ? [{ language, file }] : [],
  );
}

/** Reads one type folder: its type.json and the template files it declares. */
export function readTypeFolder(directory: string, folder: string): TypeFolder {
  const definition = readTypeFile(directory, folder);
  return { folder, definition, templates: readTemplates(directory, folder, definition) };
}

/** The text of each template file `definition` names that is in the folder, by file name. */
function readTemplates(directory: string, folder: string, definition: unknown): Record<string, string> {
  const templates: Record<string, string> = {};
  for (const { file } of declaredTemplateFiles(definition)) {
    const path = join(directory, folder, file);
    if (existsSync(path)) templates[file] = readFileSync(path, 'utf8');
  }
  return templates;
}

/**
 * The type and document of a folder, or what is wrong with them. A type folder's key is its
 * name; a published version's folder (`<key>/versions/<n>`) must also declare its number.
 */
function validatedFolder(directory: string, folder: TypeFolder, expected: { key: string; version?: number } = { key: folder.folder }): { loaded?: LoadedType; problems: string[] } {
  const where = typeFileOf(directory, folder.folder);
  const parsed = transactionTypeSchema.safeParse(folder.definition);
  if (!parsed.success) return { problems: [`${where} is not a valid transaction type: ${parsed.error.message}`] };
  const type = parsed.data;
  if (type.key !== expected.key) return { problems: [`${where} declares key '${type.key}', not its folder's name '${expected.key}'`] };
  if (expected.version !== undefined && type.version !== expected.version) {
    return { problems: [`${where} declares version ${type.version}, not its folder's number ${expected.version}`] };
  }
  const problems = folderDocumentProblems(folder, type).map((found) => `workflows/${folder.folder}, ${found.at}: ${found.what}; ${found.fix}`);
  if (problems.length > 0) return { problems };
  if (!type.document) return { loaded: { type }, problems };
  return { loaded: { type, document: { declaration: type.document, source: templateSource(folder, type.document) } }, problems };
}

function templateSource(folder: TypeFolder, declaration: DocumentDeclaration): DocumentTemplate['source'] {
  return { nl: folder.templates[declaration.template.nl] ?? '', en: folder.templates[declaration.template.en] ?? '' };
}

function folderDocumentProblems(folder: TypeFolder, type: TransactionType): DocumentProblem[] {
  const declaration = type.document;
  if (!declaration) return [];
  const missing = (['nl', 'en'] as const).filter((language) => folder.templates[declaration.template[language]] === undefined);
  const templates = documentTemplateProblems(type, { declaration, source: templateSource(folder, declaration) })
    .filter((found) => !missing.includes(found.language))
    .map((found) => ({ at: declaration.template[found.language], what: found.what, fix: found.fix }));
  return [
    ...missing.map((language) => ({
      at: `type.json "document.template.${language}"`,
      what: `names ${declaration.template[language]}, which is not in the folder`,
      fix: `add workflows/${folder.folder}/${declaration.template[language]} with the document's text in ${language === 'nl' ? 'Dutch' : 'English'}`,
    })),
    ...templates,
  ];
}

/**
 * What is wrong with the document a type folder declares, for the designer tools (the
 * workflow lint reports each): a template file that is missing, a placeholder that names no
 * field of the case, a section not closed. `type` is the folder's type.json as the caller has
 * already read and validated it (the templates are checked against it, so a type.json that is
 * not a valid type has none checked); only the template files are read here. Empty when the
 * type declares no document, and when the document can be written.
 */
export function documentProblems(directory: string, folder: string, type: TransactionType): DocumentProblem[] {
  return folderDocumentProblems({ folder, definition: type, templates: readTemplates(directory, folder, type) }, type);
}

/**
 * Every type's working copy under `directory`, validated, with its document's templates, in
 * key order. Throws with every problem found when a folder's type.json is malformed, its key
 * is not its folder's name, or its document cannot be written. The catalogue reads the
 * published versions instead ({@link loadPublishedTypes}).
 */
export function loadTypes(directory: string = typesDirectory): LoadedType[] {
  const results = typeFolderNames(directory).map((folder) => validatedFolder(directory, readTypeFolder(directory, folder)));
  const problems = results.flatMap((result) => result.problems);
  if (problems.length > 0) throw new Error(`The transaction types cannot be loaded:\n${problems.join('\n')}`);
  return results.map((result) => result.loaded as LoadedType);
}

/** A kept version of a type and the folder it was read from, relative to the workflows directory. */
export interface PublishedType extends LoadedType {
  /** `<key>/versions/<n>`; the type folder itself for a type never published. */
  readonly folder: string;
}

/**
 * Every version the catalogue keeps, validated, in key then version order: each
 * `<key>/versions/<n>/` of a published type, and the working copy of a type never published
 * (a folder a test or a designer just added runs as it is). Throws with every problem found,
 * like {@link loadTypes}: the synthesis writes what it returns into every function bundle
 * ({@link bundledCatalogueText}), so a broken version fails the synthesis.
 */
export function loadPublishedTypes(directory: string = typesDirectory): PublishedType[] {
  const results = keptTypeKeys(directory).flatMap((key) => {
    const versions = publishedVersions(directory, key);
    if (versions.length === 0) return [{ folder: key, ...validatedFolder(directory, readTypeFolder(directory, key)) }];
    return versions.map((version) => {
      const folder = versionFolderOf(key, version);
      return { folder, ...validatedFolder(directory, readTypeFolder(directory, folder), { key, version }) };
    });
  });
  const problems = results.flatMap((result) => result.problems);
  if (problems.length > 0) throw new Error(`The transaction types cannot be loaded:\n${problems.join('\n')}`);
  return results.map((result) => ({ folder: result.folder, ...(result.loaded as LoadedType) }));
}

/** The keys of the types the catalogue keeps, sorted: each folder with a published version, or with a working copy of a type never published. */
export function keptTypeKeys(directory: string = typesDirectory): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && (existsSync(typeFileOf(directory, entry.name)) || publishedVersions(directory, entry.name).length > 0))
    .map((entry) => entry.name)
    .sort();
}

/** The working copy of a type never published, which the catalogue runs as it is, validated; throws with its problems. */
export function loadUnpublishedType(directory: string, key: string): PublishedType {
  const { loaded, problems } = validatedFolder(directory, readTypeFolder(directory, key));
  if (!loaded) throw new Error(`The transaction type ${key} cannot be loaded:\n${problems.join('\n')}`);
  return { folder: key, ...loaded };
}

/** One kept version of a type, validated; undefined when `<key>/versions/<version>` holds none. */
export function loadPublishedType(directory: string, key: string, version: number): PublishedType | undefined {
  const folder = versionFolderOf(key, version);
  if (!existsSync(typeFileOf(directory, folder))) return undefined;
  const { loaded, problems } = validatedFolder(directory, readTypeFolder(directory, folder), { key, version });
  if (!loaded) throw new Error(`The transaction type ${key} version ${version} cannot be loaded:\n${problems.join('\n')}`);
  return { folder, ...loaded };
}

/**
 * Every kept version under `directory`, loaded and validated (it throws with every problem found),
 * as the JSON a function bundle carries: the types as their schema parsed them, each document's
 * templates as written. Deterministic: the same folders give the same text.
 */
export function bundledCatalogueText(directory: string = typesDirectory): string {
  return catalogueText(loadPublishedTypes(directory));
}

const catalogueText = (published: readonly PublishedType[]) => `${JSON.stringify(published)}\n`;

/**
 * Writes the catalogue a function bundle carries into `outputDirectory` (a bundle's directory),
 * under `workflows/catalogue.json`, from the kept versions under `directory`; returns how many
 * versions it holds. The build checks each version here, so a malformed one fails it.
 */
export function writeBundledCatalogue(outputDirectory: string, directory: string = typesDirectory): number {
  const published = loadPublishedTypes(directory);
  mkdirSync(join(outputDirectory, bundledTypesFolder), { recursive: true });
  writeFileSync(join(outputDirectory, bundledTypesFolder, bundledCatalogueFile), catalogueText(published));
  return published.length;
}

/**
 * The kept versions a function bundle carries, as the build validated them: read, not validated
 * again. Validating them took most of an API function's init (issue 14) and could find nothing
 * the build had not.
 */
export function readBundledCatalogue(directory: string = typesDirectory): PublishedType[] {
  return JSON.parse(readFileSync(join(directory, bundledCatalogueFile), 'utf8')) as PublishedType[];
}

/**
 * The key and version a type folder's type.json declares, and whether it asks to take moved
 * cases, read from disk for the build (the state machine's name and version, and whether the
 * version begins with the migration entry). Throws when the key is not the folder's name
 * (`expectedKey`, for a version's folder `<key>/versions/<n>`).
 */
export function readTypeVersion(
  directory: string,
  folder: string,
  expectedKey: string = folder,
): { readonly key: string; readonly version: number; readonly takesMovedCases: boolean } {
  const raw = readTypeFile(directory, folder);
  const { key, version, takesMovedCases } = (typeof raw === 'object' && raw !== null ? raw : {}) as { key?: unknown; version?: unknown; takesMovedCases?: unknown };
  if (key !== expectedKey) throw new Error(`workflows/${folder}/type.json declares key '${String(key)}'`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new Error(`workflows/${folder}/type.json declares version '${String(version)}', not a positive integer`);
  }
  return { key, version, takesMovedCases: takesMovedCases === true };
}

/**
 * Reads and validates `<directory>/<folder>/type.json` against the domain's schema, for the
 * designer tools; throws with the schema's issues when it does not fit.
 */
export function readTransactionType(directory: string, folder: string): TransactionType {
  const parsed = transactionTypeSchema.safeParse(readTypeFile(directory, folder));
  if (!parsed.success) throw new Error(`${typeFileOf(directory, folder)} is not a valid transaction type: ${parsed.error.message}`);
  return parsed.data;
}
