/**
 * TEST DOUBLES for the use cases' ports, for unit tests only: nothing here runs in Loket
 * itself. They keep state in maps and behave like the DynamoDB adapters where a use case can
 * tell the difference:
 * - `change` reads the case, runs `decide`, and commits case (version + 1), audit event,
 *   tasks and message waits together or not at all. A task written with `expect` must be
 *   absent (`new`) or exactly as read (status, token, assignee), and a delivered message's
 *   wait must still hold the same token; otherwise the change is a conflict. A case whose
 *   version moved since it was read makes `decide` run again, five times at most, then a
 *   TransientError. A missing case is not-found. A change `from` a case the store handed out
 *   decides first on that case, without reading it again (`caseReads` counts the reads).
 * - `create` writes case, number, first audit event and Idempotency-Key at once; a key
 *   already held is IdempotencyKeyTaken.
 * - the read side merges a tenant's role/status inboxes by due date and pages searches by
 *   the same sort keys as the indexes.
 * - a change's and a creation's effects go to the outbox in the same commit, with ULID ids.
 * Tests steer races through `beforeCommit`, which runs between `decide` and the write.
 */
import { monotonicFactory } from 'ulid';
import { applicantId } from '../../functions/domain/applicant';
import type { Caller } from '../../functions/domain/actor';
import type { AuditDraft, AuditEvent, AuditHead } from '../../functions/domain/audit';
import { chainEvent, genesisHead, headOf, sealMessage } from '../../functions/domain/audit';
import { caseDigest } from '../../functions/domain/audit-trail';
import { hmacAuditSeal, hmacSealOf } from '../../functions/adapters/audit-seal';
import type { AuditSeal } from '../../functions/ports/audit-seal.port';
import type { Case, CaseDocument, DocumentFile } from '../../functions/domain/case';
import type { Effect, OutboxItem } from '../../functions/domain/effect';
import { caseNumber, openCase } from '../../functions/domain/case';
import { catalogue } from '../../functions/catalogue/catalogue';
import type { Catalogue } from '../../functions/ports/catalogue.port';
import { openTask } from '../../functions/domain/task';
import { sha256Hex } from '../../functions/domain/digest';
import { conflict, DomainError, notFound, TransientError } from '../../functions/domain/errors';
import type { MessageWait } from '../../functions/domain/message-wait';
import type { Task } from '../../functions/domain/task';
import type { Tenant } from '../../functions/domain/tenant';
import type {
  CaseReads,
  CaseStore,
  CaseSummary,
  OpenCase,
  Decision,
  IdempotencyRecord,
  IdempotencyStore,
  Outbox,
  Page,
} from '../../functions/ports/case-store.port';
import { changesOf, IdempotencyKeyTaken } from '../../functions/ports/case-store.port';
import type { Clock, DeadlineFigures, DocumentFiling, ProcessingLog, Telemetry, TenantDirectory } from '../../functions/ports/services.port';
import type { AccessRecord } from '../../functions/domain/access-record';
import { hmacPseudonyms } from '../../functions/adapters/pseudonyms';
import type { ExecutionState, StartedWorkflow, WorkflowEngine, WorkflowInput } from '../../functions/ports/workflow-engine.port';
import type { CaseEvent } from '../../functions/domain/case-event';
import type { EventBus, EventFanOut } from '../../functions/ports/event-exchange.port';
import type { ClosingNotice } from '../../functions/domain/closing-notice';
import type { Delivery } from '../../functions/use-cases/deliver-effect';
import { deliverEffect } from '../../functions/use-cases/deliver-effect';
import { caseSummaryAttributes, openCaseAttributes } from '../../functions/adapters/table-keys';

const clone = <T>(value: T): T => structuredClone(value);
const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** What happens between a change's decision and its write: the moment another request can slip in. */
export type BeforeCommit = (caseId: string, attempt: number) => void | Promise<void>;

export interface InMemoryCaseStore extends CaseStore, IdempotencyStore, CaseReads, Outbox {
  /** Undelivered effects, by outbox id. */
  readonly outbox: Map<string, OutboxItem>;
  /** The effects written so far, delivered or not, in order. */
  readonly effectsWritten: Effect[];
  readonly cases: Map<string, Case>;
  readonly tasks: Map<string, Task>;
  readonly waits: Map<string, MessageWait>;
  readonly events: Map<string, AuditEvent[]>;
  /** The head of each case's trail, as the case item keeps it. */
  readonly heads: Map<string, AuditHead>;
  /** The seal the store's events are sealed with (the development seal, with a test key). */
  readonly seal: AuditSeal;
  readonly idempotencyRecords: Map<string, IdempotencyRecord>;
  readonly numbers: Map<string, string>;
  /** How many times `decide` ran, over all changes. */
  decideRuns: number;
  /** How many times a case was read: by `get`, its page, its audited read, or a try of `change` that read it. */
  caseReads: number;
  /** How many changes and creations were committed. */
  commits: number;
  /** Called once per attempt, after `decide` and before the write; tests change the store here to race it. */
  beforeCommit?: BeforeCommit;
  /** Called at the start of `create`, before its condition checks. */
  beforeCreate?: (subject: Case) => void | Promise<void>;
  /** Puts a case (with its first audit event, so the chain verifies) without going through a use case. */
  seedCase(subject: Case): Case;
  seedTask(task: Task): Task;
  seedWait(wait: MessageWait): MessageWait;
  /** The case's audit trail. */
  eventsOf(caseId: string): AuditEvent[];
}

const waitKey = (caseId: string, name: string) => `${caseId}#${name}`;
const keyOf = (tenant: string, key: string) => `${tenant}#${key}`;

/** What an index copies of a case: the attributes it projects (table-keys), absent ones left out, as DynamoDB returns them. */
function projected<K extends keyof Case>(subject: Case, attributes: readonly K[]): Pick<Case, K> {
  return Object.fromEntries(attributes.filter((attribute) => subject[attribute] !== undefined).map((attribute) => [attribute, subject[attribute]])) as Pick<Case, K>;
}

/** A case as the search indexes hold it. */
const summaryOf = (subject: Case): CaseSummary => projected(subject, caseSummaryAttributes);
/** An open case as the deadline index holds it: no more than the reconciler may read. */
const openCaseOf = (subject: Case): OpenCase => projected(subject, openCaseAttributes);

function page<T>(sorted: ReadonlyArray<{ sortKey: string; item: T }>, after: string | undefined, limit: number): Page<T> {
  const rest = after === undefined ? [...sorted] : sorted.filter(({ sortKey }) => sortKey > after);
  const items = rest.slice(0, limit);
  return {
    items: items.map(({ item }) => clone(item)),
    ...(rest.length > limit && items.length > 0 ? { after: items[items.length - 1]!.sortKey } : {}),
  };
}

const bySortKey = (a: { sortKey: string }, b: { sortKey: string }) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0);

/** The key the doubles seal audit trails with. */
export const testAuditSealKey = 'test-audit-seal-key';

export function inMemoryCaseStore(): InMemoryCaseStore {
  const cases = new Map<string, Case>();
  const tasks = new Map<string, Task>();
  const waits = new Map<string, MessageWait>();
  const events = new Map<string, AuditEvent[]>();
  const heads = new Map<string, AuditHead>();
  const idempotencyRecords = new Map<string, IdempotencyRecord>();
  const numbers = new Map<string, string>();
  const counters = new Map<string, number>();
  const outbox = new Map<string, OutboxItem>();
  const effectsWritten: Effect[] = [];
  const outboxId = monotonicFactory();

  /** A case's tasks as the table holds them in its partition: by id. */
  function tasksOf(caseId: string): Task[] {
    return [...tasks.values()]
      .filter((task) => task.caseId === caseId)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map(clone);
  }

  function enqueue(caseId: string, effects: readonly Effect[] | undefined, at: string): void {
    for (const effect of effects ?? []) {
      const item: OutboxItem = { id: outboxId(Date.parse(at)), caseId, effect: clone(effect), createdAt: at };
      outbox.set(item.id, item);
      effectsWritten.push(clone(effect));
    }
  }

  /** Appends the next sealed event, as the DynamoDB store does: chained to the head, with the case's state before and after. */
  function append(caseId: string, draft: AuditDraft, before: Case | undefined, after: Case): AuditEvent {
    const trail = events.get(caseId) ?? [];
    const unsealed = chainEvent(caseId, clone(draft), heads.get(caseId) ?? genesisHead, { before: before && caseDigest(before), after: caseDigest(after) });
    const event: AuditEvent = { ...unsealed, seal: hmacSealOf(testAuditSealKey, sealMessage(unsealed)) };
    events.set(caseId, [...trail, event]);
    heads.set(caseId, headOf(event));
    return event;
  }

  /** Each case the store handed out, as it was when read: what a change `from` it starts on. */
  const handedOut = new WeakMap<Case, Case>();

  function readCase(id: string): Case | undefined {
    store.caseReads += 1;
    const found = cases.get(id);
    return found && clone(found);
  }

  function handOut(read: Case): Case {
    const copy = clone(read);
    handedOut.set(copy, read);
    return copy;
  }

  function taskUnchanged(expect: 'new' | Task, stored: Task | undefined): boolean {
    if (expect === 'new') return stored === undefined;
    return stored !== undefined && stored.status === expect.status && stored.token === expect.token && stored.assignee === expect.assignee;
  }

  const store: InMemoryCaseStore = {
    cases,
    tasks,
    waits,
    events,
    heads,
    seal: hmacAuditSeal(testAuditSealKey),
    idempotencyRecords,
    numbers,
    outbox,
    effectsWritten,
    decideRuns: 0,
    caseReads: 0,
    commits: 0,

    seedCase(subject) {
      cases.set(subject.id, clone(subject));
      numbers.set(subject.number, subject.id);
      if (!events.has(subject.id)) {
        append(subject.id, { action: 'case.submitted', actor: { kind: 'system', component: 'seed' }, at: subject.createdAt, details: { number: subject.number } }, undefined, subject);
      }
      return subject;
    },
    seedTask(task) {
      tasks.set(task.id, clone(task));
      return task;
    },
    seedWait(wait) {
      waits.set(waitKey(wait.caseId, wait.name), clone(wait));
      return wait;
    },
    eventsOf(caseId) {
      return clone(events.get(caseId) ?? []);
    },

    async get(id) {
      await yieldTurn();
      const found = readCase(id);
      return found && handOut(found);
    },

    async getWithTasksAndWaits(id) {
      await yieldTurn();
      const found = readCase(id);
      return found && { case: handOut(found), tasks: tasksOf(id), waits: [...waits.values()].filter((wait) => wait.caseId === id).map(clone) };
    },

    async getAudited(id) {
      await yieldTurn();
      const found = readCase(id);
      const head = heads.get(id);
      return found && { case: handOut(found), ...(head ? { head: clone(head) } : {}), keysIntact: true };
    },

    async nextNumberSequence(tenant, year) {
      const key = `${tenant}#${year}`;
      const next = (counters.get(key) ?? 0) + 1;
      counters.set(key, next);
      return next;
    },

    async find(tenant, key) {
      await yieldTurn();
      const record = idempotencyRecords.get(keyOf(tenant, key));
      return record && clone(record);
    },

    async create(subject, audit, idempotency, effects) {
      await store.beforeCreate?.(clone(subject));
      if (cases.has(subject.id)) throw new Error(`case ${subject.id} exists`);
      if (numbers.has(subject.number)) throw new Error(`case number ${subject.number} is taken`);
      if (idempotency && idempotencyRecords.has(keyOf(idempotency.tenant, idempotency.key))) throw new IdempotencyKeyTaken();
      cases.set(subject.id, clone(subject));
      numbers.set(subject.number, subject.id);
      append(subject.id, audit, undefined, subject);
      if (idempotency) idempotencyRecords.set(keyOf(idempotency.tenant, idempotency.key), clone(idempotency));
      enqueue(subject.id, effects, audit.at);
      store.commits += 1;
    },

    async change<R>(id: string, decide: (current: Case) => Decision<R> | Promise<Decision<R>>, options?: { readonly from?: Case }): Promise<R> {
      let handedIn = options?.from?.id === id ? handedOut.get(options.from) : undefined;
      for (let attempt = 1; ; attempt++) {
        await yieldTurn();
        const read = handedIn ?? readCase(id);
        handedIn = undefined;
        if (!read) throw notFound(`case ${id}`);
        const snapshot = clone(read);
        store.decideRuns += 1;
        const decision = await decide(clone(snapshot));
        const change = decision.change;
        if (!change) return decision.result(snapshot);
        await store.beforeCommit?.(id, attempt);
        await yieldTurn();
        const guardsHold = changesOf(change).every(
          (part) =>
            (part.tasks ?? []).every((write) => taskUnchanged(write.expect, tasks.get(write.task.id))) &&
            (part.deliverMessage === undefined || waits.get(waitKey(part.deliverMessage.caseId, part.deliverMessage.name))?.token === part.deliverMessage.token),
        );
        if (!guardsHold) throw conflict('the task or message was handled in the meantime');
        if (cases.get(id)?.version !== snapshot.version) {
          if (attempt >= 5) throw new TransientError(`case ${id} kept changing concurrently`);
          continue;
        }
        let before: Case = snapshot;
        for (const part of changesOf(change)) {
          const after: Case = { ...clone(part.case), version: snapshot.version + 1 };
          cases.set(id, after);
          append(id, part.audit, before, after);
          for (const write of part.tasks ?? []) tasks.set(write.task.id, clone(write.task));
          if (part.awaitMessage) waits.set(waitKey(part.awaitMessage.caseId, part.awaitMessage.name), clone(part.awaitMessage));
          if (part.deliverMessage) waits.delete(waitKey(part.deliverMessage.caseId, part.deliverMessage.name));
          enqueue(id, part.effects, part.audit.at);
          before = after;
        }
        const changed = before;
        store.commits += 1;
        return decision.result(clone(changed));
      }
    },

    async pendingOf(caseId) {
      return [...outbox.values()].filter((item) => item.caseId === caseId).sort((a, b) => (a.id < b.id ? -1 : 1)).map(clone);
    },

    async delivered(item) {
      outbox.delete(item.id);
    },

    async getTask(id) {
      await yieldTurn();
      const found = tasks.get(id);
      return found && clone(found);
    },

    async taskOfCase(caseId, id) {
      await yieldTurn();
      const found = tasks.get(id);
      return found?.caseId === caseId ? clone(found) : undefined;
    },

    async tasksOfCase(caseId) {
      return tasksOf(caseId);
    },

    async messageWait(caseId, name) {
      const found = waits.get(waitKey(caseId, name));
      return found && clone(found);
    },

    async messageWaitsOf(caseId) {
      return [...waits.values()].filter((wait) => wait.caseId === caseId).map(clone);
    },

    async tasksByRole(query) {
      const matching = [...tasks.values()]
        .filter((task) => task.tenant === query.tenant && query.roles.includes(task.role) && query.statuses.includes(task.status))
        .map((task) => ({ sortKey: `${task.dueAt}#${task.id}`, item: task }))
        .sort(bySortKey);
      return page(matching, query.after, query.limit);
    },

    async searchCases(query) {
      // Like the indexes: by due date within a status, by submission otherwise.
      const sortOn = query.applicant === undefined && query.status !== undefined ? 'dueAt' : 'createdAt';
      const matching = [...cases.values()]
        .filter(
          (subject) =>
            subject.tenant === query.tenant &&
            (query.status === undefined || subject.status === query.status) &&
            (query.type === undefined || subject.type.key === query.type) &&
            (query.applicant === undefined || applicantId(subject.applicant) === query.applicant),
        )
        .map((subject) => ({ sortKey: `${subject[sortOn]}#${subject.id}`, item: summaryOf(subject) }))
        .sort(bySortKey);
      return page(matching, query.after, query.limit);
    },

    async history(caseId) {
      return clone(events.get(caseId) ?? []);
    },

    async openCases(after, limit) {
      const open = [...cases.values()]
        .filter((subject) => subject.closedAt === undefined)
        .map((subject) => ({ sortKey: `${subject.dueAt}#${subject.id}`, item: openCaseOf(subject) }))
        .sort(bySortKey);
      return page(open, after, limit);
    },

    async casesNeedingAttention(query) {
      const flagged = [...cases.values()]
        .filter((subject) => subject.tenant === query.tenant && subject.closedAt === undefined && subject.attention)
        .map((subject) => ({ sortKey: `${subject.attention!.since}#${subject.id}`, item: summaryOf(subject) }))
        .sort(bySortKey);
      return page(flagged, query.after, query.limit);
    },
  };
  return store;
}

export interface RecordedStart {
  readonly typeKey: string;
  readonly caseId: string;
  readonly input: WorkflowInput;
  /** The version the start asked for; absent: the type's current one. */
  readonly versionArn?: string;
}

export interface InMemoryWorkflowEngine extends WorkflowEngine {
  readonly starts: RecordedStart[];
  readonly stops: Array<{ executionId: string; cause: string; error?: string }>;
  readonly resumes: Array<{ token: string; output: unknown }>;
  /** Makes every later resume with this token throw the error (it is not recorded as a resume). */
  failResume(token: string, error: Error): void;
  /** Where each execution stands; an execution started here is running until a test says otherwise. */
  readonly executions: Map<string, ExecutionState>;
  /** The error name an ended execution reports; a redrive clears it. */
  readonly errors: Map<string, string>;
  readonly redrives: string[];
  /**
   * The type version each type's alias points at. Absent: the engine cannot tell before a start (as an alias split
   * between versions), and a start on the alias runs the version the case was submitted as.
   */
  readonly currentVersions: Map<string, number>;
}

export const executionIdFor = (typeKey: string, caseId: string) => `arn:aws:states:eu-west-1:000000000000:execution:loket-${typeKey}:${caseId}`;

export function inMemoryWorkflowEngine(): InMemoryWorkflowEngine {
  const failures = new Map<string, Error>();
  const runsOn = new Map<string, StartedWorkflow>();
  const engine: InMemoryWorkflowEngine = {
    starts: [],
    stops: [],
    resumes: [],
    failResume(token, error) {
      failures.set(token, error);
    },
    executions: new Map(),
    errors: new Map(),
    redrives: [],
    currentVersions: new Map(),
    executionIdFor,
    async currentVersion(typeKey) {
      const typeVersion = engine.currentVersions.get(typeKey);
      return typeVersion === undefined ? undefined : { versionArn: `arn:aws:states:eu-west-1:000000000000:stateMachine:loket-${typeKey}:${typeVersion}`, typeVersion };
    },
    async start(typeKey, caseId, input, versionArn) {
      const id = executionIdFor(typeKey, caseId);
      const running = runsOn.get(id);
      if (running && engine.executions.has(id)) return running;
      // As on Step Functions, version n of `loket-<key>` is `…:stateMachine:loket-<key>:n`, and publishes type version n.
      const typeVersion = versionArn ? Number(versionArn.split(':').at(-1)) : (engine.currentVersions.get(typeKey) ?? input.version);
      const started = { executionId: id, versionArn: `arn:aws:states:eu-west-1:000000000000:stateMachine:loket-${typeKey}:${typeVersion}`, typeVersion };
      runsOn.set(id, started);
      if (engine.executions.has(id)) return started;
      engine.starts.push(clone(versionArn ? { typeKey, caseId, input, versionArn } : { typeKey, caseId, input }));
      engine.executions.set(id, 'running');
      return started;
    },
    async describe(executionId) {
      const state = engine.executions.get(executionId) ?? 'missing';
      const error = state === 'running' ? undefined : engine.errors.get(executionId);
      return error ? { state, error } : { state };
    },
    async redrive(executionId) {
      const state = engine.executions.get(executionId);
      if (state !== 'failed' && state !== 'timed-out' && state !== 'aborted') return false;
      engine.redrives.push(executionId);
      engine.executions.set(executionId, 'running');
      engine.errors.delete(executionId);
      return true;
    },
    async stop(executionId, cause, error) {
      engine.stops.push(error === undefined ? { executionId, cause } : { executionId, cause, error });
    },
    async resume(token, output) {
      const failure = failures.get(token);
      if (failure) throw failure;
      engine.resumes.push(clone({ token, output }));
    },
  };
  return engine;
}

export interface SettableClock extends Clock {
  set(instant: Date | string): void;
  advance(ms: number): void;
}

export function settableClock(start: Date | string): SettableClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set(instant) {
      current = new Date(instant);
    },
    advance(ms) {
      current = new Date(current.getTime() + ms);
    },
  };
}

export interface TelemetryRecorder extends Telemetry {
  readonly submitted: string[];
  readonly closed: Array<{ typeKey: string; status: string }>;
  readonly warnings: Array<{ message: string; fields: Readonly<Record<string, string | number | boolean>> }>;
  readonly needingAttention: string[];
  readonly deadlineFigures: Array<{ typeKey: string; figures: DeadlineFigures }>;
  readonly notRecorded: Array<{ typeKey: string; count: number }>;
}

export function telemetryRecorder(): TelemetryRecorder {
  const recorder: TelemetryRecorder = {
    submitted: [],
    closed: [],
    warnings: [],
    needingAttention: [],
    deadlineFigures: [],
    notRecorded: [],
    caseSubmitted(typeKey) {
      recorder.submitted.push(typeKey);
    },
    caseClosed(typeKey, status) {
      recorder.closed.push({ typeKey, status });
    },
    warn(message, fields) {
      recorder.warnings.push({ message, fields: { ...fields } });
    },
    caseNeedsAttention(typeKey) {
      recorder.needingAttention.push(typeKey);
    },
    deadlines(typeKey, figures) {
      recorder.deadlineFigures.push({ typeKey, figures: clone(figures) });
    },
    failuresNotRecorded(typeKey, count) {
      recorder.notRecorded.push({ typeKey, count });
    },
  };
  return recorder;
}

export const gent: Tenant = { id: '44021', name: { nl: 'Stad Gent', en: 'City of Ghent' }, kind: 'municipality' };
export const aalst: Tenant = { id: '41002', name: { nl: 'Stad Aalst', en: 'City of Aalst' }, kind: 'municipality' };

export function tenantDirectory(tenants: readonly Tenant[] = [gent, aalst]): TenantDirectory {
  const byId = new Map(tenants.map((tenant) => [tenant.id, tenant]));
  return { get: async (id) => byId.get(id) };
}

export interface InMemoryDocumentFiling extends DocumentFiling {
  /** The bytes kept by key; tests may delete or corrupt them. */
  readonly files: Map<string, Uint8Array>;
  readonly filed: Array<{ document: CaseDocument; caseId: string; tenant: string }>;
}

/** Files a document's text as its "rendering": the same document gives the same bytes at the same key. */
export function inMemoryDocumentFiling(): InMemoryDocumentFiling {
  const filing: InMemoryDocumentFiling = {
    files: new Map(),
    filed: [],
    async file(document, subject, tenant) {
      const bytes = new TextEncoder().encode(`${document.title[document.language]}\n${document.text[document.language]}`);
      const key = `${tenant.id}/${subject.id}/${document.reference}.pdf`;
      filing.files.set(key, bytes);
      filing.filed.push(clone({ document, caseId: subject.id, tenant: tenant.id }));
      return { key, contentType: 'application/pdf', size: bytes.byteLength, sha256: sha256Hex(bytes) } satisfies DocumentFile;
    },
    async read(file) {
      const bytes = filing.files.get(file.key);
      return bytes && new Uint8Array(bytes);
    },
  };
  return filing;
}

/** A caller of a tenant with the given roles. */
export function callerOf(tenant: string, roles: readonly string[], subject = `${roles.join('+')}@${tenant}`): Caller {
  return { kind: 'user', subject, tenant, roles: [...roles] };
}

export const portalOf = (tenant = gent.id) => callerOf(tenant, ['portal']);
export const clerkOf = (tenant = gent.id, subject?: string) => callerOf(tenant, ['clerk'], subject);

/** A valid ULID made from a counter, so that tests can make ids without clocks or randomness. */
export function testUlid(n: number): string {
  return `01JDZ${String(n).padStart(21, '0')}`;
}

/** A case as submitted (version 0, status `submitted`), of one of the published types. */
export function aCase(options: {
  id: string;
  typeKey: string;
  /** A kept version of the type other than its newest. */
  typeVersion?: number;
  tenant?: string;
  sequence?: number;
  applicant?: Case['applicant'];
  data?: Record<string, unknown>;
  now: Date;
  dueAt: Date;
}): Case {
  const type = options.typeVersion === undefined ? catalogue.find(options.typeKey) : catalogue.versionOf({ key: options.typeKey, version: options.typeVersion });
  if (!type) throw new Error(`no type ${options.typeKey}`);
  const tenant = options.tenant ?? gent.id;
  return openCase({
    id: options.id,
    number: caseNumber(tenant, options.now.getUTCFullYear(), options.sequence ?? 1),
    tenant,
    type,
    applicant: options.applicant ?? (type.applicantKinds.includes('citizen') ? { insz: '85073003328' } : { kbo: '0999000129' }),
    data: options.data ?? (type.example.data as Record<string, unknown>),
    dueAt: options.dueAt,
    executionArn: executionIdFor(type.key, options.id),
    actor: callerOf(tenant, ['portal']),
    now: options.now,
  }).case;
}

/** An open task of a case, as its workflow step created it. */
export function aTask(subject: Case, options: { id: string; name: string; token: string; now: Date; dueAt: Date }): Task {
  const definition = catalogue.ofCase(subject).tasks[options.name];
  if (!definition) throw new Error(`no task ${options.name}`);
  return openTask({
    id: options.id,
    caseId: subject.id,
    caseNumber: subject.number,
    tenant: subject.tenant,
    name: options.name,
    definition,
    dueAt: options.dueAt,
    token: options.token,
    now: options.now,
  }).task;
}

/**
 * A case event as the case store writes it for a change of `subject` (CloudEvents 1.0, ids and
 * codes only): `change` names its type, `data` adds to the case's fields, `overrides` sets attributes.
 */
export function aCaseEvent(
  subject: Pick<Case, 'id' | 'number' | 'tenant' | 'type'>,
  options: { id: string; change: string; sequence: string; time: string; data?: Readonly<Record<string, unknown>> },
): CaseEvent {
  const type = `be.loket.case.${options.change}.v1`;
  return {
    specversion: '1.0',
    id: options.id,
    type,
    source: `urn:loket:tenant:${subject.tenant}`,
    subject: subject.id,
    time: options.time,
    datacontenttype: 'application/json',
    dataschema: `https://api.example/v1/events/schemas/${type}`,
    sequence: options.sequence,
    tenant: subject.tenant,
    transactiontype: subject.type.key,
    data: { caseId: subject.id, caseNumber: subject.number, tenant: subject.tenant, transactionType: { key: subject.type.key, version: subject.type.version }, ...options.data },
  };
}

/** The event bus and the fan-out as doubles: what each was handed, in order; `failNext` makes the next call of one throw. */
export interface InMemoryEventExchange {
  readonly events: EventBus;
  readonly fanOut: EventFanOut;
  readonly published: CaseEvent[];
  /** The ids of the events of each publication, one list a call. */
  readonly publications: string[][];
  readonly fannedOut: CaseEvent[];
  readonly closingNotices: ClosingNotice[];
  failNext(port: 'publish' | 'fanOut', error: Error): void;
}

export function inMemoryEventExchange(): InMemoryEventExchange {
  const published: CaseEvent[] = [];
  const publications: string[][] = [];
  const fannedOut: CaseEvent[] = [];
  const closingNotices: ClosingNotice[] = [];
  const failures: { publish?: Error; fanOut?: Error } = {};
  const take = (port: 'publish' | 'fanOut') => {
    const error = failures[port];
    delete failures[port];
    if (error) throw error;
  };
  return {
    events: {
      async publish(events) {
        take('publish');
        published.push(...events.map(clone));
        publications.push(events.map((event) => event.id));
      },
      async publishClosingNotice(notice) {
        take('publish');
        closingNotices.push({ ...notice });
      },
    },
    fanOut: {
      async fanOut(event) {
        take('fanOut');
        fannedOut.push(clone(event));
      },
    },
    published,
    publications,
    fannedOut,
    closingNotices,
    failNext(port, error) {
      failures[port] = error;
    },
  };
}

/**
 * The outbox dispatcher over the doubles: delivers every pending effect with the real
 * deliver-effect use case, as the stream-fed dispatcher does after a commit. Returns how
 * each delivery ended; a delivery that throws stays pending and the error propagates.
 */
export function outboxDispatcher(store: InMemoryCaseStore, engine: InMemoryWorkflowEngine, clock: Clock, telemetry: Telemetry = telemetryRecorder(), types: Catalogue = catalogue) {
  const { events, fanOut } = inMemoryEventExchange();
  const deliver = deliverEffect({ cases: store, outbox: store, workflows: engine, events, fanOut, catalogue: types, clock, telemetry });
  return async (): Promise<Delivery[]> => {
    const deliveries: Delivery[] = [];
    for (const item of [...store.outbox.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) deliveries.push(await deliver(item));
    return deliveries;
  };
}

/** A use case followed by the dispatcher, whatever the use case answered: what a client sees, then what the workflow gets. */
export function thenDispatch<C, R>(useCase: (command: C) => Promise<R>, dispatch: () => Promise<unknown>): (command: C) => Promise<R> {
  return async (command) => {
    try {
      return await useCase(command);
    } finally {
      await dispatch();
    }
  };
}

export interface InMemoryProcessingLog extends ProcessingLog {
  readonly records: AccessRecord[];
}

/** The processing log as a list, in the order of recording. */
export function inMemoryProcessingLog(): InMemoryProcessingLog {
  const records: AccessRecord[] = [];
  return {
    records,
    async record(record) {
      records.push(clone(record));
    },
    async ofPerson(query) {
      // Positions look like the table's sort keys (time # ULID), so that page cursors accept them.
      const mine = records.filter((record) => record.tenant === query.tenant && record.person === query.person);
      const start = query.after === undefined ? 0 : Number(query.after.slice(-6));
      const items = mine.slice(start, start + query.limit).map(clone);
      const next = start + query.limit;
      return { items, ...(next < mine.length ? { after: `${items.at(-1)!.at}#01JDZ000000000000000${String(next).padStart(6, '0')}` } : {}) };
    },
  };
}

/** Pseudonyms under a fixed test key: the real keyed hash, so tests can compute the expected pseudonym. */
export const testPseudonyms = hmacPseudonyms('test-pseudonym-key');

/** Everything a reading use case needs for the processing log, with the log exposed for assertions. */
export function accessDoubles(clock: Clock = settableClock('2026-11-10T09:00:00Z')) {
  return { processingLog: inMemoryProcessingLog(), pseudonyms: testPseudonyms, clock };
}

/** The domain error a use case refused with; anything else (success, another error) fails the test. */
export async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}
