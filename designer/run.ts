import { DescribeExecutionCommand, DescribeStateMachineCommand, GetExecutionHistoryCommand, SFNClient, type HistoryEvent } from '@aws-sdk/client-sfn';
import { schemaValidator, type TransactionType } from '../functions/domain/transaction-type';
import { eventBusName, localResourceNames, workflowSubstitutions } from '../infra/deployment';
import { generateDevSigningKey, signDevToken, type DevSigningKey } from '../infra/local/dev-keys';
import { localFunctionArn } from '../infra/local/lambda-host';
import { publishAndRouteWorkflow } from '../infra/local/workflow-versions';
import { demoTenants, startLocalStack, type LocalStack } from '../infra/local/local-stack';
import { localCredentials, localRegion } from '../infra/local/local-network';
import { substitutePlaceholders, workflowsDirectory } from '../workflows/definitions';
import { readTransactionType } from '../workflows/type-loader';
import { awaitedName, describeState, invokedStep, isObject, loadMachine, statesOf, type Machine, type State } from './workflow-graph';

export interface RunOptions {
  readonly key: string;
  /** The case as POST /v1/cases takes it; default: the type's `example`. */
  readonly input?: unknown;
  /**
   * Outcome per task name; a list gives the outcome of each time the task comes round, the last
   * one repeated. Default: a task's first allowed outcome.
   */
  readonly outcomes?: Readonly<Record<string, string | readonly string[]>>;
  /** `data` per message name; default: built from the message's dataSchema. */
  readonly messages?: Readonly<Record<string, unknown>>;
  /** Task and message names left to time out: their steps' timeouts are shortened to seconds and nothing answers them. */
  readonly expire?: readonly string[];
  /** A status code: the applicant withdraws the case as soon as it has this status. */
  readonly withdrawAt?: string;
  /** @default 60_000 */
  readonly timeoutMs?: number;
  /** Where the type's folder is; the local stack runs the workflow found there. @default workflows/ */
  readonly directory?: string;
  /** Progress and report lines. @default console.log */
  readonly print?: (line: string) => void;
}

export interface PathStep {
  readonly state: string;
  readonly type: string;
  readonly detail?: string;
}

/** An error the execution history records, in the state it happened in. */
export interface StepError {
  readonly state?: string;
  readonly error?: string;
  readonly cause?: string;
  /** Whether the execution ended on it; otherwise a Catch or Retry took it. */
  readonly ended: boolean;
}

export interface RunReport {
  readonly caseId?: string;
  readonly path: readonly PathStep[];
  readonly executionStatus?: string;
  /** The case's status when the run ended; `final` tells whether it closed in time. */
  readonly status?: { readonly code: string; readonly final: boolean; readonly citizenText?: { nl: string; en: string } };
  readonly reachedFinalStatus: boolean;
  /** What was wrong with the options; the run did not start. */
  readonly refused?: readonly string[];
  /** Why the run stopped before a final status, in one line. */
  readonly stoppedBecause?: string;
  /** The errors in the execution history: the one that ended it and those a Catch took. */
  readonly errors?: readonly StepError[];
}

const tenant = demoTenants[0]?.id ?? '44021';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Workflow time runs a thousand times faster; a task left to expire times out after this many real seconds. */
const timeScale = 1e-3;
const expireAfterSeconds = 2;

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

const quoted = (names: Iterable<string>) => [...names].map((name) => `"${name}"`).join(', ') || 'none';

/** The Task states that create this task or await this message. */
function statesAwaiting(machine: Machine, name: string): string[] {
  return [...statesOf(machine)]
    .filter(([, state]) => ['create-task', 'await-message'].includes(invokedStep(state) ?? '') && awaitedName(state) === name)
    .map(([stateName]) => stateName);
}

/**
 * What is wrong with a run's options, each problem with the names that would be right; empty
 * when the run can start. Names are checked against type.json, data against its schemas.
 */
export function checkRunOptions(type: TransactionType, machine: Machine, options: RunOptions): string[] {
  const problems: string[] = [];
  const tasks = Object.keys(type.tasks);
  const messages = Object.keys(type.messages);
  for (const [task, wanted] of Object.entries(options.outcomes ?? {})) {
    const declared = type.tasks[task];
    if (!declared) {
      problems.push(`--outcomes: ${type.key} has no task "${task}"; its tasks are ${quoted(tasks)}`);
      continue;
    }
    for (const outcome of typeof wanted === 'string' ? [wanted] : wanted) {
      if (!declared.outcomes.includes(outcome)) problems.push(`--outcomes: task "${task}" has no outcome "${outcome}"; its outcomes are ${quoted(declared.outcomes)}`);
    }
  }
  for (const [message, data] of Object.entries(options.messages ?? {})) {
    const declared = type.messages[message];
    if (!declared) {
      problems.push(`--messages: ${type.key} awaits no message "${message}"; its messages are ${quoted(messages)}`);
      continue;
    }
    const parsed = schemaValidator(declared.dataSchema).safeParse(data);
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      problems.push(`--messages: the data of "${message}" does not match its dataSchema at "${issue.path.join('.') || '(the data)'}": ${issue.message}`);
    }
  }
  for (const name of options.expire ?? []) {
    if (!type.tasks[name] && !type.messages[name]) {
      problems.push(`--expire: ${type.key} has no task or message "${name}"; its tasks are ${quoted(tasks)} and its messages ${quoted(messages)}`);
    } else if (statesAwaiting(machine, name).length === 0) {
      problems.push(`--expire: no state of the workflow waits for "${name}"`);
    }
    if (options.outcomes?.[name] !== undefined) problems.push(`--expire: task "${name}" is also given an outcome; leave it out of --outcomes`);
    if (options.messages?.[name] !== undefined) problems.push(`--expire: message "${name}" is also given data; leave it out of --messages`);
  }
  if (options.withdrawAt !== undefined) {
    const open = type.statuses.filter((status) => !status.final).map((status) => status.code);
    if (!open.includes(options.withdrawAt)) problems.push(`--withdraw: "${options.withdrawAt}" is not a status a case can be withdrawn in; use one of ${quoted(open)}`);
  }
  return problems;
}

/** The errors an execution's history records, each in the state entered last before it. */
export function errorsIn(history: readonly HistoryEvent[]): StepError[] {
  const open: string[] = [];
  const errors: StepError[] = [];
  for (const event of history) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) open.push(event.stateEnteredEventDetails?.name ?? '?');
    if (type.endsWith('StateExited')) {
      const at = open.lastIndexOf(event.stateExitedEventDetails?.name ?? '?');
      if (at >= 0) open.splice(at, 1);
    }
    const details =
      event.taskFailedEventDetails ??
      event.taskTimedOutEventDetails ??
      event.lambdaFunctionFailedEventDetails ??
      event.lambdaFunctionTimedOutEventDetails ??
      event.executionFailedEventDetails ??
      event.executionTimedOutEventDetails;
    if (details) errors.push({ state: open.at(-1), error: details.error, cause: details.cause, ended: type.startsWith('Execution') });
  }
  return errors;
}

/** A Lambda step's cause is its error as JSON (errorType, errorMessage, trace): the message is what a designer reads. */
function causeText(cause: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(cause ?? '') as unknown;
    if (isObject(parsed) && typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the cause as written
  }
  return cause;
}

const describeError = (error: StepError) => `${error.error ?? 'an error'}${error.cause ? `: ${causeText(error.cause)}` : ''}`;

interface PreparedRun {
  readonly options: RunOptions;
  readonly print: (line: string) => void;
  readonly type: TransactionType;
  readonly machine: Machine;
  /** The states whose tasks or messages are left to time out. */
  readonly expiring: ReadonlySet<string>;
}

/** Reads the type and its workflow through the loaders and checks the options; prints and returns the refusal when they do not fit. */
function prepare(options: RunOptions): PreparedRun | RunReport {
  const print = options.print ?? console.log;
  const directory = options.directory ?? workflowsDirectory;
  const type = readTransactionType(directory, options.key);
  const machine = loadMachine(directory, options.key);
  const refused = checkRunOptions(type, machine, options);
  if (options.input !== undefined) {
    const parsed = isObject(options.input) ? schemaValidator(type.inputSchema).safeParse(options.input.data) : undefined;
    if (!parsed) refused.push('--input: expected a case { "type", "applicant", "data" }');
    for (const issue of parsed && !parsed.success ? parsed.error.issues : []) {
      refused.push(`--input: "data.${issue.path.join('.')}" does not match the inputSchema: ${issue.message}`);
    }
  }
  if (refused.length > 0) {
    for (const problem of refused) print(problem);
    print('Nothing was run.');
    return { path: [], reachedFinalStatus: false, refused };
  }
  const expiring = new Set((options.expire ?? []).flatMap((name) => statesAwaiting(machine, name)));
  return { options, print, type, machine, expiring };
}

/**
 * `run <key>`: checks the options against the type, starts the local stack in memory (one per
 * process: the handlers keep their clients, as a warm Lambda does) and runs one case on it
 * ({@link runCase}). The stack is always stopped.
 */
export async function runWorkflow(options: RunOptions): Promise<RunReport> {
  const prepared = prepare(options);
  if (!('machine' in prepared)) return prepared;
  const { key: signingKey } = await generateDevSigningKey();
  // The functions log nothing: the run reports each error once, from the execution history.
  const stack = await startLocalStack({ ports: { api: 0, stepFunctions: 0, dynamodb: 0 }, signingKey, ...runStackOptions, logLevel: 'SILENT' });
  try {
    return await runPrepared(stack, signingKey, prepared);
  } finally {
    await stack.stop();
  }
}

/** The time the stack a run uses keeps: workflow time a thousand times faster, waits of days capped at moments. */
export const runStackOptions = { timeScale, maxWaitSeconds: 0.05 } as const;

/**
 * Runs one case on a running local stack (started with {@link runStackOptions}): installs the
 * type folder's workflow (with the timeouts of the steps left to expire shortened), submits a
 * case through the HTTP API as the portal of demo tenant 44021, then plays every part the
 * workflow waits for: completes each task that reaches the inbox, delivers each message a step
 * awaits, withdraws when asked, until the case is final, the execution ends without closing
 * it, or the API refuses something. Reports the path from the execution history and every
 * error it records.
 */
export async function runCase(stack: LocalStack, signingKey: DevSigningKey, options: RunOptions): Promise<RunReport> {
  const prepared = prepare(options);
  return 'machine' in prepared ? runPrepared(stack, signingKey, prepared) : prepared;
}

async function runPrepared(stack: LocalStack, signingKey: DevSigningKey, { options, print, type, machine, expiring }: PreparedRun): Promise<RunReport> {
  const states = new Map(statesOf(machine));
  const sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
  try {
    const stateMachineArn = stack.stateMachineArns[options.key];
    if (!stateMachineArn) throw new Error(`the local stack has no state machine for ${options.key}`);
    await installWorkflow(sfn, { key: options.key, version: type.version, stateMachineArn }, machine, expiring);
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
      const stoppedBecause = `the case was refused: HTTP ${submitted.status} ${JSON.stringify(submitted.body)}`;
      print(`The ${stoppedBecause}`);
      return { path: [], reachedFinalStatus: false, stoppedBecause };
    }
    const caseId = submitted.body.id as string;
    print(`Submitted ${options.key} case ${submitted.body.number ?? ''} (${caseId}) for tenant ${tenant}`);
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${caseId}`;
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
    const executionStatusNow = async () => {
      try {
        return (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
      } catch (error) {
        if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
        throw error;
      }
    };

    const completions = new Map<string, string[]>();
    const deliveries = new Map<string, string[]>();
    const answeredTasks = new Set<string>();
    const deliveredFor = new Set<number>();
    const toldOnce = new Set<string>();
    const once = (line: string) => {
      if (!toldOnce.has(line)) print(line);
      toldOnce.add(line);
    };
    const nextOutcome = (task: { name: string; outcomes: string[] }) => {
      const wanted = options.outcomes?.[task.name];
      const sequence = wanted === undefined ? [] : typeof wanted === 'string' ? [wanted] : wanted;
      const done = completions.get(task.name)?.length ?? 0;
      return sequence[Math.min(done, sequence.length - 1)] ?? task.outcomes[0] ?? '';
    };
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let status: RunReport['status'];
    let stoppedBecause: string | undefined;
    let withdrawn = false;
    let executionStatus: string | undefined;
    while (stoppedBecause === undefined) {
      if (Date.now() >= deadline) {
        stoppedBecause = `the case did not reach a final status within ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s`;
        break;
      }
      executionStatus = await executionStatusNow();
      const current = await call('GET', `/v1/cases/${caseId}`, portal);
      status = current.body?.status;
      if (status?.final) break;
      if (executionStatus !== undefined && executionStatus !== 'RUNNING') {
        stoppedBecause = `the execution ended ${executionStatus} while the case is "${status?.code ?? 'unknown'}"`;
        break;
      }

      if (!withdrawn && status !== undefined && status.code === options.withdrawAt) {
        const answer = await call('POST', `/v1/cases/${caseId}/withdraw`, portal, { reason: 'withdrawn by npm run workflows -- run' });
        if (answer.status !== 200) {
          stoppedBecause = `the withdrawal was refused: HTTP ${answer.status} ${JSON.stringify(answer.body)}`;
          break;
        }
        withdrawn = true;
        print(`  case withdrawn in status "${status.code}"`);
        continue;
      }

      const inbox = await call('GET', '/v1/tasks', worker);
      for (const task of (inbox.body?.items ?? []) as Array<{ id: string; caseId: string; name: string; outcomes: string[] }>) {
        if (task.caseId !== caseId || answeredTasks.has(task.id)) continue;
        if (options.expire?.includes(task.name)) {
          once(`  task "${task.name}" left to time out`);
          continue;
        }
        const outcome = nextOutcome(task);
        const completed = await call('POST', `/v1/tasks/${task.id}/complete`, worker, { outcome, reason: 'completed by npm run workflows -- run' });
        if (completed.status === 200) {
          answeredTasks.add(task.id);
          print(`  task "${task.name}" completed with outcome "${outcome}"`);
          completions.set(task.name, [...(completions.get(task.name) ?? []), outcome]);
        } else {
          stoppedBecause = `task "${task.name}" could not be completed with "${outcome}": HTTP ${completed.status} ${JSON.stringify(completed.body)}`;
          break;
        }
      }
      if (stoppedBecause !== undefined) break;

      // A step awaits a message from the moment its Task state is entered until it exits.
      const open = new Map<string, number>();
      for (const event of await history()) {
        const name = event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name;
        if (name === undefined || invokedStep(states.get(name) ?? ({ Type: '' } as State)) !== 'await-message') continue;
        if (event.type === 'TaskStateEntered') open.set(name, event.id ?? 0);
        else open.delete(name);
      }
      for (const [stateName, enteredAt] of open) {
        if (deliveredFor.has(enteredAt)) continue;
        const name = awaitedName(states.get(stateName) as State) ?? '';
        if (expiring.has(stateName)) {
          once(`  message "${name}" left to time out`);
          continue;
        }
        const data = options.messages?.[name] ?? exampleOf(type.messages[name]?.dataSchema);
        const sent = await call('POST', `/v1/cases/${caseId}/messages`, portal, { name, data });
        if (sent.status === 202) {
          deliveredFor.add(enteredAt);
          print(`  message "${name}" delivered: ${JSON.stringify(data)}`);
          deliveries.set(name, [...(deliveries.get(name) ?? []), JSON.stringify(data)]);
        } else if (sent.status !== 409) {
          // 409: the step has not registered its wait yet; anything else will not get better.
          stoppedBecause = `message "${name}" was refused: HTTP ${sent.status} ${JSON.stringify(sent.body)}`;
          break;
        }
      }
      await sleep(100);
    }

    // The case is final before the workflow publishes its closing event: let the execution settle.
    const settleBy = Date.now() + 5_000;
    while (stoppedBecause === undefined && Date.now() < settleBy) {
      executionStatus = await executionStatusNow();
      if (executionStatus !== 'RUNNING') break;
      await sleep(50);
    }

    const events = await history();
    const errors = errorsIn(events);
    const path: PathStep[] = events
      .filter((event) => event.type?.endsWith('StateEntered'))
      .map((event) => {
        const name = event.stateEnteredEventDetails?.name ?? '?';
        const state = states.get(name);
        let detail = state ? describeState(state) : undefined;
        const step = state ? invokedStep(state) : undefined;
        const awaited = state ? awaitedName(state) : undefined;
        if (expiring.has(name)) detail = `${detail} → timed out`;
        else if (step === 'create-task' && awaited !== undefined) {
          const outcome = completions.get(awaited)?.shift();
          if (outcome) detail = `${detail} → ${outcome}`;
        } else if (step === 'await-message' && awaited !== undefined) {
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
      stoppedBecause,
      errors: errors.filter((error) => !(expiring.has(error.state ?? '') && error.error === 'States.Timeout')),
    };
    printReport(report, print);
    return report;
  } finally {
    sfn.destroy();
  }
}

/**
 * Puts the workflow of the type's folder, read through the loader and resolved as the local
 * host resolves it, in place of the one the stack started with; the steps in `expiring` time
 * out after a few seconds instead of days. It is published as the type's version and the alias
 * moved to it, so that cases submitted afterwards run it; it runs with the catalogue's type.json
 * of that version (the draft's workflow is what a run tries out before a publish).
 */
async function installWorkflow(
  sfn: SFNClient,
  target: { readonly key: string; readonly version: number; readonly stateMachineArn: string },
  machine: Machine,
  expiring: ReadonlySet<string>,
): Promise<void> {
  const { stateMachineArn } = target;
  const copy = JSON.parse(JSON.stringify(machine)) as Machine;
  for (const [name, state] of statesOf(copy)) {
    if (!expiring.has(name)) continue;
    delete state.TimeoutSecondsPath;
    state.TimeoutSeconds = Math.ceil(expireAfterSeconds / timeScale);
  }
  const substitutions = workflowSubstitutions({ tableName: localResourceNames.table, eventBusName, functionArn: localFunctionArn });
  const definition = substitutePlaceholders(JSON.stringify(copy, null, 2), substitutions);
  const { definition: running } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
  if (running === definition) return;
  await publishAndRouteWorkflow(sfn, { ...target, definition });
}

export function printReport(report: RunReport, print: (line: string) => void): void {
  const width = Math.max(0, ...report.path.map((step) => step.state.length));
  print('Path:');
  report.path.forEach((step, index) => {
    print(`  ${String(index + 1).padStart(2)}. ${step.state.padEnd(width)}  ${step.type.padEnd(8)}${step.detail ? `  ${step.detail}` : ''}`.trimEnd());
  });
  const fatal = report.errors?.find((error) => error.ended);
  const caught = report.errors?.filter((error) => !error.ended) ?? [];
  if (caught.length > 0) {
    print('Errors a Retry or Catch took:');
    for (const error of caught) print(`  in "${error.state ?? '?'}": ${describeError(error)}`);
  }
  if (fatal) print(`The execution failed in state "${fatal.state ?? '?'}": ${describeError(fatal)}`);
  if (!report.reachedFinalStatus) {
    print(`Stopped: ${report.stoppedBecause ?? 'the case did not reach a final status'} (status: ${report.status?.code ?? 'unknown'}, execution: ${report.executionStatus ?? 'unknown'}).`);
    return;
  }
  print(`Final status: ${report.status?.code} (execution ${report.executionStatus})`);
  if (report.status?.citizenText) {
    print(`  nl: ${report.status.citizenText.nl}`);
    print(`  en: ${report.status.citizenText.en}`);
  }
}
