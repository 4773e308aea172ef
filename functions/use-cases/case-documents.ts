import { createHash } from 'node:crypto';
import { documentStore } from '../adapters/document.store';
import { renderDocumentPdf } from '../adapters/pdf.renderer';
import type { Case, CaseDocument, DocumentFile } from '../domain/case';
import { notFound } from '../domain/errors';
import type { Tenant } from '../domain/tenant';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Files a case's document:
 * 1. renders it as a PDF in the tenant's name (the same document gives the same bytes);
 * 2. stores it at a key derived from the tenant, the case and the reference, so a retry overwrites;
 * 3. returns what the case records about the file, its SHA-256 included.
 */
export async function fileDocument(document: CaseDocument, subject: Case, tenant: Tenant): Promise<DocumentFile> {
  const bytes = await renderDocumentPdf({ document, issuer: tenant.name });
  const stored = await documentStore.putPdf({ tenant: subject.tenant, caseId: subject.id, reference: document.reference }, bytes);
  return { ...stored, size: bytes.byteLength, sha256: sha256(bytes) };
}

/**
 * The file of one of a case's documents, for a caller already allowed to read the case:
 * an unknown reference, or a document without a file, is not found; bytes that no longer
 * match the recorded SHA-256 are never handed out.
 */
export async function readDocumentFile(subject: Case, reference: string): Promise<{ file: DocumentFile; bytes: Uint8Array }> {
  const file = subject.documents.find((document) => document.reference === reference)?.file;
  if (!file) throw notFound(`document ${reference} of case ${subject.id}`);
  const bytes = await documentStore.get(file.key);
  if (!bytes) throw new Error(`the file ${file.key} of case ${subject.id} is missing from the document store`);
  if (sha256(bytes) !== file.sha256) throw new Error(`the file ${file.key} of case ${subject.id} does not match its recorded SHA-256`);
  return { file, bytes };
}
