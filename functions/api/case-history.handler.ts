import { caseReads, caseStore } from '../adapters/dynamodb/table';
import { caseHistory } from '../use-cases/read-cases';
import { routeHandler } from './http';
import * as routes from './routes';
import { historyView } from './views';

const history = caseHistory({ cases: caseStore, reads: caseReads });

/** A case's audit trail, with whether its hash chain verifies. */
export const handler = routeHandler(routes.caseHistory, async ({ caller, path }) => {
  const found = await history({ caller, caseId: path('id') });
  return { body: historyView(found.case, found.events, found.verified) };
});
