import { documentStore } from '../adapters/document.store';
import { renderDocumentPdf } from '../adapters/pdf.renderer';
import type { Case, CaseDocument, DocumentFile } from '../domain/case';
import type { Tenant } from '../domain/tenant';

/**
 * Files a case's document:
 * 1. renders it as a PDF in the tenant's name (the same document gives the same bytes);
 * 2. stores it at a key derived from the tenant, the case and the reference, so a retry overwrites;
 * 3. returns what the case records about the file: key, content type, size and SHA-256.
 */
export async function fileDocument(document: CaseDocument, subject: Case, tenant: Tenant): Promise<DocumentFile> {
  const bytes = await renderDocumentPdf({ document, issuer: tenant.name });
  return documentStore.putPdf({ tenant: subject.tenant, caseId: subject.id, reference: document.reference }, bytes);
}
