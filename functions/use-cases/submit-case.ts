import { createHash } from 'node:crypto';
import { ulid } from '../domain/ulid';
import type { Caller } from '../domain/actor';
import type { Applicant } from '../domain/applicant';
import { applicantKind } from '../domain/applicant';
import { addDays, brusselsDate } from '../domain/calendar';
import { caseNumber, openCase } from '../domain/case';
import { fieldErrors, forbidden, notFound, TransientError, unprocessable, validationError } from '../domain/errors';
import { permissions, requireRole } from '../domain/permissions';
import { dataValidator, type TransactionType } from '../domain/transaction-type';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseStore, IdempotencyRecord, IdempotencyStore } from '../ports/case-store.port';
import { IdempotencyKeyTaken } from '../ports/case-store.port';
import type { Clock, Telemetry, TenantDirectory } from '../ports/services.port';
import type { WorkflowEngine } from '../ports/workflow-engine.port';
import type { CaseOutcome } from './own-case';

/** How long an Idempotency-Key is remembered: a day, as payment APIs commonly do. */
export const idempotencyWindowSeconds = 24 * 60 * 60;

export interface SubmitCaseCommand {
  readonly caller: Caller;
  readonly type: string;
  readonly applicant: Applicant;
  readonly data: Readonly<Record<string, unknown>>;
  readonly reason?: string;
  readonly idempotencyKey?: string;
}

export interface Submission extends CaseOutcome {
  /** True when an earlier request with the same Idempotency-Key created the case. */
  readonly replayed: boolean;
}

export interface SubmitCaseDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'create' | 'nextNumberSequence'>;
  readonly idempotency: IdempotencyStore;
  readonly tenants: TenantDirectory;
  readonly workflows: Pick<WorkflowEngine, 'executionIdFor' | 'currentVersion'>;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
}

/** The fingerprint of a request after normalisation, so that `85.07.30-033.28` and `85073003328` are one request. */
function fingerprint(command: SubmitCaseCommand): string {
  return createHash('sha256').update(JSON.stringify([command.type, command.applicant, command.data])).digest('hex');
}

/**
 * Submits a case for the caller's tenant:
 * 1. with an Idempotency-Key seen before, answers with that key's case (or 422 if the request differs);
 * 2. finds the transaction type and checks it accepts this kind of applicant;
 * 3. validates `data` against the type's input schema;
 * 4. checks that the tenant is onboarded (read while the key is looked up);
 * 5. hands out the case number, reads the workflow version new cases of the type start on
 *    (versionForNewCase), and computes the legal deadline (Europe/Brussels);
 * 6. writes the case, its number, its first audit event, its Idempotency-Key and the start of
 *    its workflow (to the outbox) in one transaction: of concurrent requests with one key
 *    exactly one creates the case, and a committed case always gets its workflow.
 */
export function submitCase(deps: SubmitCaseDependencies) {
  /** The record of the concurrent request that won the key; its transaction may need a moment to become visible. */
  async function winnerOf(tenant: string, key: string): Promise<IdempotencyRecord> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const record = await deps.idempotency.find(tenant, key);
      if (record) return record;
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    }
    throw new TransientError(`the request that holds Idempotency-Key ${key} did not complete`);
  }

  /**
   * The version the type's alias routes new cases to, when it routes them all to one version that
   * publishes the type version the submission was checked against: the case records it as it is
   * created, and its start runs it without a change of its own (a case write, an audit event and
   * its seal less per case; issue 14). Otherwise none, and the start records the version that runs
   * (start-workflow): while a deployment splits the alias, when the deployed workflow publishes
   * another type version than this function's catalogue, or when Step Functions does not answer,
   * which must not refuse a submission.
   */
  async function versionForNewCase(type: TransactionType): Promise<string | undefined> {
    try {
      const current = await deps.workflows.currentVersion(type.key);
      return current && (current.typeVersion === undefined || current.typeVersion === type.version) ? current.versionArn : undefined;
    } catch (error) {
      deps.telemetry.warn('The workflow version of new cases could not be read: the start records it', { typeKey: type.key, errorName: error instanceof Error ? error.name : typeof error });
      return undefined;
    }
  }

  async function replay(record: IdempotencyRecord, requestHash: string): Promise<Submission> {
    if (record.requestHash !== requestHash) {
      throw unprocessable('this Idempotency-Key was used with a different request; use a new key for a new request');
    }
    const existing = await deps.cases.get(record.caseId);
    if (!existing) throw notFound(`case ${record.caseId}`);
    return { case: existing, type: deps.catalogue.ofCase(existing), replayed: true };
  }

  return async (command: SubmitCaseCommand): Promise<Submission> => {
    const { caller } = command;
    requireRole(caller, permissions.submitCase);
    const now = deps.clock.now();
    const requestHash = fingerprint(command);
    const key = command.idempotencyKey;
    // The tenant is read while the key is looked up: one round trip instead of two (issue 14). A key used
    // before answers without it, so the read is awaited only after that, and a failed read fails nothing else.
    const tenantRead = deps.tenants.get(caller.tenant);
    // Stryker disable next-line ArrowFunction: equivalent; the handler returns nothing either way, it only marks the rejection handled until the read is awaited
    tenantRead.catch(() => undefined);
    if (key !== undefined) {
      const prior = await deps.idempotency.find(caller.tenant, key);
      if (prior) return replay(prior, requestHash);
    }

    const type = deps.catalogue.find(command.type);
    if (!type) {
      throw validationError('unknown transaction type', [{ path: 'type', message: `no transaction type '${command.type}' is published` }]);
    }
    const kind = applicantKind(command.applicant);
    if (!type.applicantKinds.includes(kind)) {
      // Stryker disable next-line StringLiteral: equivalent; of the two applicant kinds, a type that refuses one accepts exactly one, so no separator shows
      const accepted = type.applicantKinds.join(', ');
      throw validationError('applicant not accepted', [{ path: 'applicant', message: `'${type.key}' accepts applicants of kind: ${accepted}` }]);
    }
    const data = dataValidator(type).safeParse(command.data);
    if (!data.success) throw validationError('data does not match the type’s schema', fieldErrors(data.error.issues, ['data']));

    const tenant = await tenantRead;
    if (!tenant) throw forbidden(`tenant ${caller.tenant} is not onboarded on Loket`);

    const id = ulid(now.getTime());
    const year = Number(brusselsDate(now).slice(0, 4));
    // Two round trips at once: the version read never fails the submission (versionForNewCase).
    const [workflowVersionArn, sequence] = await Promise.all([versionForNewCase(type), deps.cases.nextNumberSequence(tenant.id, year)]);
    const opened = openCase({
      id,
      number: caseNumber(tenant.id, year, sequence),
      tenant: tenant.id,
      type,
      applicant: command.applicant,
      data: data.data as Record<string, unknown>,
      dueAt: addDays(now, type.legalDeadline.days, type.legalDeadline.kind),
      executionArn: deps.workflows.executionIdFor(type.key, id),
      workflowVersionArn,
      actor: caller,
      now,
      reason: command.reason,
    });
    const idempotency: IdempotencyRecord | undefined =
      key === undefined
        ? undefined
        : { tenant: tenant.id, key, requestHash, caseId: id, expiresAt: Math.floor(now.getTime() / 1000) + idempotencyWindowSeconds };
    try {
      await deps.cases.create(opened.case, opened.audit, idempotency, [{ kind: 'start-workflow', caseId: id }]);
    } catch (error) {
      if (error instanceof IdempotencyKeyTaken && key !== undefined) return replay(await winnerOf(caller.tenant, key), requestHash);
      throw error;
    }

    deps.telemetry.caseSubmitted(type.key);
    return { case: opened.case, type, replayed: false };
  };
}
