import { storedDocuments } from '../adapters/document.store';
import { caseStore } from '../adapters/dynamodb/table';
import { downloadDocument } from '../use-cases/download-document';
import { accessDependencies } from './access.wiring';
import { file, routeHandler } from './http';
import * as routes from './routes';

const download = downloadDocument({ cases: caseStore, documents: storedDocuments, ...accessDependencies });

/** A document of a case as the PDF that was issued; whoever may read the case may download it. */
export const handler = routeHandler(routes.getCaseDocument, async ({ caller, path, purpose }) => {
  const reference = path('reference');
  const { file: stored, bytes } = await download({ caller, caseId: path('id'), reference, purpose });
  return { result: file(bytes, stored.contentType, `${reference}.pdf`) };
});
