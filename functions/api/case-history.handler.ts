import { auditSeal } from '../adapters/audit-seal.instance';
import { caseReads, caseStore } from '../adapters/dynamodb/table';
import { caseHistory } from '../use-cases/read-cases';
import { accessDependencies } from './access.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { historyView } from './views';

const history = caseHistory({ cases: caseStore, reads: caseReads, seal: auditSeal, ...accessDependencies });

/** A case's audit trail, with whether it verifies against its seal and the case, and if not, where and why. */
export const handler = routeHandler(routes.caseHistory, async ({ caller, path, purpose }) => {
  const found = await history({ caller, caseId: path('id'), purpose });
  return { body: historyView(found.case, found.events, found.verdict) };
});
