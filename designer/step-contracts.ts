import type { MessageResult } from '../functions/domain/message-wait';
import type { TaskResult } from '../functions/domain/task';
import type { WorkflowInput } from '../functions/ports/workflow-engine.port';
import type { lookUpEnterprise, lookUpPerson } from '../functions/use-cases/look-up-applicant';
import type { registerMove } from '../functions/use-cases/register-move';

/** What a use case's function answers, unwrapped from its promise. */
type Answer<Factory extends (...args: never[]) => (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<ReturnType<Factory>>>;

/**
 * The names of an answer's fields, each with what it means; `satisfies` holds each list to the
 * type the code returns, so that a field added, renamed or dropped there fails the build here.
 */
type Fields<Answer> = { readonly [Field in keyof Answer]-?: string };

/** The fields every execution starts with (workflowInputOf): ids and codes, never personal data. */
export const workflowInputFields = {
  caseId: "the case's id",
  tenant: "the tenant's NIS code",
  type: "the transaction type's key",
  version: "the transaction type's version",
} as const satisfies Fields<WorkflowInput>;

/** What a completed task resumes its create-task state with. */
export const taskResultFields = {
  outcome: 'one of the outcomes type.json declares for the task',
  completedBy: 'who completed it (a subject)',
  taskId: "the task's id; the reason and data stay in the table",
} as const satisfies Fields<TaskResult>;

/** What a delivered message resumes its await-message state with. */
export const messageResultFields = {
  name: "the message's name",
  receivedAt: 'when it arrived (ISO 8601)',
  by: 'who delivered it (a subject)',
} as const satisfies Fields<MessageResult>;

/** One Loket step function as a workflow calls it. */
export interface StepContract {
  /** The Payload fields it takes; `?` marks an optional one. */
  readonly payload: Readonly<Record<string, string>>;
  /** What it answers: the fields of `$.Payload` for a plain invoke, of the task's output for a `.waitForTaskToken` one. */
  readonly result: Readonly<Record<string, string>>;
  /** Whether the workflow must call it with `.waitForTaskToken` (it resumes later with `result`). */
  readonly waitsForTaskToken: boolean;
  /** The fields an object in the Payload must hold when it is given, by the Payload field. */
  readonly nested?: Readonly<Record<string, readonly string[]>>;
}

const statusAnswer = { status: "the case's status afterwards" } as const;

/**
 * The step functions a workflow may invoke, by name (functions/app.declaration.ts), with what
 * each takes and answers. The designers' documentation of the same contract is the workflows
 * README; the lint reads the results from here to check the paths a workflow reads.
 */
export const stepContracts: Readonly<Record<string, StepContract>> = {
  'look-up-person': {
    payload: { caseId: '$.caseId' },
    result: {
      found: 'whether the population register knows the applicant',
      residesInTenant: "whether the applicant lives in the tenant's municipality",
    } satisfies Fields<Answer<typeof lookUpPerson>>,
    waitsForTaskToken: false,
  },
  'look-up-enterprise': {
    payload: { caseId: '$.caseId' },
    result: {
      found: 'whether the enterprise register knows the business',
      active: 'whether it is active',
      seatInTenant: "whether its seat is in the tenant's municipality",
    } satisfies Fields<Answer<typeof lookUpEnterprise>>,
    waitsForTaskToken: false,
  },
  'update-register': {
    payload: { caseId: '$.caseId' },
    result: { registered: 'always true: the move is recorded in the population register' } satisfies Fields<Answer<typeof registerMove>>,
    waitsForTaskToken: false,
  },
  'record-status': {
    payload: {
      caseId: '$.caseId',
      status: 'a status type.json declares',
      'executionArn?': '$$.Execution.Id',
      'decision?': '{ outcome, decidedBy, taskId?, reason? }: closes the case with this decision',
      'cancelOpenTasks?': 'true cancels the case’s open tasks',
      'error?': '{ Error, Cause? }: what failed, for the failure recorder',
      'details?': 'what the audit trail should keep (e.g. the advice given)',
    },
    result: statusAnswer,
    waitsForTaskToken: false,
    nested: { decision: ['outcome', 'decidedBy'], error: ['Error'] },
  },
  'create-task': {
    payload: {
      caseId: '$.caseId',
      name: 'a task type.json declares',
      taskToken: '$$.Task.Token',
      'status?': 'a status type.json declares, not a final one: the case moves to it before the task opens',
    },
    result: taskResultFields,
    waitsForTaskToken: true,
  },
  'await-message': {
    payload: {
      caseId: '$.caseId',
      name: 'a message type.json declares',
      taskToken: '$$.Task.Token',
      'suspendDeadline?': 'true stops the legal deadline while the case waits (the applicant must act)',
      'status?': 'a status type.json declares, not a final one: the case moves to it before it starts waiting',
    },
    result: messageResultFields,
    waitsForTaskToken: true,
  },
  'issue-certificate': {
    payload: {
      caseId: '$.caseId',
      'status?': "the final status it closes the case with (default 'issued')",
      decision: '{ completedBy, taskId?, reason? }: a task result, or what the workflow states itself',
    },
    result: statusAnswer,
    waitsForTaskToken: false,
    nested: { decision: ['completedBy'] },
  },
};
