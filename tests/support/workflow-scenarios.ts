import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { DescribeExecutionCommand, DescribeStateMachineCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { publishAndRouteWorkflow } from '../../infra/local/workflow-versions';
import { stepFunctions } from '../../functions/app.declaration';
import { localFunctionArn } from '../../infra/local/lambda-host';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { catalogue } from '../../functions/catalogue/catalogue';
import { closingNoticeInWorkflow } from '../../functions/domain/closing-notice';
import type { TransactionType } from '../../functions/domain/transaction-type';
import { allTaskRoles } from './case-driver';
import type { TestStack } from './test-stack';
import { eventually, startTestStack } from './test-stack';

/** One path through a workflow: how the back office answers, what goes wrong, where it must end. */
export interface Scenario {
  readonly name: string;
  /** The request; the type's example when absent. */
  readonly request?: { applicant: unknown; data: unknown };
  /** Task name → outcome; a task not listed is left alone (so that it times out). */
  readonly outcomes?: Readonly<Record<string, string>>;
  /** Message name → data; a message not listed is never sent (so that its wait times out). */
  readonly messages?: Readonly<Record<string, Record<string, unknown>>>;
  /** State name → TimeoutSeconds for this scenario, to make one wait time out quickly. */
  readonly timeouts?: Readonly<Record<string, number>>;
  /** Every step function fails this many times, with a transient Lambda error, before it works. */
  readonly transientFailures?: number;
  /** Withdraw the case once it reaches this status. */
  readonly withdrawAt?: string;
  readonly expectedStatus: string;
  /** States the execution must have entered, in this order (others may come between). */
  readonly expectedPath?: readonly string[];
  /** More checks on the final case. */
  readonly check?: (finalCase: any, stack: TestStack) => Promise<void> | void;
}

/** Fails the scenario with what the API answered, body included, unless it answered `status`. */
function expectStatus(response: { status: number; body: unknown }, status: number, doing: string): void {
  if (response.status !== status) {
    throw new Error(`${doing} answered ${response.status}, expected ${status}: ${JSON.stringify(response.body)}`);
  }
}

interface Fault {
  readonly caseId: string;
  readonly remaining: Map<string, number>;
}

const quoted = (names: Iterable<string>) => [...names].map((name) => `'${name}'`).join(', ');

/**
 * What a scenario names that its type does not declare: a task, an outcome, a message, a final
 * status or a status to withdraw in. A misspelt name would otherwise leave a task or message
 * alone, and the scenario would test a timeout it never meant to.
 */
export function undeclaredIn(type: TransactionType, scenario: Scenario): string[] {
  const problems: string[] = [];
  for (const [task, outcome] of Object.entries(scenario.outcomes ?? {})) {
    const declared = type.tasks[task];
    if (!declared) problems.push(`no task '${task}'; the type declares ${quoted(Object.keys(type.tasks))}`);
    else if (!declared.outcomes.includes(outcome)) problems.push(`task '${task}' has no outcome '${outcome}'; it declares ${quoted(declared.outcomes)}`);
  }
  for (const message of Object.keys(scenario.messages ?? {})) {
    if (!type.messages[message]) problems.push(`no message '${message}'; the type declares ${quoted(Object.keys(type.messages))}`);
  }
  const finals = type.statuses.filter((status) => status.final).map((status) => status.code);
  if (!finals.includes(scenario.expectedStatus)) problems.push(`'${scenario.expectedStatus}' is no final status; the type declares ${quoted(finals)}`);
  const open = type.statuses.filter((status) => !status.final).map((status) => status.code);
  if (scenario.withdrawAt !== undefined && !open.includes(scenario.withdrawAt)) problems.push(`cannot withdraw in '${scenario.withdrawAt}'; the open statuses are ${quoted(open)}`);
  return problems;
}

/**
 * Runs each scenario of one transaction type on its own local stack, through the HTTP API
 * as a portal and a back office would, and checks the final status, the path the execution
 * took, and the audit chain. Every request the scenario makes must succeed (201, 200, 202);
 * a refusal fails the scenario with the answer's body.
 */
export function describeScenarios(typeKey: string, scenarios: readonly Scenario[]): void {
  const type = catalogue.find(typeKey);
  if (!type) throw new Error(`no type ${typeKey}`);
  const misnamed = scenarios.flatMap((scenario) => undeclaredIn(type, scenario).map((problem) => `${typeKey}, scenario "${scenario.name}": ${problem}`));
  if (misnamed.length > 0) throw new Error(misnamed.join('\n'));
  let stack: TestStack;
  let sfn: SFNClient;
  let portal: string;
  let worker: string;
  let original = '';
  let fault: Fault | undefined;
  const stateMachineArn = () => stack.stateMachineArns[typeKey]!;

  beforeAll(async () => {
    stack = await startTestStack({
      timeScale: 0.01,
      maxWaitSeconds: 0.05,
      injectFault: (functionName, payload) => {
        const caseId = (payload as { caseId?: string } | undefined)?.caseId;
        if (!fault || !caseId) return;
        // Armed before submission, a fault binds to the first case that calls a step.
        if (fault.caseId === '') Object.assign(fault, { caseId });
        if (caseId !== fault.caseId) return;
        const left = fault.remaining.get(functionName) ?? 0;
        if (left <= 0) return;
        fault.remaining.set(functionName, left - 1);
        const error = new Error('injected transient failure');
        error.name = 'Lambda.ServiceException';
        throw error;
      },
    });
    sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
    portal = await stack.token({ tenant: '44021', roles: ['portal'] });
    worker = await stack.token({ tenant: '44021', roles: allTaskRoles, subject: 'back-office@gent' });
    original = (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stateMachineArn() }))).definition!;
  }, 60_000);

  afterAll(async () => {
    sfn?.destroy();
    await stack?.stop();
  });

  async function withTimeouts(timeouts: Readonly<Record<string, number>> | undefined): Promise<void> {
    const definition = JSON.parse(original);
    const visit = (states: Record<string, any>) => {
      for (const [name, state] of Object.entries(states)) {
        if (timeouts?.[name] !== undefined) state.TimeoutSeconds = timeouts[name];
        for (const branch of state.Branches ?? []) visit(branch.States);
      }
    };
    visit(definition.States);
    await publishAndRouteWorkflow(sfn, { key: typeKey, stateMachineArn: stateMachineArn(), version: type!.version, definition: JSON.stringify(definition) });
  }

  test.each(scenarios.map((scenario) => [scenario.name, scenario] as const))('%s', async (_name, scenario) => {
    await withTimeouts(scenario.timeouts);
    const request = { type: typeKey, ...(scenario.request ?? { applicant: type.example.applicant, data: type.example.data }) };
    const armed: Fault | undefined = scenario.transientFailures
      ? {
          caseId: '',
          remaining: new Map(stepFunctions.map((fn) => [localFunctionArn(fn.name), scenario.transientFailures ?? 0] as const)),
        }
      : undefined;
    fault = armed;
    const submitted = await stack.call('POST', '/v1/cases', { token: portal, body: request });
    expectStatus(submitted, 201, `submitting ${typeKey}`);
    const caseId: string = submitted.body.id;

    const deadline = Date.now() + 30_000;
    let current: any;
    for (;;) {
      const read = await stack.call('GET', `/v1/cases/${caseId}`, { token: portal });
      expectStatus(read, 200, `reading case ${caseId}`);
      current = read.body;
      if (current.status.final) break;
      if (Date.now() > deadline) throw new Error(`not final: ${JSON.stringify(current.status)}`);
      if (scenario.withdrawAt && current.status.code === scenario.withdrawAt) {
        expectStatus(await stack.call('POST', `/v1/cases/${caseId}/withdraw`, { token: portal, body: { reason: 'test' } }), 200, `withdrawing case ${caseId}`);
        continue;
      }
      for (const task of current.openTasks) {
        const outcome = scenario.outcomes?.[task.name];
        if (!outcome) continue;
        const completed = await stack.call('POST', `/v1/tasks/${task.id}/complete`, { token: worker, body: { outcome } });
        expectStatus(completed, 200, `completing task ${task.name} (${task.id}) of case ${caseId} with '${outcome}'`);
      }
      for (const wait of current.awaitingMessages) {
        const data = scenario.messages?.[wait.name];
        if (!data) continue;
        const delivered = await stack.call('POST', `/v1/cases/${caseId}/messages`, { token: portal, body: { name: wait.name, data } });
        expectStatus(delivered, 202, `delivering message ${wait.name} to case ${caseId}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }

    expect(current.status.code).toBe(scenario.expectedStatus);
    const executionArn = `${stateMachineArn().replace(':stateMachine:', ':execution:')}:${caseId}`;
    const execution = await eventually(() => sfn.send(new DescribeExecutionCommand({ executionArn })), (e) => e.status !== 'RUNNING');
    expect(execution.status).toBe(scenario.expectedStatus === 'withdrawn' ? 'ABORTED' : scenario.expectedStatus === 'failed' ? 'FAILED' : 'SUCCEEDED');
    // Exactly one CaseClosed.v1 announces a closing by the workflow: its PublishCaseClosed state (the versions listed in
    // closing-notice), or the closing step's notice through the outbox (every later version); a withdrawal or a failure, none.
    const notices = () => stack.events.filter((event) => event.detailType === 'CaseClosed.v1' && (event.detail as { caseId?: string }).caseId === caseId);
    if (scenario.expectedStatus === 'withdrawn' || scenario.expectedStatus === 'failed') {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(notices()).toEqual([]);
    } else {
      await eventually(async () => notices(), (found) => found.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 300)); // a second one would have come by now
      expect(notices().map((event) => [event.source, event.detail])).toEqual([['loket.cases', { caseId, tenant: '44021', type: typeKey, status: scenario.expectedStatus }]]);
      const { events: history = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
      const publishedByWorkflow = history.some((event) => event.stateEnteredEventDetails?.name === 'PublishCaseClosed');
      expect(publishedByWorkflow).toBe(closingNoticeInWorkflow(type!));
    }
    if (scenario.expectedPath) {
      const { events = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
      const entered = events.map((e) => e.stateEnteredEventDetails?.name).filter((name): name is string => name !== undefined);
      let at = 0;
      for (const state of scenario.expectedPath) {
        const found = entered.indexOf(state, at);
        if (found < 0) throw new Error(`the execution did not enter ${state} after ${scenario.expectedPath[scenario.expectedPath.indexOf(state) - 1] ?? 'the start'}; it entered ${entered.join(' → ')}`);
        at = found + 1;
      }
    }
    if (armed) {
      // Every step the path used failed first and was retried.
      expect(armed.caseId).toBe(caseId);
      expect([...armed.remaining.values()].every((left) => left === 0 || left === scenario.transientFailures)).toBe(true);
      expect([...armed.remaining.values()].filter((left) => left === 0).length).toBeGreaterThan(1);
    }
    const history = await stack.call('GET', `/v1/cases/${caseId}/history`, { token: portal });
    expectStatus(history, 200, `reading the history of case ${caseId}`);
    expect(history.body.verified).toBe(true);
    await scenario.check?.(current, stack);
  });
}
