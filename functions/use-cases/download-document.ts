import { documentStore, sha256Hex } from '../adapters/document.store';
import type { Case, DocumentFile } from '../domain/case';
import { notFound } from '../domain/errors';

/**
 * The file of one of a case's documents, for a caller already allowed to read the case:
 * 1. an unknown reference, or a document issued without a file, is not found;
 * 2. the bytes come from the document store;
 * 3. bytes that no longer match the SHA-256 recorded on the case are never handed out.
 */
export async function downloadDocument(subject: Case, reference: string): Promise<{ file: DocumentFile; bytes: Uint8Array }> {
  const file = subject.documents.find((document) => document.reference === reference)?.file;
  if (!file) throw notFound(`document ${reference} of case ${subject.id}`);
  const bytes = await documentStore.get(file.key);
  if (!bytes) throw new Error(`the file ${file.key} of case ${subject.id} is missing from the document store`);
  if (sha256Hex(bytes) !== file.sha256) throw new Error(`the file ${file.key} of case ${subject.id} does not match its recorded SHA-256`);
  return { file, bytes };
}
