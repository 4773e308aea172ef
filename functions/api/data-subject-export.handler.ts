import { caseReads, caseStore } from '../adapters/dynamodb/table';
import { catalogue } from '../catalogue/catalogue';
import { exportDataSubject } from '../use-cases/data-subject';
import { accessDependencies } from './access.wiring';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseView } from './views';

const exportOf = exportDataSubject({ cases: caseStore, reads: caseReads, ...accessDependencies });

/** The data protection officer: everything the tenant holds about a person or business. */
export const handler = routeHandler(routes.dataSubjectExport, async ({ caller, body, purpose, language }) => {
  const held = await exportOf({ caller, applicant: body.applicant, purpose });
  return {
    body: {
      person: held.person,
      cases: held.cases.map(({ case: subject, tasks, history }) => ({
        case: caseView(subject, catalogue.versionOf(subject.type), language, tasks),
        history,
        documents: subject.documents
          .filter((document) => document.file)
          .map((document) => ({ reference: document.reference, href: `/v1/cases/${subject.id}/documents/${document.reference}` })),
      })),
      accessRecords: held.accessRecords,
    },
  };
});
