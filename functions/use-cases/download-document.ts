import type { Caller } from '../domain/actor';
import type { DocumentFile } from '../domain/case';
import { notFound } from '../domain/errors';
import { sha256Hex } from '../domain/digest';
import { permissions, requireRole } from '../domain/permissions';
import { applicantId } from '../domain/applicant';
import type { CaseStore } from '../ports/case-store.port';
import type { DocumentFiling } from '../ports/services.port';
import { readOwnCase } from './own-case';
import type { AccessDependencies } from './record-access';
import { recordAccess } from './record-access';

/**
 * The file of one of a case's documents, for a caller who may read the case:
 * 1. the case must be the caller's tenant's;
 * 2. an unknown reference, or a document issued without a file, is not found;
 * 3. the bytes come from the document store;
 * 4. bytes that no longer match the SHA-256 recorded on the case are never handed out;
 * 5. the download is in the processing log before the bytes are handed out.
 */
export function downloadDocument(deps: { cases: Pick<CaseStore, 'get'>; documents: Pick<DocumentFiling, 'read'> } & AccessDependencies) {
  return async (command: { caller: Caller; caseId: string; reference: string; purpose: string }): Promise<{ file: DocumentFile; bytes: Uint8Array }> => {
    requireRole(command.caller, permissions.readCase);
    const subject = await readOwnCase(deps.cases, command.caller, command.caseId);
    const file = subject.documents.find((document) => document.reference === command.reference)?.file;
    if (!file) throw notFound(`document ${command.reference} of case ${subject.id}`);
    const bytes = await deps.documents.read(file);
    if (!bytes) throw new Error(`the file ${file.key} of case ${subject.id} is missing from the document store`);
    if (sha256Hex(bytes) !== file.sha256) throw new Error(`the file ${file.key} of case ${subject.id} does not match its recorded SHA-256`);
    await recordAccess(deps, { tenant: subject.tenant, actor: command.caller, applicantId: applicantId(subject.applicant), caseId: subject.id, action: 'document.download', purpose: command.purpose });
    return { file, bytes };
  };
}
