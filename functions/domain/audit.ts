import { createHash } from 'node:crypto';
import type { Actor } from './actor';

/** What a change to a case records in its append-only trail, before it is sequenced and chained. */
export interface AuditDraft {
  readonly action: string;
  readonly actor: Actor;
  readonly at: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** The reason the actor gave (X-Audit-Reason), if any. */
  readonly reason?: string;
}

export interface AuditEvent extends AuditDraft {
  readonly caseId: string;
  readonly sequence: number;
  readonly previousHash: string;
  readonly hash: string;
}

/** The hash that precedes a case's first event. */
export const genesisHash = '0'.repeat(64);

/** JSON with object keys sorted, so that the hash does not depend on property order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function hashOf(event: Omit<AuditEvent, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}

/** Seals a draft as the next event of a case: its sequence number and a SHA-256 over it and the previous hash. */
export function chainEvent(caseId: string, draft: AuditDraft, previous: { sequence: number; hash: string }): AuditEvent {
  const unsealed = { ...draft, caseId, sequence: previous.sequence + 1, previousHash: previous.hash };
  return { ...unsealed, hash: hashOf(unsealed) };
}

/** True when every event links to the one before and its hash matches its content. */
export function verifyChain(events: readonly AuditEvent[]): boolean {
  let previousHash = genesisHash;
  let sequence = 0;
  for (const event of events) {
    const { hash, ...unsealed } = event;
    if (event.sequence !== sequence + 1 || event.previousHash !== previousHash || hashOf(unsealed) !== hash) return false;
    previousHash = hash;
    sequence = event.sequence;
  }
  return true;
}
