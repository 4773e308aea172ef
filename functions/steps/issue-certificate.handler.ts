import * as z from 'zod';
import { pdfDocumentFiling } from '../adapters/document.filing';
import { caseStore, tenantDirectory } from '../adapters/dynamodb/table';
import { populationRegister } from '../adapters/population-register';
import { catalogue } from '../catalogue/catalogue';
import { stepHandler } from '../commons/step';
import { powertoolsTelemetry, systemClock } from '../commons/telemetry';
import { issueDocument } from '../use-cases/issue-document';

const input = z.object({ caseId: z.string(), status: z.string().optional(), decidedBy: z.string(), reason: z.string().nullish() });

const issue = issueDocument({
  cases: caseStore,
  tenants: tenantDirectory,
  population: populationRegister,
  documents: pdfDocumentFiling,
  catalogue,
  clock: systemClock,
  telemetry: powertoolsTelemetry,
});

export const handler = stepHandler(input, async (command) => ({ status: await issue(command) }));
