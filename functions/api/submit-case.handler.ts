import { caseStore, tenantDirectory } from '../adapters/dynamodb/table';
import { workflowEngine } from '../adapters/step-functions';
import { catalogue } from '../catalogue/catalogue';
import { powertoolsTelemetry, systemClock } from '../commons/telemetry';
import { submitCase } from '../use-cases/submit-case';
import { routeHandler } from './http';
import * as routes from './routes';
import { caseView } from './views';

const submit = submitCase({
  cases: caseStore,
  idempotency: caseStore,
  tenants: tenantDirectory,
  workflows: workflowEngine,
  catalogue,
  clock: systemClock,
  telemetry: powertoolsTelemetry,
});

export const handler = routeHandler(routes.submitCase, async ({ caller, body, header, language }) => {
  const submission = await submit({ caller, ...body, reason: header('X-Audit-Reason'), idempotencyKey: header('Idempotency-Key') });
  return {
    body: caseView(submission.case, submission.type, language),
    headers: { location: `/v1/cases/${submission.case.id}`, ...(submission.replayed ? { 'idempotent-replayed': 'true' } : {}) },
  };
});
