import { createHash } from 'node:crypto';
import { ulid } from 'ulid';
import type { SubmitCaseRequest } from '../api/api.schemas';
import { caseRepository, IdempotencyKeyTaken } from '../adapters/case.repository';
import type { IdempotencyRecord } from '../adapters/case.repository';
import { tenantRepository } from '../adapters/tenant.repository';
import { executionArnFor, workflowEngine } from '../adapters/workflow-engine';
import { caseMetricDimension, caseMetricNames } from '../commons/metric-names';
import { logger, metrics } from '../commons/powertools';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { fieldErrors } from '../commons/http';
import type { Caller } from '../commons/http';
import { applicantKind } from '../domain/applicant';
import { addDays, brusselsDate } from '../domain/calendar';
import type { Case } from '../domain/case';
import { caseNumber, openCase } from '../domain/case';
import { forbidden, notFound, TransientError, unprocessable, validationError } from '../domain/errors';
import { dataValidator } from '../domain/transaction-type';
import { findTransactionType } from '../../workflows/catalogue';

/** How long an Idempotency-Key is remembered: a day, as payment APIs commonly do. */
const idempotencyWindowSeconds = 24 * 60 * 60;

export interface SubmitOptions {
  readonly now?: Date;
  readonly reason?: string;
  readonly idempotencyKey?: string;
}

export interface Submission {
  readonly case: Case;
  /** True when an earlier request with the same Idempotency-Key created the case. */
  readonly replayed: boolean;
}

/** The fingerprint of a request after normalisation, so that `85.07.30-033.28` and `85073003328` are one request. */
function fingerprint(request: SubmitCaseRequest): string {
  return createHash('sha256').update(JSON.stringify([request.type, request.applicant, request.data])).digest('hex');
}

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
 * 1. with an Idempotency-Key seen before, answers with that key's case (or 422 if the request differs);
 * 2. finds the transaction type and checks it accepts this kind of applicant;
 * 3. validates `data` against the type's input schema;
 * 4. checks that the tenant is onboarded;
 * 5. hands out the case number and computes the legal deadline (Europe/Brussels);
 * 6. writes the case, its number, its first audit event and its Idempotency-Key in one
 *    transaction: of concurrent requests with one key exactly one creates the case;
 * 7. starts the workflow, named after the case id, so a repeated start cannot run it twice.
 */
export async function submitCase(request: SubmitCaseRequest, caller: Caller, options: SubmitOptions = {}): Promise<Submission> {
  const now = options.now ?? new Date();
  const requestHash = fingerprint(request);
  const key = options.idempotencyKey;
  if (key !== undefined) {
    const prior = await caseRepository.idempotencyRecord(caller.tenant, key);
    if (prior) return replay(prior, requestHash);
  }

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
    reason: options.reason,
  });
  const idempotency: IdempotencyRecord | undefined =
    key === undefined
      ? undefined
      : { tenant: tenant.id, key, requestHash, caseId: id, expiresAt: Math.floor(now.getTime() / 1000) + idempotencyWindowSeconds };
  try {
    await caseRepository.create(opened.case, opened.audit, idempotency);
  } catch (error) {
    if (error instanceof IdempotencyKeyTaken && key !== undefined) return replay(await winnerOf(caller.tenant, key), requestHash);
    throw error;
  }

  await startWorkflow(opened.case);
  metrics.addDimension(caseMetricDimension, type.key);
  metrics.addMetric(caseMetricNames.submitted, MetricUnit.Count, 1);
  logger.info('Case submitted', { caseId: id, number: opened.case.number, type: type.key });
  return { case: opened.case, replayed: false };
}

function startWorkflow(subject: Case): Promise<string> {
  const input: WorkflowInput = {
    caseId: subject.id,
    tenant: subject.tenant,
    type: subject.type.key,
    applicant: subject.applicant,
    data: subject.data,
  };
  return workflowEngine.start(subject.type.key, subject.id, input);
}

/** The record of the concurrent request that won the key; its transaction may need a moment to become visible. */
async function winnerOf(tenant: string, key: string): Promise<IdempotencyRecord> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const record = await caseRepository.idempotencyRecord(tenant, key);
    if (record) return record;
    await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
  }
  throw new TransientError(`the request that holds Idempotency-Key ${key} did not complete`);
}

async function replay(record: IdempotencyRecord, requestHash: string): Promise<Submission> {
  if (record.requestHash !== requestHash) {
    throw unprocessable('this Idempotency-Key was used with a different request; use a new key for a new request');
  }
  const existing = await caseRepository.get(record.caseId);
  if (!existing) throw notFound(`case ${record.caseId}`);
  // The first request may have stopped between its write and the start: starting again is harmless.
  await startWorkflow(existing);
  return { case: existing, replayed: true };
}
