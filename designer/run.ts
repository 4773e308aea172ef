import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { TransactionType } from '../functions/domain/transaction-type';
import { generateDevSigningKey, signDevToken } from '../infra/local/dev-keys';
import { demoTenants, startLocalStack } from '../infra/local/local-stack';
import { localCredentials, localRegion } from '../infra/local/local-network';
import { workflowsDirectory } from '../workflows/definitions';
import { readTransactionType } from '../workflows/type-loader';
import { awaitedName, describeState, invokedStep, isObject, statesOf, type Machine, type State } from './workflow-graph';

export interface RunOptions {
  readonly key: string;
  /** The case as POST /v1/cases takes it; default: the type's `example`. */
  readonly input?: unknown;
  /** Outcome per task name; default: a task's first allowed outcome. */
  readonly outcomes?: Readonly<Record<string, string>>;
  /** `data` per message name; default: built from the message's dataSchema. */
  readonly messages?: Readonly<Record<string, unknown>>;
  /** @default 60_000 */
  readonly timeoutMs?: number;
  readonly directory?: string;
  /** Progress and report lines. @default console.log */
  readonly print?: (line: string) => void;
}

export interface PathStep {
  readonly state: string;
  readonly type: string;
  readonly detail?: string;
}

export interface RunReport {
  readonly caseId?: string;
  readonly path: readonly PathStep[];
  readonly executionStatus?: string;
  /** The case's status when the run ended; `final` tells whether it closed in time. */
  readonly status?: { readonly code: string; readonly final: boolean; readonly citizenText?: { nl: string; en: string } };
  readonly reachedFinalStatus: boolean;
}

const tenant = demoTenants[0]?.id ?? '44021';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A value that satisfies a JSON Schema's simple constraints: its example or default, else one built from its type. */
export function exampleOf(schema: unknown): unknown {
  if (!isObject(schema)) return null;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = isObject(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
      return Object.fromEntries(required.map((name) => [name, exampleOf(properties[name])]));
    }
    case 'array':
      return typeof schema.minItems === 'number' && schema.minItems > 0 ? Array.from({ length: schema.minItems }, () => exampleOf(schema.items)) : [];
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? Math.max(schema.minimum, type === 'integer' ? Math.ceil(schema.minimum) : schema.minimum) : 1;
    case 'boolean':
      return true;
    case 'string': {
      if (schema.format === 'date') return new Date().toISOString().slice(0, 10);
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.format === 'email') return 'applicant@example.org';
      const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
      return 'example'.padEnd(minLength, 'x');
    }
    default:
      return null;
  }
}

function loadType(directory: string, key: string): { type: TransactionType; machine: Machine } {
  const type = readTransactionType(directory, key);
  const machine = JSON.parse(readFileSync(join(directory, key, 'workflow.asl.json'), 'utf8')) as Machine;
  return { type, machine };
}

/**
 * `run <key>`: starts the local stack in memory, submits a case through the HTTP API as the
 * portal of demo tenant 44021, then plays every part the workflow waits for: completes each task
 * that reaches the inbox and delivers each message a step awaits, until the case is final.
 * Reports the path from the execution history. The stack is always stopped.
 */
export async function runWorkflow(options: RunOptions): Promise<RunReport> {
  const print = options.print ?? console.log;
  const { type, machine } = loadType(options.directory ?? workflowsDirectory, options.key);
  const states = new Map(statesOf(machine));
  const { key: signingKey } = await generateDevSigningKey();
  const stack = await startLocalStack({
    ports: { api: 0, stepFunctions: 0, dynamodb: 0 },
    signingKey,
    timeScale: 1e-3,
    maxWaitSeconds: 0.05,
    logLevel: 'ERROR',
  });
  const sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
  try {
    const portal = await signDevToken(signingKey, { tenant, roles: ['portal'], subject: 'applicant@portal' });
    const worker = await signDevToken(signingKey, { tenant, roles: type.roles, subject: 'worker@loket' });
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
    };

    const submitted = await call('POST', '/v1/cases', portal, options.input ?? type.example);
    if (submitted.status !== 201) {
      print(`The case was refused: HTTP ${submitted.status} ${JSON.stringify(submitted.body)}`);
      return { path: [], reachedFinalStatus: false };
    }
    const caseId = submitted.body.id as string;
    print(`Submitted ${options.key} case ${submitted.body.number ?? ''} (${caseId}) for tenant ${tenant}`);
    const executionArn = `${stack.stateMachineArns[options.key]!.replace(':stateMachine:', ':execution:')}:${caseId}`;
    /** The execution's history; none yet while the outbox has not started it (a moment after the submission). */
    const history = async (): Promise<HistoryEvent[]> => {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      try {
        do {
          const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
          events.push(...(page.events ?? []));
          nextToken = page.nextToken;
        } while (nextToken);
      } catch (error) {
        if ((error as Error).name === 'ExecutionDoesNotExist') return [];
        throw error;
      }
      return events;
    };

    const completions = new Map<string, string[]>();
    const deliveries = new Map<string, string[]>();
    const deliveredFor = new Set<number>();
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let status: RunReport['status'];
    while (Date.now() < deadline) {
      const current = await call('GET', `/v1/cases/${caseId}`, portal);
      status = current.body?.status;
      if (status?.final) break;

      const inbox = await call('GET', '/v1/tasks', worker);
      for (const task of (inbox.body?.items ?? []) as Array<{ id: string; caseId: string; name: string; outcomes: string[] }>) {
        if (task.caseId !== caseId) continue;
        const outcome = options.outcomes?.[task.name] ?? task.outcomes[0] ?? '';
        const completed = await call('POST', `/v1/tasks/${task.id}/complete`, worker, { outcome, reason: 'completed by npm run workflows -- run' });
        if (completed.status === 200) {
          print(`  task "${task.name}" completed with outcome "${outcome}"`);
          completions.set(task.name, [...(completions.get(task.name) ?? []), outcome]);
        } else {
          print(`  task "${task.name}" could not be completed with "${outcome}": HTTP ${completed.status} ${JSON.stringify(completed.body)}`);
        }
      }

      // A step awaits a message from the moment its Task state is entered until it exits.
      const events = await history();
      const open = new Map<string, number>();
      for (const event of events) {
        const name = event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name;
        if (name === undefined || invokedStep(states.get(name) ?? ({ Type: '' } as State)) !== 'await-message') continue;
        if (event.type === 'TaskStateEntered') open.set(name, event.id ?? 0);
        else open.delete(name);
      }
      for (const [stateName, enteredAt] of open) {
        if (deliveredFor.has(enteredAt)) continue;
        const name = awaitedName(states.get(stateName) as State) ?? '';
        const data = options.messages?.[name] ?? exampleOf(type.messages[name]?.dataSchema);
        const sent = await call('POST', `/v1/cases/${caseId}/messages`, portal, { name, data });
        if (sent.status === 202) {
          deliveredFor.add(enteredAt);
          print(`  message "${name}" delivered: ${JSON.stringify(data)}`);
          deliveries.set(name, [...(deliveries.get(name) ?? []), JSON.stringify(data)]);
        } else if (sent.status !== 409) {
          // 409: the step has not registered its wait yet; anything else will not get better.
          print(`  message "${name}" refused: HTTP ${sent.status} ${JSON.stringify(sent.body)}`);
          deliveredFor.add(enteredAt);
        }
      }
      await sleep(100);
    }

    // The case is final before the workflow publishes its closing event: let the execution settle.
    let executionStatus: string | undefined;
    const settleBy = Math.min(deadline, Date.now() + 5_000);
    do {
      executionStatus = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
      if (executionStatus !== 'RUNNING') break;
      await sleep(50);
    } while (Date.now() < settleBy);

    const path: PathStep[] = (await history())
      .filter((event) => event.type?.endsWith('StateEntered'))
      .map((event) => {
        const name = event.stateEnteredEventDetails?.name ?? '?';
        const state = states.get(name);
        let detail = state ? describeState(state) : undefined;
        const step = state ? invokedStep(state) : undefined;
        const awaited = state ? awaitedName(state) : undefined;
        if (step === 'create-task' && awaited !== undefined) {
          const outcome = completions.get(awaited)?.shift();
          if (outcome) detail = `${detail} → ${outcome}`;
        }
        if (step === 'await-message' && awaited !== undefined) {
          const data = deliveries.get(awaited)?.shift();
          if (data) detail = `${detail} → ${data}`;
        }
        return { state: name, type: String(event.type).replace(/StateEntered$/, ''), detail };
      });

    const declared = status ? type.statuses.find((candidate) => candidate.code === status?.code) : undefined;
    const report: RunReport = {
      caseId,
      path,
      executionStatus,
      status: status ? { code: status.code, final: status.final, citizenText: declared?.citizenText } : undefined,
      reachedFinalStatus: status?.final === true,
    };
    printReport(report, print);
    return report;
  } finally {
    sfn.destroy();
    await stack.stop();
  }
}

export function printReport(report: RunReport, print: (line: string) => void): void {
  const width = Math.max(0, ...report.path.map((step) => step.state.length));
  print('Path:');
  report.path.forEach((step, index) => {
    print(`  ${String(index + 1).padStart(2)}. ${step.state.padEnd(width)}  ${step.type.padEnd(8)}${step.detail ? `  ${step.detail}` : ''}`.trimEnd());
  });
  if (!report.reachedFinalStatus) {
    print(`The case did not reach a final status in time (status: ${report.status?.code ?? 'unknown'}, execution: ${report.executionStatus ?? 'unknown'}).`);
    return;
  }
  print(`Final status: ${report.status?.code} (execution ${report.executionStatus})`);
  if (report.status?.citizenText) {
    print(`  nl: ${report.status.citizenText.nl}`);
    print(`  en: ${report.status.citizenText.en}`);
  }
}
