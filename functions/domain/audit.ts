import { createHash } from 'node:crypto';
import type { Actor } from './actor';

/** What a change to a case records in its append-only trail, before it is sequenced and chained. */
export interface AuditDraft {
  readonly action: string;
  readonly actor: Actor;
  readonly at: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** The reason for the action (X-Audit-Reason, or a lifecycle action's reason), if any. */
  readonly reason?: string;
}

/**
 * One event of a case's trail. Its hash covers everything but the hash and the seal: the
 * draft, its place (case, sequence), the previous event's hash and seal, and the digests of
 * the case's state before and after the change. The seal is the MAC of the event's seal
 * message (sealMessage) under a key the table's writers do not hold; the next event's hash
 * covers it, so one valid seal at the end authenticates every event before it.
 */
export interface AuditEvent extends AuditDraft {
  readonly caseId: string;
  readonly sequence: number;
  readonly previousHash: string;
  /** The previous event's seal; absent on the first event. */
  readonly previousSeal?: string;
  /** The digest (caseDigest) of the case as the change found it; absent on the first event. */
  readonly previousStateDigest?: string;
  /** The digest of the case as the change left it. Absent only on events written before trails were sealed. */
  readonly stateDigest?: string;
  readonly hash: string;
  /** Absent only on events written before trails were sealed. */
  readonly seal?: string;
}

/**
 * The head of a case's trail, kept on the case item: the last event's sequence, hash, state
 * digest and seal. It tells how long the trail is, so that deleting its newest events shows.
 */
export interface AuditHead {
  readonly sequence: number;
  readonly hash: string;
  /** Absent on heads written before trails were sealed. */
  readonly stateDigest?: string;
  readonly seal?: string;
}

/** The hash that precedes a case's first event. */
export const genesisHash = '0'.repeat(64);

/** The head of a case without events: what its first event links to. */
export const genesisHead: AuditHead = { sequence: 0, hash: genesisHash };

/** JSON with object keys sorted, so that the hash does not depend on property order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // In the order of their UTF-16 code units (sort's own), as every hash in a trail was made.
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The SHA-256 of an event's content: every attribute but its hash and its seal. */
export function hashOf(event: Omit<AuditEvent, 'hash' | 'seal'> & { hash?: string; seal?: string }): string {
  const { hash: _hash, seal: _seal, ...content } = event;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/** The digests of the case's state a change records: as it found the case (none for a new case), and as it left it. */
export interface StateDigests {
  readonly before?: string;
  readonly after: string;
}

/**
 * Chains a draft as the next event of a case: its sequence number, the previous event's hash
 * and seal, the case's state digests and a SHA-256 over all of it. The event still needs its
 * seal (the MAC of sealMessage(event)).
 */
export function chainEvent(caseId: string, draft: AuditDraft, previous: AuditHead, state: StateDigests): Omit<AuditEvent, 'seal'> {
  const unhashed = {
    ...draft,
    caseId,
    sequence: previous.sequence + 1,
    previousHash: previous.hash,
    ...(previous.seal === undefined ? {} : { previousSeal: previous.seal }),
    ...(state.before === undefined ? {} : { previousStateDigest: state.before }),
    stateDigest: state.after,
  };
  return { ...unhashed, hash: hashOf(unhashed) };
}

/**
 * What the seal of an event (and of the head that names it) authenticates: the case, the
 * event's place, its hash (which covers everything before it) and the case's state after it.
 */
export function sealMessage(event: Pick<AuditEvent, 'caseId' | 'sequence' | 'hash' | 'stateDigest'>): string {
  return ['loket.audit-seal.v1', event.caseId, String(event.sequence), event.hash, event.stateDigest ?? ''].join('\n');
}

/** The head that names an event: what the case item keeps after the change that wrote it. */
export function headOf(event: AuditEvent): AuditHead {
  return { sequence: event.sequence, hash: event.hash, stateDigest: event.stateDigest, seal: event.seal };
}

/**
 * True when every event links to the one before and its hash matches its content: the chain's
 * structure only. Whether the trail is complete, sealed and matches its case is verifyTrail's
 * answer (audit-trail.ts).
 */
export function verifyChain(events: readonly AuditEvent[]): boolean {
  let previousHash = genesisHash;
  let sequence = 0;
  for (const event of events) {
    if (event.sequence !== sequence + 1 || event.previousHash !== previousHash || hashOf(event) !== event.hash) return false;
    previousHash = event.hash;
    sequence = event.sequence;
  }
  return true;
}
