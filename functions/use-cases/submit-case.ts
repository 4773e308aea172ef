import { ulid } from 'ulid';
import { z } from 'zod';
import { caseRepository } from '../adapters/case.repository';
import { tenantRepository } from '../adapters/tenant.repository';
import { executionArnFor, workflowEngine } from '../adapters/workflow-engine';
import { logger, metrics } from '../commons/powertools';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { fieldErrors } from '../commons/http';
import type { Caller } from '../commons/http';
import { applicantKind, applicantSchema } from '../domain/applicant';
import { addDays, brusselsDate } from '../domain/calendar';
import type { Case } from '../domain/case';
import { caseNumber, openCase } from '../domain/case';
import { forbidden, validationError } from '../domain/errors';
import { dataValidator } from '../domain/transaction-type';
import { findTransactionType } from '../../workflows/catalogue';

export const submitCaseRequest = z
  .object({
    type: z.string().min(1).max(100),
    applicant: applicantSchema,
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export type SubmitCaseRequest = z.infer<typeof submitCaseRequest>;

/** The input every workflow receives. */
export interface WorkflowInput {
  readonly caseId: string;
  readonly tenant: string;
  readonly type: string;
  readonly applicant: Case['applicant'];
  readonly data: Case['data'];
}

/**
 * Submits a case for the caller's tenant:
 * 1. finds the transaction type and checks it accepts this kind of applicant;
 * 2. validates `data` against the type's input schema;
 * 3. checks that the tenant is onboarded;
 * 4. hands out the case number and computes the legal deadline (Europe/Brussels);
 * 5. writes the case, its number and its first audit event in one transaction;
 * 6. starts the workflow, named after the case id.
 */
export async function submitCase(request: SubmitCaseRequest, caller: Caller, now = new Date(), reason?: string): Promise<Case> {
  const type = findTransactionType(request.type);
  if (!type) {
    throw validationError('unknown transaction type', [{ path: 'type', message: `no transaction type '${request.type}' is published` }]);
  }
  const kind = applicantKind(request.applicant);
  if (!type.applicantKinds.includes(kind)) {
    throw validationError('applicant not accepted', [
      { path: 'applicant', message: `'${type.key}' accepts applicants of kind: ${type.applicantKinds.join(', ')}` },
    ]);
  }
  const data = dataValidator(type).safeParse(request.data);
  if (!data.success) throw validationError('data does not match the type’s schema', fieldErrors(data.error.issues, ['data']));

  const tenant = await tenantRepository.get(caller.tenant);
  if (!tenant) throw forbidden(`tenant ${caller.tenant} is not onboarded on Loket`);

  const id = ulid(now.getTime());
  const year = Number(brusselsDate(now).slice(0, 4));
  const sequence = await caseRepository.nextNumberSequence(tenant.id, year);
  const opened = openCase({
    id,
    number: caseNumber(tenant.id, year, sequence),
    tenant: tenant.id,
    type,
    applicant: request.applicant,
    data: data.data as Record<string, unknown>,
    dueAt: addDays(now, type.legalDeadline.days, type.legalDeadline.kind),
    executionArn: executionArnFor(type.key, id),
    actor: caller,
    now,
    reason,
  });
  await caseRepository.create(opened.case, opened.audit);

  const input: WorkflowInput = { caseId: id, tenant: tenant.id, type: type.key, applicant: opened.case.applicant, data: opened.case.data };
  await workflowEngine.start(type.key, id, input);
  metrics.addDimension('transactionType', type.key);
  metrics.addMetric('CaseSubmitted', MetricUnit.Count, 1);
  logger.info('Case submitted', { caseId: id, number: opened.case.number, type: type.key });
  return opened.case;
}
