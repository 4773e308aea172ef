import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseDocument } from '../functions/domain/case';
import type { DocumentInput } from '../functions/domain/document';
import { transactionTypeSchema, type TransactionType } from '../functions/domain/transaction-type';
import changeOfAddress from './change-of-address/type.json' with { type: 'json' };
import eventPermit from './event-permit/type.json' with { type: 'json' };
import { buildEventPermit } from './event-permit/document';
import proofOfResidence from './proof-of-residence/type.json' with { type: 'json' };
import { buildCertificate } from './proof-of-residence/document';
import residentParkingPermit from './resident-parking-permit/type.json' with { type: 'json' };
import { buildParkingPermit } from './resident-parking-permit/document';
import terracePermit from './terrace-permit/type.json' with { type: 'json' };
import { buildTerracePermit } from './terrace-permit/document';

/**
 * The one module that reads `workflows/<key>/type.json`. A Lambda gets the published types
 * from the static imports below, which esbuild bundles; build-time code (CDK, the local
 * host, the designer tools) reads a type folder from disk, including one a designer has
 * just added and not yet listed here.
 */

/** What a function bundle carries of one transaction type: its type.json, unvalidated, and its own code. */
export interface BundledType {
  /** The folder's name, which must be the type's key. */
  readonly folder: string;
  /** The parsed type.json; the catalogue validates it against the domain's schema. */
  readonly definition: unknown;
  /** Writes the document the type's cases end with; absent when the type issues none. */
  readonly documentBuilder?: (input: DocumentInput) => CaseDocument;
}

/** Every published type, in key order. Publishing a new type is one line here. */
export const bundledTypes: readonly BundledType[] = [
  { folder: 'change-of-address', definition: changeOfAddress },
  { folder: 'event-permit', definition: eventPermit, documentBuilder: buildEventPermit },
  { folder: 'proof-of-residence', definition: proofOfResidence, documentBuilder: buildCertificate },
  { folder: 'resident-parking-permit', definition: residentParkingPermit, documentBuilder: buildParkingPermit },
  { folder: 'terrace-permit', definition: terracePermit, documentBuilder: buildTerracePermit },
];

/** The path of a type folder's type.json. */
export function typeFileOf(directory: string, folder: string): string {
  return join(directory, folder, 'type.json');
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

/**
 * The key and version a type folder's type.json declares, read from disk for the build
 * (the state machine's name and version). Throws when the key is not the folder's name.
 */
export function readTypeVersion(directory: string, folder: string): { readonly key: string; readonly version: number } {
  const raw = readTypeFile(directory, folder);
  const { key, version } = (typeof raw === 'object' && raw !== null ? raw : {}) as { key?: unknown; version?: unknown };
  if (key !== folder) throw new Error(`workflows/${folder}/type.json declares key '${String(key)}'`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new Error(`workflows/${folder}/type.json declares version '${String(version)}', not a positive integer`);
  }
  return { key, version };
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
