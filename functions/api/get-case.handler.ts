import { caseStore } from '../adapters/dynamodb/table';
import { catalogue } from '../catalogue/catalogue';
import { getCase } from '../use-cases/read-cases';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseView } from './views';

const get = getCase({ cases: caseStore, catalogue });

export const handler = routeHandler(routes.getCase, async ({ caller, path, language }) => {
  const found = await get({ caller, caseId: path('id') });
  return { body: caseView(found.case, found.type, language, found.tasks, found.waits) };
});
