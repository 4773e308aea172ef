import { citizenCaseOverview } from '../adapters/case-overview.instance';
import { caseStore, processingLog } from '../adapters/dynamodb/table';
import { pseudonyms } from '../adapters/pseudonyms.instance';
import { catalogue } from '../catalogue/catalogue';
import { systemClock } from '../commons/telemetry';
import type { CaseOverviewFeed } from '../ports/case-overview.port';
import { publishCaseOverview } from '../use-cases/publish-case-overview';

/**
 * The citizen's case overview as the delivery machinery calls it, wired once. A function that
 * imports it declares `publishesCaseOverview` and `table: 'read'` (functions/app.declaration.ts),
 * which give it the overview's endpoints, its credentials' secret and the table.
 */
export const caseOverviewFeed: CaseOverviewFeed = publishCaseOverview({
  cases: caseStore,
  catalogue,
  overview: citizenCaseOverview,
  processingLog,
  pseudonyms,
  clock: systemClock,
});
