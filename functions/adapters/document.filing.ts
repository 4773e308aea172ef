import type { DocumentFiling } from '../ports/services.port';
import { documentStore, storedDocuments } from './document.store';
import { renderDocumentPdf } from './pdf.renderer';

/** Documents rendered as PDFs by Loket’s own writer and kept in the documents bucket. */
export const pdfDocumentFiling: DocumentFiling = {
  async file(document, subject, tenant) {
    const bytes = await renderDocumentPdf({ document, issuer: tenant.name });
    return documentStore.putPdf({ tenant: subject.tenant, caseId: subject.id, reference: document.reference }, bytes);
  },
  read: storedDocuments.read,
};
