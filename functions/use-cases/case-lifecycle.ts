import { ulid } from 'ulid';
import { caseRepository } from '../adapters/case.repository';
import { workflowEngine } from '../adapters/workflow-engine';
import type { TaskWrite } from '../adapters/case.repository';
import { populationRegister } from '../adapters/population-register';
import { tenantRepository } from '../adapters/tenant.repository';
import { caseMetricDimension, caseMetricNames } from '../commons/metric-names';
import { metrics } from '../commons/powertools';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Actor } from '../domain/actor';
import { systemActor } from '../domain/actor';
import { addDays } from '../domain/calendar';
import type { Case, CaseDocument, Decision, DocumentFile } from '../domain/case';
import { isClosed, transition } from '../domain/case';
import { buildDocument } from '../domain/certificate';
import { notFound } from '../domain/errors';
import { cancelTask, isActive, openTask, taskResultOf } from '../domain/task';
import type { Tenant } from '../domain/tenant';
import type { TransactionType } from '../domain/transaction-type';
import { typeOfCase } from '../../workflows/catalogue';

async function requireCase(caseId: string): Promise<{ subject: Case; type: TransactionType }> {
  const subject = await caseRepository.get(caseId);
  if (!subject) throw notFound(`case ${caseId}`);
  return { subject, type: typeOfCase(subject) };
}


function countClosed(type: TransactionType, status: string): void {
  if (type.statuses.find((s) => s.code === status)?.final) {
    metrics.addDimension(caseMetricDimension, type.key);
    metrics.addMetric(status === 'failed' ? caseMetricNames.failed : caseMetricNames.completed, MetricUnit.Count, 1);
  }
}

export interface RecordStatusCommand {
  readonly caseId: string;
  readonly status: string;
  readonly decision?: Omit<Decision, 'decidedAt'>;
  readonly cancelOpenTasks?: boolean;
  readonly details?: Record<string, unknown>;
}

/**
 * Records a status transition decided by a workflow step:
 * 1. a case already in the target status is left alone (the step was retried after it had succeeded);
 * 2. otherwise the case moves to the status, with its audit event,
 * 3. cancelling its active tasks in the same transaction when asked (a timeout or a failure).
 */
export async function recordStatus(command: RecordStatusCommand, actor: Actor = systemActor('record-status')): Promise<Case> {
  const { subject, type } = await requireCase(command.caseId);
  const activeTasks = command.cancelOpenTasks ? (await caseRepository.tasksOfCase(subject.id)).filter(isActive) : [];
  const saved = await caseRepository.update(
    subject.id,
    (current) => {
      // A retried or re-run step finds its status reached already; a case closed meanwhile (withdrawn) moves no more.
      if (current.statusHistory.some((change) => change.status === command.status) || isClosed(current, type)) return undefined;
      const moved = transition(current, type, {
        status: command.status,
        actor,
        now: new Date(),
        decision: command.decision,
        details: command.details,
      });
      const tasks: TaskWrite[] = activeTasks.map((task) => ({ task: cancelTask(task), expect: 'active' }));
      return { ...moved, tasks };
    }
  );
  if (!saved) throw notFound(`case ${command.caseId}`);
  if (saved.version !== subject.version) countClosed(type, saved.status);
  return saved;
}

export interface CreateTaskCommand {
  readonly caseId: string;
  readonly name: string;
  readonly taskToken: string;
}

/**
 * Creates the human task a workflow step waits on:
 * 1. finds the task's definition (role, outcomes, due date) in the case's type;
 * 2. when the step is retried and its task already exists, hands the existing task the new token;
 * 3. otherwise opens a new task, written with its audit event in one transaction.
 */
export async function createTask(command: CreateTaskCommand, now = new Date()): Promise<{ taskId: string }> {
  const { subject, type } = await requireCase(command.caseId);
  const definition = type.tasks[command.name];
  if (!definition) throw new Error(`type '${type.key}' declares no task '${command.name}'`);
  const tasks = await caseRepository.tasksOfCase(subject.id);
  // A re-run workflow (recovery, redrive) does not ask again what a task already answered.
  const done = tasks.find((task) => task.name === command.name && task.status === 'completed' && task.completion);
  if (done?.completion) {
    await workflowEngine.resume(command.taskToken, taskResultOf(done.completion));
    return { taskId: done.id };
  }
  const existing = tasks.find((task) => task.name === command.name && isActive(task));
  let taskId = existing?.id ?? ulid(now.getTime());
  await caseRepository.update(
    subject.id,
    (current) => {
      if (existing) {
        return {
          case: current,
          audit: { action: 'task.reissued', actor: systemActor('create-task'), at: now.toISOString(), details: { taskId } },
          tasks: [{ task: { ...existing, token: command.taskToken }, expect: 'active' }],
        };
      }
      const opened = openTask({
        id: taskId,
        caseId: current.id,
        caseNumber: current.number,
        tenant: current.tenant,
        name: command.name,
        definition,
        dueAt: addDays(now, definition.dueInWorkingDays, 'working'),
        token: command.taskToken,
        now,
      });
      taskId = opened.task.id;
      return { case: current, audit: opened.audit, tasks: [{ task: opened.task, expect: 'new' }] };
    }
  );
  return { taskId };
}

export interface IssueCertificateCommand {
  readonly caseId: string;
  /** The final status the document closes the case with. @default 'issued' */
  readonly status?: string;
  readonly decidedBy: string;
  readonly reason?: string | null;
}

/**
 * Renders a document as a file and keeps it (see case-documents.ts). The issue-certificate step
 * passes it in, so that the other steps of this module load neither the renderer nor the store.
 */
export type FileDocument = (document: CaseDocument, subject: Case, tenant: Tenant) => Promise<DocumentFile>;

/**
 * Issues a case's document (a certificate, a permit):
 * 1. looks the applicant up in the population register (once-only: nothing is asked again);
 * 2. writes the document's text in Dutch and English, in the tenant's name;
 * 3. renders it as a PDF and stores it, before the transaction: a failed transaction leaves a
 *    harmless file that the retried step overwrites, since the key follows from the case;
 * 4. closes the case in its final status with the decision and the document (with its file's
 *    key, size and SHA-256), in one transaction.
 */
export async function issueCertificate(command: IssueCertificateCommand, fileDocument: FileDocument, now = new Date()): Promise<Case> {
  const { subject, type } = await requireCase(command.caseId);
  const status = command.status ?? 'issued';
  if (isClosed(subject, type)) return subject;
  const tenant = await tenantRepository.get(subject.tenant);
  if (!tenant) throw new Error(`tenant ${subject.tenant} of case ${subject.id} is not onboarded`);
  const person = 'insz' in subject.applicant ? await populationRegister.findPerson(subject.applicant.insz) : undefined;
  const text = buildDocument(type.key, { subject, tenant, person, now });
  const document: CaseDocument = { ...text, file: await fileDocument(text, subject, tenant) };
  const saved = await caseRepository.update(
    subject.id,
    (current) => {
      if (isClosed(current, type)) return undefined;
      return transition(current, type, {
        status,
        actor: systemActor('issue-certificate'),
        now,
        decision: { outcome: status, decidedBy: command.decidedBy, ...(command.reason ? { reason: command.reason } : {}) },
        document,
      });
    }
  );
  if (!saved) throw notFound(`case ${command.caseId}`);
  if (saved.version !== subject.version) countClosed(type, saved.status);
  return saved;
}
