import { catalogue } from '../catalogue/catalogue';
import { listTransactionTypes } from '../use-cases/read-catalogue';
import { routeHandler } from './http';
import * as routes from './routes';
import { transactionTypeSummary } from './views';

const list = listTransactionTypes({ catalogue });

export const handler = routeHandler(routes.listTransactionTypes, async ({ caller, language }) => ({
  body: { items: list({ caller }).map((type) => transactionTypeSummary(type, language)) },
}));
