import type { Actor } from './actor';
import { actorName } from './actor';
import type { AuditDraft } from './audit';
import { conflict, forbidden, validationError } from './errors';
import type { LocalizedText, TaskDefinition } from './transaction-type';

export type TaskStatus = 'open' | 'claimed' | 'completed' | 'cancelled';

export interface TaskCompletion {
  readonly outcome: string;
  readonly by: string;
  readonly at: string;
  readonly reason?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** A human task (taak) a workflow step waits on, for one candidate role. */
export interface Task {
  readonly id: string;
  readonly caseId: string;
  readonly caseNumber: string;
  readonly tenant: string;
  readonly name: string;
  readonly title: LocalizedText;
  readonly role: string;
  readonly status: TaskStatus;
  readonly outcomes: readonly string[];
  readonly createdAt: string;
  readonly dueAt: string;
  readonly assignee?: string;
  readonly completion?: TaskCompletion;
  /** The waiting workflow step's task token: stored, never shown. */
  readonly token: string;
}

export interface NewTask {
  readonly id: string;
  readonly caseId: string;
  readonly caseNumber: string;
  readonly tenant: string;
  readonly name: string;
  readonly definition: TaskDefinition;
  readonly dueAt: Date;
  readonly token: string;
  readonly now: Date;
}

export function openTask(input: NewTask): { task: Task; audit: AuditDraft } {
  const at = input.now.toISOString();
  const task: Task = {
    id: input.id,
    caseId: input.caseId,
    caseNumber: input.caseNumber,
    tenant: input.tenant,
    name: input.name,
    title: input.definition.title,
    role: input.definition.role,
    status: 'open',
    outcomes: input.definition.outcomes,
    createdAt: at,
    dueAt: input.dueAt.toISOString(),
    token: input.token,
  };
  return {
    task,
    audit: {
      action: 'task.created',
      actor: { kind: 'system', component: 'create-task' },
      at,
      details: { taskId: task.id, name: task.name, role: task.role, dueAt: task.dueAt },
    },
  };
}

export function isActive(task: Task): boolean {
  return task.status === 'open' || task.status === 'claimed';
}

export interface Completion {
  readonly outcome: string;
  readonly actor: Actor & { kind: 'user' };
  readonly now: Date;
  /** The motivation of the decision (the body's reason): kept with the task, and it becomes the case's decision's reason. */
  readonly reason?: string;
  /** The reason for the action (X-Audit-Reason): kept in the audit event next to the motivation, never instead of it. */
  readonly auditReason?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/**
 * Whether a completion repeats the one that completed the task: same person, same outcome (a client's retry).
 * Only a completed task carries a completion (a task is cancelled only while it is active), so the
 * completion alone says the task was completed.
 */
export function isRepeatedCompletion(task: Task, completion: Pick<Completion, 'outcome' | 'actor'>): boolean {
  return task.completion?.by === actorName(completion.actor) && task.completion.outcome === completion.outcome;
}

/**
 * Completes an active task with one of its allowed outcomes, by someone holding its role. The
 * same completion repeated by the same person changes nothing (undefined); any other on a
 * task no longer active is a conflict.
 */
export function completeTask(task: Task, completion: Completion): { task: Task; audit: AuditDraft } | undefined {
  if (!completion.actor.roles.includes(task.role)) {
    throw forbidden(`completing task '${task.name}' needs role '${task.role}'`);
  }
  if (isRepeatedCompletion(task, completion)) return undefined;
  if (!isActive(task)) throw conflict(`task ${task.id} is already ${task.status}`);
  if (task.assignee !== undefined && task.assignee !== completion.actor.subject) {
    throw conflict(`task ${task.id} is claimed by someone else`);
  }
  if (!task.outcomes.includes(completion.outcome)) {
    throw validationError('outcome not allowed', [
      { path: 'outcome', message: `must be one of: ${task.outcomes.join(', ')}` },
    ]);
  }
  const at = completion.now.toISOString();
  const by = actorName(completion.actor);
  return {
    task: {
      ...task,
      status: 'completed',
      completion: { outcome: completion.outcome, by, at, reason: completion.reason, data: completion.data },
    },
    audit: {
      action: 'task.completed',
      actor: completion.actor,
      at,
      reason: completion.auditReason,
      details: { taskId: task.id, name: task.name, outcome: completion.outcome, ...(completion.reason === undefined ? {} : { motivation: completion.reason }) },
    },
  };
}

/** A clerk takes an open task (claims it); claiming one's own claimed task again changes nothing. */
export function claimTask(task: Task, actor: Actor & { kind: 'user' }, now: Date): { task: Task; audit: AuditDraft } | undefined {
  if (!actor.roles.includes(task.role)) throw forbidden(`claiming task '${task.name}' needs role '${task.role}'`);
  if (task.status === 'claimed' && task.assignee === actor.subject) return undefined;
  if (task.status !== 'open') {
    throw conflict(task.status === 'claimed' ? `task ${task.id} is claimed by someone else` : `task ${task.id} is already ${task.status}`);
  }
  return {
    task: { ...task, status: 'claimed', assignee: actor.subject },
    audit: { action: 'task.claimed', actor, at: now.toISOString(), details: { taskId: task.id, name: task.name } },
  };
}

/**
 * What the waiting workflow step receives when its task is completed: the outcome, who decided
 * and which task. The reason and the data a clerk typed stay with the task in the table (free
 * text may name the applicant, and an execution's history is no place for that): a step that
 * needs them reads them there, by `taskId`.
 */
export interface TaskResult {
  readonly outcome: string;
  readonly completedBy: string;
  readonly taskId: string;
}

export function taskResultOf(task: Task & { readonly completion: TaskCompletion }): TaskResult {
  return { outcome: task.completion.outcome, completedBy: task.completion.by, taskId: task.id };
}

/** Cancels an active task, e.g. when its case closes without it. */
export function cancelTask(task: Task): Task {
  return { ...task, status: 'cancelled' };
}
