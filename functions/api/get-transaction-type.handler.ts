import { catalogue } from '../catalogue/catalogue';
import { getTransactionType } from '../use-cases/read-catalogue';
import { routeHandler } from './http';
import * as routes from './routes';
import { transactionTypeView } from './views';

const get = getTransactionType({ catalogue });

export const handler = routeHandler(routes.getTransactionType, async ({ caller, path, language }) => ({
  body: transactionTypeView(get({ caller, key: path('key') }), language),
}));
