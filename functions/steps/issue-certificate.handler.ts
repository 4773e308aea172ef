import * as z from '../domain/zod';
import { pdfDocumentFiling } from '../adapters/document.filing';
import { caseStore, tenantDirectory } from '../adapters/dynamodb/table';
import { populationRegister } from '../adapters/population-register';
import { catalogue } from '../catalogue/catalogue';
import { stepHandler } from '../commons/step';
import { powertoolsTelemetry, systemClock } from '../commons/telemetry';
import { issueDocument } from '../use-cases/issue-document';

/**
 * `decision` is what decided, as the workflow holds it: a completed task's result (who, and the
 * task, whose reason is read from the table) or a result the workflow states itself (who, and why).
 */
const input = z.object({
  caseId: z.string(),
  status: z.optional(z.string()),
  decision: z.object({ completedBy: z.string(), taskId: z.nullish(z.string()), reason: z.nullish(z.string()) }),
});

const issue = issueDocument({
  cases: caseStore,
  tenants: tenantDirectory,
  population: populationRegister,
  documents: pdfDocumentFiling,
  catalogue,
  clock: systemClock,
  telemetry: powertoolsTelemetry,
});

export const handler = stepHandler(input, async ({ caseId, status, decision }) => ({
  status: await issue({ caseId, status, decidedBy: decision.completedBy, taskId: decision.taskId, reason: decision.reason }),
}));
