import { caseStore } from '../adapters/dynamodb/table';
import { catalogue } from '../catalogue/catalogue';
import { getCase } from '../use-cases/read-cases';
import { accessDependencies } from './access.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseView } from './views';

const get = getCase({ cases: caseStore, catalogue, ...accessDependencies });

export const handler = routeHandler(routes.getCase, async ({ caller, path, language, purpose }) => {
  const found = await get({ caller, caseId: path('id'), purpose });
  return { body: caseView(found.case, found.type, language, found.tasks, found.waits) };
});
