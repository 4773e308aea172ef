import { caseReads } from '../adapters/dynamodb/table';
import { catalogue } from '../catalogue/catalogue';
import { searchCases } from '../use-cases/read-cases';
import { accessDependencies } from './access.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseSummary } from './views';

const search = searchCases({ reads: caseReads, catalogue, ...accessDependencies });

/** Searches the caller's tenant's cases; every filter is served by an index, never a scan. */
export const handler = routeHandler(routes.searchCases, async ({ caller, query, language, purpose }) => {
  const { applicant: _refusedBySchema, ...filters } = query;
  const page = await search({ caller, ...filters, purpose });
  return {
    body: {
      items: page.items.map(({ summary, type }) => caseSummary(summary, type, language)),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    },
  };
});
