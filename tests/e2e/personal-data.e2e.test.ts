import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  paginateGetExecutionHistory,
  paginateListExecutions,
  paginateListStateMachines,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { fixtureEnterprises } from '../../functions/adapters/enterprise-register.fixture';
import { fixturePeople } from '../../functions/adapters/population-register.fixture';
import { catalogue } from '../../functions/catalogue/catalogue';
import type { TransactionType } from '../../functions/domain/transaction-type';
import { localCredentials, localRegion } from '../../infra/local/local-network';
import { publishAndRouteWorkflow } from '../../infra/local/workflow-versions';
import type { CasePlan } from '../support/case-driver';
import { allTaskRoles, driveToFinal } from '../support/case-driver';
import { freshInsz } from '../support/identities';
import type { Finding, PersonalValue } from '../support/personal-data';
import { findPersonalData, fixturePersonalData, identifierValue, reportFindings, wordValue } from '../support/personal-data';
import type { CapturedOutput, FakeXrayDaemon } from '../support/telemetry-capture';
import { captureOutput, lambdaTracingEnvironment, startFakeXrayDaemon, traceEachInvocation } from '../support/telemetry-capture';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

/*
 * Issue 10: personal data stays in the table (and the documents). The whole catalogue runs on
 * the local stack, every task outcome, message, withdrawal, expiry, failure and redrive, every
 * read and search and the data protection officer's routes, with the functions' Tracer sending
 * to a fake X-Ray daemon as on Lambda; the free text people type (reasons, notes, message data)
 * names a person too. Then everything that leaves the table is scanned for
 * the fixture registers' people and businesses: what the process printed (the stack's log,
 * Powertools logs and EMF metrics, any console call), every execution the Step Functions
 * endpoint holds (input, output, history with its data), every published event, every outbox
 * item the dispatcher was handed, every X-Ray datagram, and every key of every table item.
 */

const gent = '44021';
const aalst = '41002';
const tenants = [gent, aalst] as const;

const [someone] = fixturePeople;
const [someBusiness] = fixtureEnterprises;
/**
 * Free text as people type it, naming a person: a clerk's reason and note, a portal's payment
 * reference, an operator's reason. It belongs with the case in the table, and nowhere else.
 */
const aboutSomeone = `${someone!.givenName} ${someone!.familyName} (${someone!.address.street}) came to the desk`;
/** Messages the catalogue's workflows wait for, with data a portal would send. */
const messages = {
  'payment-received': { amount: 35, reference: `Paid by ${someone!.givenName} ${someone!.familyName}` },
  'documents-supplied': { documentReference: `site plan of ${someBusiness!.name}.pdf`, pages: 2 },
};
const reason = aboutSomeone;
const data = { note: aboutSomeone };

const residentOf = (tenant: string) => fixturePeople.find((person) => person.address.nisCode === tenant)!;
const activeEnterpriseOf = (tenant: string) => fixtureEnterprises.find((enterprise) => enterprise.active && enterprise.seat.nisCode === tenant)!;
const inactiveEnterprise = fixtureEnterprises.find((enterprise) => !enterprise.active)!;
const unregisteredInsz = freshInsz();
const exampleOf = (key: string) => catalogue.find(key)!.example as { applicant: Record<string, string>; data: any };

/** The fixture registers' data, and what this test submits itself: an unknown applicant, a new address, a licence plate. */
const personalValues: PersonalValue[] = fixturePersonalData([
  identifierValue('unregistered applicant: INSZ', unregisteredInsz),
  wordValue('submitted new address: street', exampleOf('change-of-address').data.newAddress.street.replace(/\s+\d.*$/, '')),
  wordValue('submitted licence plate', exampleOf('resident-parking-permit').data.licensePlate),
]);

type Applicant = { insz: string } | { kbo: string };

/** One case to run: where, for whom, and how the back office answers it. */
interface Run {
  readonly label: string;
  readonly type: TransactionType;
  readonly tenant: string;
  readonly applicant: Applicant;
  readonly data?: unknown;
  readonly plan: CasePlan;
  /** Withdraw as soon as the workflow waits for someone. */
  readonly withdraw?: boolean;
}

interface Ran {
  readonly run: Run;
  readonly id: string;
  readonly final: any;
  readonly steps: readonly string[];
}

let daemon: FakeXrayDaemon;
let output: CapturedOutput;
let stack: TestStack;
let sfn: SFNClient;
let table: DynamoDBDocumentClient;
let tracingEnabled = false;
const tokens: Record<string, { portal: string; worker: string; operator: string; dpo: string }> = {};
/** Outbox items as the dispatcher got them (the records AWS's event filter passes: outbox inserts). */
const dispatched: unknown[] = [];
/** Cases whose certificate step refuses the case (a DomainError, which closes it 'failed'; an infrastructure error would leave it open), for the failure path. */
const failing = new Set<string>();
const ran: Ran[] = [];

beforeAll(async () => {
  daemon = await startFakeXrayDaemon();
  Object.assign(process.env, lambdaTracingEnvironment(daemon.address), { _HANDLER: 'index.handler', POWERTOOLS_LOG_LEVEL: 'DEBUG' });
  // The shared Tracer, Logger and Metrics are built once per process, before any handler loads: now, with Lambda's settings.
  const { tracer } = await import('../../functions/commons/powertools');
  tracingEnabled = tracer?.isTracingEnabled() ?? false;
  output = captureOutput();
  stack = await startTestStack({
    timeScale: 0.001,
    maxWaitSeconds: 0.05,
    reconcileIntervalMs: 500,
    log: (line) => output.record('stack log', line),
    middleware: [
      traceEachInvocation,
      async (invocation, next) => {
        if (invocation.trigger === 'stream') {
          const records = (invocation.event as { Records: Array<{ eventName: string; dynamodb?: { NewImage?: Record<string, { S?: string }> } }> }).Records;
          dispatched.push(...records.filter((record) => record.eventName === 'INSERT' && record.dynamodb?.NewImage?.entity?.S === 'outbox'));
        }
        return next();
      },
    ],
    injectFault: (functionName, payload) => {
      const caseId = (payload as { caseId?: string } | undefined)?.caseId;
      if (caseId && failing.has(caseId) && functionName.includes('issue-certificate')) {
        throw Object.assign(new Error('the document could not be made for this case'), { name: 'DomainError' });
      }
    },
  });
  sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: localRegion, credentials: localCredentials });
  table = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: localRegion, credentials: localCredentials }));
  for (const tenant of tenants) {
    tokens[tenant] = {
      portal: await stack.token({ tenant, roles: ['portal'], subject: `portal@${tenant}` }),
      worker: await stack.token({ tenant, roles: allTaskRoles, subject: `back-office@${tenant}` }),
      operator: await stack.token({ tenant, roles: ['operator'], subject: `operator@${tenant}` }),
      dpo: await stack.token({ tenant, roles: ['dpo'], subject: `dpo@${tenant}` }),
    };
  }
}, 90_000);

afterAll(async () => {
  sfn?.destroy();
  table?.destroy();
  await stack?.stop();
  output?.restore();
  await daemon?.close();
});

/** Plan `k` answers every task with its k-th outcome (its last when it has fewer): together they give every outcome. */
function plansOf(type: TransactionType): CasePlan[] {
  const widest = Math.max(1, ...Object.values(type.tasks).map((task) => task.outcomes.length));
  return Array.from({ length: widest }, (_, k) => ({
    outcomes: Object.fromEntries(Object.entries(type.tasks).map(([name, task]) => [name, task.outcomes[Math.min(k, task.outcomes.length - 1)]!])),
    messages,
    reason,
    data,
  }));
}

const isBusiness = (type: TransactionType) => 'kbo' in exampleOf(type.key).applicant;
const registeredApplicant = (type: TransactionType, tenant: string): Applicant =>
  tenant === gent ? (exampleOf(type.key).applicant as Applicant) : isBusiness(type) ? { kbo: activeEnterpriseOf(tenant).kbo } : { insz: residentOf(tenant).insz };
const livesInGent: Applicant = { insz: residentOf(gent).insz };
const livesInAalst: Applicant = { insz: residentOf(aalst).insz };
/**
 * The citizens a citizen type runs for in Gent: who goes through its tasks, and who takes its
 * other path. Only a Gent resident changes address (within Gent): moving anyone else into Gent
 * would change the path the other types take for them.
 */
const citizensOf: Readonly<Record<string, { tasks: Applicant; other?: Applicant }>> = {
  // The register alone grants a Gent resident's proof of residence; a clerk checks anyone else's.
  'proof-of-residence': { tasks: livesInAalst, other: livesInGent },
  // Someone living elsewhere is refused a resident's permit at once.
  'resident-parking-permit': { tasks: livesInGent, other: livesInAalst },
  'change-of-address': { tasks: livesInGent },
};
const taskApplicant = (type: TransactionType): Applicant => citizensOf[type.key]?.tasks ?? registeredApplicant(type, gent);

/**
 * Every type: each plan in Gent, one withdrawn, one for an applicant the register does not know
 * (or an inactive business), one for a citizen who takes the type's other path; and one
 * citizen's and one business's case in Aalst.
 */
function catalogueRuns(): Run[] {
  const perType = catalogue.all().flatMap((type): Run[] => {
    const plans = plansOf(type);
    const first = plans[0]!;
    const unknown: Applicant = isBusiness(type) ? { kbo: inactiveEnterprise.kbo } : { insz: unregisteredInsz };
    const other = citizensOf[type.key]?.other;
    return [
      ...plans.map((plan, k) => ({ label: `${type.key} plan ${k}`, type, tenant: gent, applicant: taskApplicant(type), plan })),
      { label: `${type.key} withdrawn`, type, tenant: gent, applicant: taskApplicant(type), plan: first, withdraw: true },
      { label: `${type.key} unregistered`, type, tenant: gent, applicant: unknown, plan: first },
      ...(other ? [{ label: `${type.key} other path`, type, tenant: gent, applicant: other, plan: first }] : []),
    ];
  });
  const inAalst = ['proof-of-residence', 'terrace-permit'].map((key): Run => {
    const type = catalogue.find(key)!;
    return { label: `${key} in Aalst`, type, tenant: aalst, applicant: registeredApplicant(type, aalst), plan: plansOf(type)[0]! };
  });
  return [...perType, ...inAalst];
}

/** Runs `jobs` with at most `size` at a time: every drive polls its case, and a 2-core machine has to answer them all. */
async function inPool<T>(size: number, jobs: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, jobs.length) }, worker));
  return results;
}

async function submit(run: Run): Promise<string> {
  const response = await stack.call('POST', '/v1/cases', {
    token: tokens[run.tenant]!.portal,
    headers: { 'idempotency-key': randomUUID() },
    body: { type: run.type.key, applicant: run.applicant, data: run.data ?? exampleOf(run.type.key).data },
  });
  if (response.status !== 201) throw new Error(`${run.label}: submitting answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.id;
}

/** How long one wait may take: the stack shares two cores with whatever else runs. */
const patience = 90_000;
const caseOf = async (tenant: string, id: string) => (await stack.call('GET', `/v1/cases/${id}`, { token: tokens[tenant]!.portal })).body;
const waitsForSomeone = (current: any) => current?.status?.final === true || current?.openTasks?.length > 0 || current?.awaitingMessages?.length > 0;

async function perform(run: Run, id?: string): Promise<Ran> {
  const caseId = id ?? (await submit(run));
  const { portal, worker } = tokens[run.tenant]!;
  if (run.withdraw) {
    const waiting = await eventually(() => caseOf(run.tenant, caseId), waitsForSomeone, patience);
    if (!waiting.status.final) {
      const withdrawn = await stack.call('POST', `/v1/cases/${caseId}/withdraw`, { token: portal, body: { reason: `No longer needed, says ${someone!.givenName} ${someone!.familyName}` } });
      expect(withdrawn.status).toBe(200);
    }
  }
  const { final, steps } = await driveToFinal(stack, caseId, { portal, worker }, run.plan, patience, 200);
  const done = { run, id: caseId, final, steps };
  ran.push(done);
  return done;
}

/** A resident parking permit that is suspended, extended and resumed while it awaits payment, and whose review task is claimed first. */
async function lifecycle(): Promise<Ran> {
  const type = catalogue.find('resident-parking-permit')!;
  const run: Run = { label: 'lifecycle actions', type, tenant: gent, applicant: taskApplicant(type), plan: { messages, reason, data } };
  const id = await submit(run);
  const { worker } = tokens[gent]!;
  await eventually(() => caseOf(gent, id), (current) => current?.awaitingMessages?.length > 0, patience);
  for (const [action, body] of [
    ['suspend', { reason: `Waiting for ${someone!.familyName}'s proof of vehicle ownership` }],
    ['extend', { days: 5, reason: aboutSomeone }],
    ['resume', { reason: aboutSomeone }],
  ] as const) {
    const response = await stack.call('POST', `/v1/cases/${id}/${action}`, { token: worker, body });
    expect({ action, status: response.status }).toEqual({ action, status: 200 });
  }
  const paid = await stack.call('POST', `/v1/cases/${id}/messages`, { token: tokens[gent]!.portal, body: { name: 'payment-received', data: messages['payment-received'] } });
  expect(paid.status).toBe(202);
  const reviewing = await eventually(() => caseOf(gent, id), (current) => current?.openTasks?.length > 0, patience);
  const claimed = await stack.call('POST', `/v1/tasks/${reviewing.openTasks[0].id}/claim`, { token: worker });
  expect(claimed.status).toBe(200);
  return perform(run, id);
}

/** A proof of residence whose execution is stopped outside Loket: the reconciler flags it, an operator lists it and redrives it. */
async function redriven(): Promise<Ran> {
  const type = catalogue.find('proof-of-residence')!;
  const run: Run = { label: 'redriven', type, tenant: gent, applicant: taskApplicant(type), plan: { reason, data } };
  const id = await submit(run);
  await eventually(() => caseOf(gent, id), (current) => current?.openTasks?.length > 0, patience);
  const executionArn = `${stack.stateMachineArns[type.key]!.replace(':stateMachine:', ':execution:')}:${id}`;
  await sfn.send(new StopExecutionCommand({ executionArn, cause: 'stopped in the console' }));
  await eventually(() => caseOf(gent, id), (current) => current?.attention !== undefined, patience);
  const { operator } = tokens[gent]!;
  const listed = await stack.call('GET', '/v1/operations/cases?attention=true', { token: operator });
  expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(id);
  const redrive = await stack.call('POST', `/v1/cases/${id}/redrive`, { token: operator, body: { reason: `Stopped by mistake while ${someone!.givenName} waited` } });
  expect(redrive.status).toBe(202);
  // The redriven step waits again: its task is handed the new token.
  await eventually(
    () => stack.call('GET', `/v1/cases/${id}/history`, { token: operator }),
    (history) => history.body?.items?.some((event: { action: string }) => event.action === 'task.reissued'),
    patience,
  );
  return perform(run, id);
}

/** A proof of residence whose certificate step fails for good: the case ends as failed, with the error in its execution. */
async function failed(): Promise<Ran> {
  const type = catalogue.find('proof-of-residence')!;
  const run: Run = { label: 'failed', type, tenant: gent, applicant: taskApplicant(type), plan: { outcomes: { 'verify-residence': 'approve' }, reason, data } };
  const id = await submit(run);
  failing.add(id);
  return perform(run, id);
}

/** Requests with personal data that are refused: none of it may reach a log on the way. */
async function refusedRequests(): Promise<void> {
  const { portal } = tokens[gent]!;
  const person = residentOf(gent);
  const refused = [
    await stack.call('GET', `/v1/cases?applicant=${person.insz}`, { token: portal }),
    await stack.call('POST', '/v1/cases', { token: portal, body: { type: 'proof-of-residence', applicant: { insz: person.insz }, data: { purpose: 42 } } }),
    await stack.call('POST', '/v1/cases', { token: portal, body: { type: 'terrace-permit', applicant: { insz: person.insz }, data: exampleOf('terrace-permit').data } }),
    await stack.call('POST', '/v1/cases/search', { token: portal, body: { applicant: person.insz, surname: person.familyName } }),
    await stack.call('POST', '/v1/data-subject/export', { token: portal, body: { applicant: { insz: person.insz } } }),
  ];
  expect(refused.map((response) => response.status)).toEqual([400, 400, 400, 400, 403]);
}

/** The state machine's definition with `TimeoutSeconds` of the named states (in branches too) set to `seconds`. */
function withTimeouts(definition: string, states: readonly string[], seconds: number): string {
  const parsed = JSON.parse(definition);
  const visit = (all: Record<string, any>) => {
    for (const [name, state] of Object.entries(all)) {
      if (states.includes(name)) state.TimeoutSeconds = seconds;
      for (const branch of state.Branches ?? []) visit(branch.States);
    }
  };
  visit(parsed.States);
  return JSON.stringify(parsed);
}

/** Waits left to time out: a task nobody answers (with an escalation for the address check), a message that never comes. */
const expiring: ReadonlyArray<{ type: string; states: string[]; unanswered: string[]; outcomes?: Record<string, string> }> = [
  { type: 'change-of-address', states: ['PoliceCheck'], unanswered: ['police-check'], outcomes: { 'verify-address': 'positive' } },
  { type: 'change-of-address', states: ['PoliceCheck'], unanswered: ['police-check'], outcomes: { 'verify-address': 'negative' } },
  { type: 'proof-of-residence', states: ['VerifyResidence'], unanswered: ['verify-residence'] },
  { type: 'event-permit', states: ['MobilityAdvice'], unanswered: ['mobility-advice'] },
  { type: 'terrace-permit', states: ['AwaitDocuments'], unanswered: ['documents-supplied'] },
  { type: 'resident-parking-permit', states: ['AwaitPayment'], unanswered: ['payment-received'] },
];

async function expiries(): Promise<Ran[]> {
  const keys = [...new Set(expiring.map((entry) => entry.type))];
  const originals = new Map<string, string>();
  for (const key of keys) {
    const stateMachineArn = stack.stateMachineArns[key]!;
    const original = (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).definition!;
    originals.set(key, original);
    const states = expiring.filter((entry) => entry.type === key).flatMap((entry) => entry.states);
    // 2000 s at the test's time scale (2 s): long enough for the step to create its task, short enough to pass unanswered.
    // Cases start on the type's alias: the shortened workflow is published as a version and the alias moved to it.
    await publishAndRouteWorkflow(sfn, { key, stateMachineArn, version: catalogue.find(key)!.version, definition: withTimeouts(original, states, 2000) });
  }
  try {
    return await Promise.all(
      expiring.map((entry) => {
        const type = catalogue.find(entry.type)!;
        return perform({ label: `${entry.type} expiring`, type, tenant: gent, applicant: taskApplicant(type), plan: { outcomes: entry.outcomes, unanswered: entry.unanswered, messages, reason, data } });
      }),
    );
  } finally {
    for (const [key, definition] of originals) await publishAndRouteWorkflow(sfn, { key, stateMachineArn: stack.stateMachineArns[key]!, version: catalogue.find(key)!.version, definition });
  }
}

/** Every read a portal, a clerk, an operator and the data protection officer make of the cases that ran. */
async function readEverything(): Promise<void> {
  for (const { run, id, final } of ran) {
    const { worker, operator } = tokens[run.tenant]!;
    const history = await stack.call('GET', `/v1/cases/${id}/history`, { token: operator, headers: { 'x-purpose': 'audit' } });
    expect({ run: run.label, status: history.status, verified: history.body.verified }).toEqual({ run: run.label, status: 200, verified: true });
    for (const document of final.documents as Array<{ reference: string }>) {
      const response = await fetch(`${stack.apiUrl}/v1/cases/${id}/documents/${encodeURIComponent(document.reference)}`, { headers: { authorization: `Bearer ${worker}` } });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
  }
  const applicants = new Map<string, Set<string>>();
  for (const { run } of ran) applicants.set(run.tenant, (applicants.get(run.tenant) ?? new Set()).add(JSON.stringify(run.applicant)));
  for (const [tenant, inTenant] of applicants) {
    const { portal, worker, operator, dpo } = tokens[tenant]!;
    expect((await stack.call('GET', '/v1/tasks', { token: worker })).status).toBe(200);
    expect((await stack.call('GET', '/v1/cases?status=granted', { token: operator })).status).toBe(200);
    for (const applicant of [...inTenant].map((text) => JSON.parse(text) as Applicant)) {
      const number = 'insz' in applicant ? applicant.insz : applicant.kbo;
      for (const token of [portal, worker]) {
        const search = await stack.call('POST', '/v1/cases/search', { token, headers: { 'x-purpose': 'desk enquiry' }, body: { applicant: number } });
        expect(search.status).toBe(200);
        expect(search.body.items.length).toBeGreaterThan(0);
      }
      const log = await stack.call('POST', '/v1/data-subject/processing-log', { token: dpo, body: { applicant } });
      expect(log.status).toBe(200);
      expect(log.body.items.length).toBeGreaterThan(0);
      const exported = await stack.call('POST', '/v1/data-subject/export', { token: dpo, headers: { 'x-purpose': 'access request' }, body: { applicant } });
      expect(exported.status).toBe(200);
    }
  }
}

/** Everything the Step Functions endpoint holds: each execution's description and its full history, with data. */
async function executionRecords(): Promise<Array<{ source: string; text: string }>> {
  const records: Array<{ source: string; text: string }> = [];
  for await (const page of paginateListStateMachines({ client: sfn }, {})) {
    for (const machine of page.stateMachines ?? []) {
      for await (const executions of paginateListExecutions({ client: sfn }, { stateMachineArn: machine.stateMachineArn })) {
        for (const execution of executions.executions ?? []) {
          const source = `execution ${machine.name}/${execution.name}`;
          const described = await sfn.send(new DescribeExecutionCommand({ executionArn: execution.executionArn }));
          records.push({ source: `${source} (description)`, text: JSON.stringify(described) });
          for await (const history of paginateGetExecutionHistory({ client: sfn }, { executionArn: execution.executionArn, includeExecutionData: true })) {
            for (const event of history.events ?? []) records.push({ source: `${source} (event ${event.id} ${event.type})`, text: JSON.stringify(event) });
          }
        }
      }
    }
  }
  return records;
}

async function tableItems(): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  for await (const page of paginateScan({ client: table }, { TableName: stack.tableName })) items.push(...(page.Items ?? []));
  return items;
}

const keyAttribute = /^(PK|SK|GSI\d+PK|GSI\d+SK)$/;
const scan = (records: ReadonlyArray<{ source: string; text: string }>): Finding[] =>
  records.flatMap((record) => findPersonalData(record.source, record.text, personalValues));

describe('the whole catalogue on the local stack, traced as on Lambda', () => {
  test('the functions trace as on Lambda, to the fake X-Ray daemon', () => {
    expect(tracingEnabled).toBe(true);
  });

  test('every type runs through every task outcome, message, withdrawal, expiry, failure, redrive and read', async () => {
    const runs = catalogueRuns();
    await refusedRequests();
    const [lifecycleCase, redrivenCase, failedCase] = await inPool(8, [lifecycle, redriven, failed, ...runs.map((run) => () => perform(run))]);
    await expiries();
    await readEverything();

    const finals = (label: string) => ran.filter((done) => done.run.label === label).map((done) => done.final.status.code);
    expect(finals('proof-of-residence withdrawn')).toEqual(['withdrawn']);
    expect(lifecycleCase!.final.extensions).toHaveLength(1);
    expect(redrivenCase!.final.status.code).toBe('issued');
    expect(failedCase!.final.status.code).toBe('failed');
    expect(ran.filter((done) => done.run.label.endsWith('expiring')).map((done) => done.final.status.code)).toEqual(
      expect.arrayContaining(['expired', 'registered', 'rejected', 'granted']),
    );
    // Every outcome of every task of the catalogue was given at least once.
    const given = new Set(ran.flatMap((done) => done.steps));
    const missing = catalogue.all().flatMap((type) => Object.entries(type.tasks).flatMap(([name, task]) => task.outcomes.map((outcome) => `${name}=${outcome}`)).filter((step) => !given.has(step)));
    expect(missing).toEqual([]);
    expect(new Set(ran.map((done) => done.run.type.key))).toEqual(new Set(catalogue.all().map((type) => type.key)));
  }, 400_000);

  test('the scan finds the personal data where it belongs: the applicants and the certificates in the cases', async () => {
    const items = await tableItems();
    const cases = items.filter((item) => item.entity === 'case');
    const found = new Set(scan(cases.map((item) => ({ source: String(item.PK), text: JSON.stringify(item) }))).map((finding) => finding.label));
    const person = (insz: string) => `person ${fixturePeople.findIndex((candidate) => candidate.insz === insz) + 1}`;
    const gentResident = person(residentOf(gent).insz);
    const aalstResident = person(residentOf(aalst).insz);
    expect([...found]).toEqual(
      expect.arrayContaining([
        `${gentResident}: INSZ`,
        `${gentResident}: given name`,
        `${gentResident}: family name`,
        `${aalstResident}: INSZ`,
        `${aalstResident}: street`,
        `enterprise ${fixtureEnterprises.indexOf(activeEnterpriseOf(gent)) + 1}: KBO`,
        'unregistered applicant: INSZ',
        'submitted new address: street',
        'submitted licence plate',
      ]),
    );
    // The free text people typed is kept with the tasks and the cases' decisions.
    const tasks = items.filter((item) => item.entity === 'task');
    const inTasks = new Set(scan(tasks.map((item) => ({ source: String(item.PK), text: JSON.stringify(item) }))).map((finding) => finding.label));
    expect([...inTasks]).toEqual(expect.arrayContaining([`${person(someone!.insz)}: given name`, `${person(someone!.insz)}: street`]));
    // And it finds a number however it is written.
    expect(findPersonalData('test', `insz ${residentOf(gent).insz.replace(/^(\d\d)(\d\d)(\d\d)(\d{3})(\d\d)$/, '$1.$2.$3-$4.$5')}`, personalValues)).toHaveLength(1);
  });

  test('nothing the process printed holds personal data: the stack log, Powertools logs and metrics, the console', () => {
    expect(output.pieces.some((piece) => piece.source === 'stdout' && piece.text.includes('"level"'))).toBe(true);
    expect(output.pieces.some((piece) => piece.text.includes('"_aws"'))).toBe(true);
    expect(reportFindings(scan(output.pieces))).toBe('');
  });

  test('no execution holds personal data: inputs, outputs, errors and every history event with its data', async () => {
    const records = await executionRecords();
    expect(records.filter((record) => record.source.endsWith('(description)')).length).toBeGreaterThanOrEqual(ran.length);
    expect(reportFindings(scan(records))).toBe('');
  });

  test('no published event and no outbox item holds personal data', async () => {
    expect(stack.events.length).toBeGreaterThan(0);
    expect(dispatched.length).toBeGreaterThan(0);
    const outboxItems = (await tableItems()).filter((item) => item.entity === 'outbox');
    expect(
      reportFindings(
        scan([
          ...stack.events.map((event, index) => ({ source: `event ${index} ${event.detailType}`, text: JSON.stringify(event) })),
          ...dispatched.map((record, index) => ({ source: `outbox record ${index} handed to the dispatcher`, text: JSON.stringify(record) })),
          ...outboxItems.map((item) => ({ source: `outbox item ${String(item.SK)}`, text: JSON.stringify(item) })),
        ]),
      ),
    ).toBe('');
  });

  test('no X-Ray datagram holds personal data', () => {
    expect(daemon.datagrams.some((datagram) => datagram.includes('"namespace":"aws"'))).toBe(true);
    expect(reportFindings(scan(daemon.datagrams.map((datagram, index) => ({ source: `X-Ray datagram ${index}`, text: datagram }))))).toBe('');
  });

  test('no key of any table item holds personal data (the applicant index is keyed by a pseudonym)', async () => {
    const keys = (await tableItems()).map((item) => ({
      source: `item ${String(item.PK)} ${String(item.SK)}`,
      text: JSON.stringify(Object.fromEntries(Object.entries(item).filter(([name]) => keyAttribute.test(name)))),
    }));
    expect(reportFindings(scan(keys))).toBe('');
  });
});
