import { catalogue } from '../../functions/catalogue/catalogue';
import { exampleOf } from '../../designer/run';
import type { ApiResponse, TestStack } from './test-stack';

/** How to answer a case's workflow: an outcome per task name, data per message name. */
export interface CasePlan {
  readonly outcomes?: Readonly<Record<string, string>>;
  /** Data per message name. @default an example built from the message's declared data schema */
  readonly messages?: Readonly<Record<string, Record<string, unknown>>>;
  /** The reason every completion gives, as a clerk would type it. @default none */
  readonly reason?: string;
  /** The data every completion gives. @default none */
  readonly data?: Readonly<Record<string, unknown>>;
  /** Tasks and messages (by name) left alone, so that their waits time out. @default none */
  readonly unanswered?: readonly string[];
}

/** Fails with what the API answered, body included, unless it answered `status`. */
function expectStatus(response: ApiResponse, status: number, doing: string): void {
  if (response.status !== status) {
    throw new Error(`${doing} answered ${response.status}, expected ${status}: ${JSON.stringify(response.body)}`);
  }
}

/** The clerk and every task role the catalogue's types declare, so one token can work every task of a tenant. */
export const allTaskRoles = [...new Set(['clerk', ...catalogue.all().flatMap((type) => type.roles)])];

/** The data a portal sends with a message when the plan gives none: an example of the data schema the case's type declares for it. */
export function messageDataOf(typeKey: string, message: string): Record<string, unknown> {
  const declared = catalogue.find(typeKey)?.messages[message];
  if (!declared) throw new Error(`type ${typeKey} declares no message '${message}'`);
  return exampleOf(declared.dataSchema) as Record<string, unknown>;
}

/**
 * Drives a case to a final status the way a back office would: completes each open task
 * with the plan's outcome (or its first allowed one) and delivers each awaited message (with
 * the plan's data, or an example of the message's declared data schema).
 * Every answer must be the success status (200 for a completion, 202 for a message): a
 * refused step fails the drive at once, with the answer's body. Returns the final case
 * and the steps taken.
 */
export async function driveToFinal(
  stack: TestStack,
  caseId: string,
  tokens: { portal: string; worker: string },
  plan: CasePlan = {},
  timeoutMs = 30_000,
  pollMs = 50,
): Promise<{ final: any; steps: string[] }> {
  const steps: string[] = [];
  // The time allowed runs from the case's last move (a new status, a step taken), not from the start: a
  // case with four tasks on a loaded machine is slow, while one that stands still this long is stuck.
  let deadline = Date.now() + timeoutMs;
  let lastStatus: string | undefined;
  for (;;) {
    const read = await stack.call('GET', `/v1/cases/${caseId}`, { token: tokens.portal });
    expectStatus(read, 200, `reading case ${caseId}`);
    const current = read.body;
    if (current.status.final) return { final: current, steps };
    if (current.status.code !== lastStatus) {
      lastStatus = current.status.code;
      deadline = Date.now() + timeoutMs;
    }
    if (Date.now() > deadline) throw new Error(`case ${caseId} stood still for ${timeoutMs} ms before a final status: ${JSON.stringify(current?.status)}; steps ${steps.join(', ')}`);
    for (const task of current.openTasks ?? []) {
      if (plan.unanswered?.includes(task.name)) continue;
      const outcome = plan.outcomes?.[task.name] ?? task.outcomes[0];
      const response = await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: tokens.worker, body: { outcome, ...(plan.reason && { reason: plan.reason }), ...(plan.data && { data: plan.data }) } });
      expectStatus(response, 200, `completing task ${task.name} (${task.id}) of case ${caseId} with '${outcome}'`);
      steps.push(`${task.name}=${outcome}`);
      deadline = Date.now() + timeoutMs;
    }
    for (const wait of current.awaitingMessages ?? []) {
      if (plan.unanswered?.includes(wait.name)) continue;
      const data = plan.messages?.[wait.name] ?? messageDataOf(current.type.key, wait.name);
      const response = await stack.call('POST', `/v1/cases/${caseId}/messages`, { token: tokens.portal, body: { name: wait.name, data } });
      expectStatus(response, 202, `delivering message ${wait.name} to case ${caseId}`);
      steps.push(`message ${wait.name}`);
      deadline = Date.now() + timeoutMs;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
