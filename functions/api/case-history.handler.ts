import { caseReads, caseStore } from '../adapters/dynamodb/table';
import { caseHistory } from '../use-cases/read-cases';
import { accessDependencies } from './access.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { historyView } from './views';

const history = caseHistory({ cases: caseStore, reads: caseReads, ...accessDependencies });

/** A case's audit trail, with whether its hash chain verifies. */
export const handler = routeHandler(routes.caseHistory, async ({ caller, path, purpose }) => {
  const found = await history({ caller, caseId: path('id'), purpose });
  return { body: historyView(found.case, found.events, found.verified) };
});
