import { caseReads } from '../adapters/dynamodb/table';
import { catalogue } from '../catalogue/catalogue';
import { casesNeedingAttention } from '../use-cases/read-cases';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseSummary } from './views';

const list = casesNeedingAttention({ reads: caseReads, catalogue });

/** Operators: the tenant's open cases whose workflow ended, and why. */
export const handler = routeHandler(routes.casesNeedingAttention, async ({ caller, query, language }) => {
  const page = await list({ caller, limit: query.limit, cursor: query.cursor });
  return {
    body: {
      items: page.items.map(({ summary, type }) => caseSummary(summary, type, language)),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    },
  };
});
