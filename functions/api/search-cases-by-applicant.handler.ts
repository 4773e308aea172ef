import { caseReads } from '../adapters/dynamodb/table';
import { catalogue } from '../catalogue/catalogue';
import { searchCases } from '../use-cases/read-cases';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseSummary } from './views';

const search = searchCases({ reads: caseReads, catalogue });

/** Searches by applicant through the applicant index; the number comes in the body, so no URL or access log holds it. */
export const handler = routeHandler(routes.searchCasesByApplicant, async ({ caller, body, language }) => {
  const page = await search({ caller, ...body });
  return {
    body: {
      items: page.items.map(({ summary, type }) => caseSummary(summary, type, language)),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    },
  };
});
