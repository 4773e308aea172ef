import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../functions/adapters/table-keys';
import { inszCheckDigits, kboCheckDigits } from '../functions/domain/identifiers';
import type { TransactionType } from '../functions/domain/transaction-type';
import { catalogue } from '../functions/catalogue/catalogue';
import type { DevSigningKey } from '../infra/local/dev-keys';
import { signDevToken } from '../infra/local/dev-keys';
import { localCredentials, localRegion } from '../infra/local/local-network';

/*
 * Drives transactions of every type in the catalogue through the HTTP API the way portals
 * and clerks do: submit the type's example, complete every task it opens, deliver every
 * message it waits for, until the case reaches a final status. Nothing here names a type:
 * a type added to the catalogue is driven without changes.
 *
 * What a case waits for (its active tasks, its message waits) is read from the table
 * directly, with the key formats of functions/adapters/table-keys.ts: the API lists tasks
 * by inbox, not by case, and does not expose message waits.
 */

export const tenants = ['44021', '41002'] as const;

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

export interface Tokens {
  readonly portal: string;
  readonly clerk: string;
  readonly operator: string;
}

/** Every role a type declares, so that one clerk token can work every task. */
export function allRoles(): string[] {
  const roles = new Set<string>(['clerk']);
  for (const type of catalogue.all()) {
    for (const role of type.roles) roles.add(role);
    for (const task of Object.values(type.tasks)) roles.add(task.role);
  }
  return [...roles];
}

export async function tokensFor(key: DevSigningKey): Promise<Record<string, Tokens>> {
  const result: Record<string, Tokens> = {};
  for (const tenant of tenants) {
    result[tenant] = {
      portal: await signDevToken(key, { tenant, roles: ['portal'], subject: `portal@${tenant}` }),
      clerk: await signDevToken(key, { tenant, roles: allRoles(), subject: `clerk@${tenant}` }),
      operator: await signDevToken(key, { tenant, roles: ['operator'], subject: `operator@${tenant}` }),
    };
  }
  return result;
}

let applicantSequence = 0;

/** A valid INSZ (born in the 1990s) or KBO number that the fixture registers do not know; unique per process run. */
export function uniqueApplicant(kind: 'insz' | 'kbo', salt = process.pid): Record<string, string> {
  applicantSequence += 1;
  const n = applicantSequence + (salt % 50) * 20_000;
  if (kind === 'kbo') {
    const firstEight = `0${String(200_0000 + n).padStart(7, '0')}`;
    return { kbo: `${firstEight}${kboCheckDigits(firstEight)}` };
  }
  const day = new Date(Date.UTC(1990, 0, 1) + Math.floor(n / 997) * 86_400_000);
  const birth = `${String(day.getUTCFullYear()).slice(2)}${String(day.getUTCMonth() + 1).padStart(2, '0')}${String(day.getUTCDate()).padStart(2, '0')}`;
  const firstNine = `${birth}${String((n % 997) + 1).padStart(3, '0')}`;
  return { insz: `${firstNine}${inszCheckDigits(firstNine, false)}` };
}

/** A submission of the type's example, with another applicant of the same kind when `fresh`. */
export function submissionOf(type: TransactionType, fresh: boolean): { type: string; applicant: unknown; data: unknown } {
  const example = type.example;
  if (!fresh) return { type: example.type, applicant: example.applicant, data: example.data };
  const kind = example.applicant && typeof example.applicant === 'object' && 'kbo' in example.applicant ? 'kbo' : 'insz';
  return { type: example.type, applicant: uniqueApplicant(kind), data: example.data };
}

/** A value that satisfies a simple JSON Schema (objects, strings, numbers, booleans, enums), for message data. */
export function sampleOf(schema: Record<string, any>): unknown {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries<Record<string, any>>(schema.properties ?? {})) out[name] = sampleOf(property);
      return out;
    }
    case 'array':
      return [];
    case 'number':
    case 'integer':
      return Math.max(schema.minimum ?? 0, schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0, 1);
    case 'boolean':
      return true;
    case 'string':
      if (schema.format === 'date') return '2026-01-15';
      if (schema.format === 'date-time') return '2026-01-15T10:00:00Z';
      if (schema.format === 'email') return 'someone@example.org';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return {};
  }
}

export interface DriverOptions {
  readonly apiUrl: string;
  readonly dynamodbEndpoint: string;
  readonly tableName: string;
  readonly tokens: Record<string, Tokens>;
  /** Picks a task's outcome; @default the first outcome the type declares */
  readonly chooseOutcome?: (outcomes: readonly string[]) => string;
  /**
   * How often a driven case is looked at: right after acting, then less often (×1.5) up to
   * `max` while it has nothing to act on. @default { min: 20, max: 250 }
   */
  readonly pollMs?: { readonly min: number; readonly max: number };
}

export interface Submitted {
  readonly id: string;
  readonly tenant: string;
  readonly type: TransactionType;
  readonly idempotencyKey: string;
  readonly body: unknown;
  readonly status: number;
}

export interface Driven {
  readonly final: boolean;
  /** The case's status code where driving ended. */
  readonly caseStatus?: string;
  /** Why the case needs an operator, when driving ended on its flag (`stopOnAttention`). */
  readonly attention?: string;
  /** When (performance.now()) the driver saw the case final or flagged. */
  readonly settledAt?: number;
  readonly reason?: string;
}

export interface DriveOptions {
  /** When (Date.now()) to give up; read again on every round, so a caller can move it. @default now + timeoutMs */
  readonly deadline?: () => number;
  /** Stop when the case is flagged as needing an operator: nothing a client does moves it on. */
  readonly stopOnAttention?: boolean;
  /**
   * Give up sooner when nothing moved this long: no new status and nothing to act on. A case that
   * keeps moving is driven until the deadline, however slow a loaded machine makes it.
   */
  readonly idleMs?: number;
  /**
   * When something last moved, shared by the cases of one run: a case waiting behind the others'
   * backlog (the outbox stream is one queue) is slow, not stuck, while the run as a whole moves.
   * @default this case's own
   */
  readonly progress?: Progress;
}

/** When (Date.now()) a case last moved; one per case, or one shared by a run. */
export interface Progress {
  movedAt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Driver {
  private readonly table: DynamoDBDocumentClient;
  private readonly raw: DynamoDBClient;
  /** Answers of 5xx, by route, with their bodies: a fault a client would see. */
  readonly serverErrors: Array<{ method: string; path: string; status: number; body: unknown }> = [];
  requests = 0;

  constructor(private readonly options: DriverOptions) {
    this.raw = new DynamoDBClient({ endpoint: options.dynamodbEndpoint, region: localRegion, credentials: localCredentials, maxAttempts: 10 });
    this.table = DynamoDBDocumentClient.from(this.raw);
  }

  close(): void {
    this.raw.destroy();
  }

  async call(method: string, path: string, init: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
    this.requests += 1;
    const response = await fetch(`${this.options.apiUrl}${path}`, {
      method,
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    if (response.status >= 500) this.serverErrors.push({ method, path, status: response.status, body });
    return { status: response.status, headers: response.headers, body };
  }

  /**
   * Submits with an Idempotency-Key; a 5xx or a broken connection is retried with the same key,
   * as a client should, with backoff (doubling from 100 ms, at most 2 s between attempts).
   */
  async submit(tenant: string, type: TransactionType, options: { fresh?: boolean; idempotencyKey?: string; attempts?: number } = {}): Promise<Submitted> {
    const body = submissionOf(type, options.fresh ?? true);
    const idempotencyKey = options.idempotencyKey ?? `bench-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    let last: ApiResponse | undefined;
    const attempts = options.attempts ?? 5;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        last = await this.call('POST', '/v1/cases', { token: this.options.tokens[tenant]!.portal, body, headers: { 'idempotency-key': idempotencyKey } });
        if (last.status < 500) break;
      } catch {
        // connection refused or reset: retry with the same key
      }
      if (attempt + 1 < attempts) await sleep(Math.min(2000, 100 * 2 ** attempt));
    }
    return { id: last?.body?.id ?? '', tenant, type, idempotencyKey, body, status: last?.status ?? 0 };
  }

  async getCase(tenant: string, id: string): Promise<ApiResponse> {
    return this.call('GET', `/v1/cases/${id}`, { token: this.options.tokens[tenant]!.portal });
  }

  /** The case's active tasks and message waits, read from the table. */
  async waitsOf(caseId: string): Promise<{ tasks: Array<{ id: string; name: string }>; messages: string[] }> {
    const [tasks, waits] = await Promise.all([
      this.table.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :task)',
          ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':task': keys.taskPrefix },
        }),
      ),
      this.table.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :await)',
          ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':await': 'AWAIT#' },
        }),
      ),
    ]);
    return {
      tasks: (tasks.Items ?? []).filter((t) => t.status === 'open' || t.status === 'claimed').map((t) => ({ id: String(t.id), name: String(t.name) })),
      messages: (waits.Items ?? []).map((w) => String(w.name)),
    };
  }

  /** The case's outbox items: effects committed with a change and not yet delivered. */
  async pendingEffectsOf(caseId: string): Promise<Array<{ id: string; kind: string; createdAt: string }>> {
    const { Items = [] } = await this.table.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :outbox)',
        ExpressionAttributeValues: { ':pk': keys.case(caseId).PK, ':outbox': keys.outboxPrefix },
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => ({ id: String(item.id), kind: String(item.effect?.kind), createdAt: String(item.createdAt) }));
  }

  /**
   * Works the case until its status is final: completes its tasks, delivers the messages it
   * waits for. Answers where it stood when `timeoutMs` ran out.
   */
  async driveToFinal(submitted: Pick<Submitted, 'id' | 'tenant' | 'type'>, timeoutMs = 60_000, options: DriveOptions = {}): Promise<Driven> {
    const tokens = this.options.tokens[submitted.tenant]!;
    const fixedDeadline = Date.now() + timeoutMs;
    const deadline = options.deadline ?? (() => fixedDeadline);
    const poll = this.options.pollMs ?? { min: 20, max: 250 };
    let pause = poll.min;
    let status: string | undefined;
    const progress = options.progress ?? { movedAt: Date.now() };
    for (;;) {
      const current = await this.getCase(submitted.tenant, submitted.id).catch(() => undefined);
      if (current?.status === 200) {
        if (current.body.status?.code !== status) progress.movedAt = Date.now();
        status = current.body.status?.code;
        if (current.body.status?.final) return { final: true, caseStatus: status, settledAt: performance.now() };
        const attention = current.body.attention?.reason;
        if (options.stopOnAttention && typeof attention === 'string') return { final: false, caseStatus: status, attention, settledAt: performance.now() };
      }
      if (Date.now() > deadline()) return { final: false, caseStatus: status, reason: `still '${status ?? 'unknown'}' when driving gave up` };
      if (options.idleMs !== undefined && Date.now() - progress.movedAt > options.idleMs) {
        return { final: false, caseStatus: status, reason: `still '${status ?? 'unknown'}' after ${options.idleMs} ms without a change` };
      }
      const waits = await this.waitsOf(submitted.id).catch(() => ({ tasks: [], messages: [] }));
      for (const task of waits.tasks) {
        const outcomes = submitted.type.tasks[task.name]?.outcomes ?? ['approve'];
        const outcome = this.options.chooseOutcome?.(outcomes) ?? outcomes[0]!;
        await this.call('POST', `/v1/tasks/${task.id}/complete`, { token: tokens.clerk, body: { outcome } }).catch(() => undefined);
      }
      for (const name of waits.messages) {
        const definition = submitted.type.messages[name];
        const data = definition ? sampleOf(definition.dataSchema as Record<string, any>) : {};
        await this.call('POST', `/v1/cases/${submitted.id}/messages`, { token: tokens.portal, body: { name, data } }).catch(() => undefined);
      }
      const acted = waits.tasks.length + waits.messages.length > 0;
      if (acted) progress.movedAt = Date.now();
      pause = acted ? poll.min : Math.min(pause * 1.5, poll.max);
      await sleep(pause);
    }
  }

  /** Submits one transaction of the type and drives it to a final status. */
  async transact(tenant: string, type: TransactionType, options: { fresh?: boolean; timeoutMs?: number } & Pick<DriveOptions, 'idleMs' | 'progress'> = {}): Promise<Submitted & Driven> {
    const submitted = await this.submit(tenant, type, { fresh: options.fresh });
    if (submitted.status !== 201) return { ...submitted, final: false, reason: `submission answered ${submitted.status}` };
    return { ...submitted, ...(await this.driveToFinal(submitted, options.timeoutMs, { idleMs: options.idleMs, progress: options.progress })) };
  }
}

/** Runs `work` over `items` with at most `concurrency` at a time; `onDone` sees each finish. */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>, onDone?: (done: number) => void): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
        done += 1;
        onDone?.(done);
      }
    }),
  );
  return results;
}

/** Makes `requests` calls of `read`, at most `concurrency` at a time: each one's milliseconds, in the order they ended. */
export async function latenciesOf(requests: number, concurrency: number, read: () => Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  await pool(Array.from({ length: requests }), concurrency, async () => {
    const t0 = performance.now();
    await read();
    latencies.push(performance.now() - t0);
  });
  return latencies;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Every published type, for the benchmarks to submit. */
export const transactionTypes = catalogue.all();
