import { callerOf, file, httpHandler, requireRole } from '../commons/http';
import { permissions } from '../domain/permissions';
import { downloadDocument } from '../use-cases/download-document';
import { requireOwnCase } from './own-case';

/** A document of a case as the PDF that was issued; whoever may read the case may download it. */
export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  requireRole(caller, permissions.readCase);
  const found = await requireOwnCase(caller, event.pathParameters?.id);
  const reference = event.pathParameters?.reference ?? '';
  const { file: stored, bytes } = await downloadDocument(found, reference);
  return file(bytes, stored.contentType, `${reference}.pdf`);
});
