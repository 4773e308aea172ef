import { caseReads } from '../adapters/dynamodb/table';
import { catalogue } from '../catalogue/catalogue';
import { searchCases } from '../use-cases/read-cases';
import { accessDependencies } from './access.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseSummary } from './views';

const search = searchCases({ reads: caseReads, catalogue, ...accessDependencies });

/** Searches by applicant through the applicant index; the number comes in the body, so no URL or access log holds it. */
export const handler = routeHandler(routes.searchCasesByApplicant, async ({ caller, body, language, purpose }) => {
  const page = await search({ caller, ...body, purpose });
  return {
    body: {
      items: page.items.map(({ summary, type }) => caseSummary(summary, type, language)),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    },
  };
});
