/**
 * A change to a case as the world outside Loket learns of it: a CloudEvent 1.0 in its structured
 * JSON form. It carries ids and codes only, never an INSZ, a KBO number, a name or an address;
 * a subscriber that needs more asks the API, which checks its rights and records the access.
 *
 * The shape is shared by the three parts of the exchange: the outbox publishes it (to the event
 * bus and to the fan-out), the tenant's subscriptions receive it signed, and the citizen's case
 * overview is fed from its status changes.
 */
export interface CaseEvent {
  readonly specversion: '1.0';
  /** A ULID, unique per event; a redelivery keeps it, so receivers deduplicate on it. */
  readonly id: string;
  /** `be.loket.case.<change>.v1`, e.g. `be.loket.case.status-changed.v1`. */
  readonly type: string;
  /** The tenant whose case changed: `urn:loket:tenant:<NIS code>`. */
  readonly source: string;
  /** The case id. */
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  /** Where the JSON Schema of `data` is served (GET /v1/events/schemas/...). */
  readonly dataschema: string;
  /** The case's audit sequence of the change: events of one case are delivered in this order. */
  readonly sequence: string;
  /** Extension attributes, lower-case as CloudEvents requires: the tenant and the transaction type. */
  readonly tenant: string;
  readonly transactiontype: string;
  readonly data: CaseEventData;
}

/** What every event's data holds, and what its type adds (codes only). */
export interface CaseEventData {
  readonly caseId: string;
  readonly caseNumber: string;
  readonly tenant: string;
  readonly transactionType: { readonly key: string; readonly version: number };
  readonly [detail: string]: unknown;
}

/** The event type for a change, e.g. `status-changed` → `be.loket.case.status-changed.v1`. */
export function caseEventType(change: string, version = 1): string {
  return `be.loket.case.${change}.v${version}`;
}

/** The CloudEvents `source` of a tenant's events. */
export function caseEventSource(tenant: string): string {
  return `urn:loket:tenant:${tenant}`;
}
