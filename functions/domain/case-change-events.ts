import type { AuditEvent } from './audit';
import type { Case } from './case';
import type { CaseEventData } from './case-event';
import type { CaseEventChange } from './case-event.schemas';

/** One event a change publishes, before its envelope: the change it reports and its data (ids and codes only). */
export interface ChangeEvent {
  readonly change: CaseEventChange;
  readonly data: CaseEventData;
}

type Details = Readonly<Record<string, unknown>>;
type Fields = Readonly<Record<string, unknown>>;

/** What a change's audit details say, as an event may carry it: a string or number only, never an object a step passed on. */
const field = (details: Details, name: string): string | undefined => (typeof details[name] === 'string' ? (details[name] as string) : undefined);
const number = (details: Details, name: string): number | undefined => (typeof details[name] === 'number' ? (details[name] as number) : undefined);
const flag = (details: Details, name: string): boolean => details[name] === true;
const nested = (details: Details, name: string): Details => (typeof details[name] === 'object' && details[name] !== null ? (details[name] as Details) : {});

/** Drops the fields a change did not record (an optional code). */
const defined = (fields: Fields): Fields => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

/** The events of a status change: the change itself, then what it also was (a decision, an issued document, the closing). */
function statusEvents(details: Details, saved: Case): Array<[CaseEventChange, Fields]> {
  const decision = nested(details, 'decision');
  const document = nested(details, 'document');
  const outcome = field(decision, 'outcome');
  const final = saved.closedAt !== undefined;
  return [
    ['status-changed', { from: field(details, 'from'), to: saved.status, inform: flag(details, 'inform'), final }],
    ...(outcome !== undefined && 'decision' in details ? [['decided', { outcome }] as [CaseEventChange, Fields]] : []),
    ...(field(document, 'reference') !== undefined ? [['document-issued', { reference: field(document, 'reference'), kind: field(document, 'kind') }] as [CaseEventChange, Fields]] : []),
    ...(final ? [['closed', defined({ status: saved.status, outcome: saved.decision?.outcome })] as [CaseEventChange, Fields]] : []),
  ];
}

/**
 * The actions that change nothing the world outside Loket acts on, and publish no event: the
 * workflow's own bookkeeping (a retried step's new token, the workflow version a started case runs
 * on, a case moved to another version, a result that found its step gone) and the archive's (a
 * `keep` case due for transfer, which the archive learns from its own list).
 */
export const bookkeepingActions: ReadonlySet<string> = new Set([
  'task.reissued',
  'workflow.version-recorded',
  'workflow.migrated',
  'task.result-undeliverable',
  'message.result-undeliverable',
  'case.archive-transfer-due',
]);

/**
 * Every audit action a change records, and the events it publishes. Reasons, motivations,
 * completion data and message data never go along: free text may name the applicant.
 */
const eventsOfAction: Readonly<Record<string, (details: Details, saved: Case) => Array<[CaseEventChange, Fields]>>> = {
  'case.submitted': (_, saved) => [['submitted', { status: saved.status }]],
  'case.status-changed': statusEvents,
  'case.withdrawn': (details, saved) => [['withdrawn', {}], ...statusEvents(details, saved)],
  'case.reopened': (details, saved) => [
    ['reopened', { from: field(details, 'from'), to: saved.status }],
    ['status-changed', { from: field(details, 'from'), to: saved.status, inform: flag(details, 'inform'), final: false }],
  ],
  'case.suspended': () => [['suspended', {}]],
  'case.resumed': (_, saved) => [['resumed', { dueAt: saved.dueAt }]],
  'case.extended': (details, saved) => [['extended', { days: number(details, 'days'), dueAt: saved.dueAt }]],
  'task.created': (details) => [['task-created', { taskId: field(details, 'taskId'), name: field(details, 'name'), role: field(details, 'role'), dueAt: field(details, 'dueAt') }]],
  'task.claimed': (details) => [['task-claimed', { taskId: field(details, 'taskId'), name: field(details, 'name') }]],
  'task.completed': (details) => [['task-completed', { taskId: field(details, 'taskId'), name: field(details, 'name'), outcome: field(details, 'outcome') }]],
  'message.awaited': (details) => [['message-awaited', { name: field(details, 'name') }]],
  'message.received': (details) => [['message-received', { name: field(details, 'name') }]],
  'case.needs-attention': () => [['needs-attention', {}]],
  'case.attention-cleared': () => [['attention-cleared', {}]],
  'case.redriven': (details) => [['redriven', {}], ...('attentionCleared' in details ? [['attention-cleared', {}] as [CaseEventChange, Fields]] : [])],
  'case.destroyed': () => [['destroyed', {}]],
  ...Object.fromEntries([...bookkeepingActions].map((action) => [action, () => []])),
};

/** The audit actions of every change a case can undergo: each publishes its events, or none on purpose. */
export const changeActions = Object.keys(eventsOfAction);

/**
 * The events a change publishes, in order, from its audit event and the case as saved: what
 * the change was (its action and details) and where it left the case. An action this module
 * does not know publishes nothing; its test lists every action the code records, so a new one
 * is mapped on purpose.
 */
export function eventsOfChange(audit: Pick<AuditEvent, 'action' | 'details'>, saved: Case): ChangeEvent[] {
  const mapped = eventsOfAction[audit.action]?.(audit.details ?? {}, saved) ?? [];
  return mapped.map(([change, fields]) => ({
    change,
    data: {
      caseId: saved.id,
      caseNumber: saved.number,
      tenant: saved.tenant,
      transactionType: { key: saved.type.key, version: saved.type.version },
      ...fields,
    },
  }));
}
