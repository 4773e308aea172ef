import { catalogue } from '../catalogue/catalogue';
import { listTransactionTypeVersions } from '../use-cases/read-catalogue';
import { routeHandler } from './http';
import * as routes from './routes';
import { transactionTypeVersionList } from './views';

const list = listTransactionTypeVersions({ catalogue });

export const handler = routeHandler(routes.listTransactionTypeVersions, async ({ caller, path, language }) => ({
  body: transactionTypeVersionList(list({ caller, key: path('key') }), language),
}));
