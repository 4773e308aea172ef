/**
 * Whether a case's audit trail tells the truth: it is complete, nobody rewrote or reordered
 * its events, and the case as stored now is the state its last event recorded.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent, AuditHead } from './audit';
import { canonicalJson, genesisHash, hashOf, sealMessage } from './audit';
import type { Case } from './case';
import { tombstoneAction } from './destruction';

/**
 * The digest of a case's state: the SHA-256, in hex and prefixed `sha256:`, of the canonical
 * JSON (object keys sorted, undefined left out, arrays in their order) of every attribute of
 * the case as the store keeps it: the Case's own attributes, `version` included, and anything
 * else stored with them. Only the table's keys and the trail's head are not part of the state
 * (the store checks the keys against the case itself).
 */
export function caseDigest(subject: Case): string {
  return `sha256:${createHash('sha256').update(canonicalJson(subject)).digest('hex')}`;
}

/** Why a trail does not verify, at its first bad position. */
export type TrailFault =
  /** An event is not at its place: events were removed from the middle, or reordered. */
  | 'sequence'
  /** An event does not link to the one before it (previous hash), or belongs to another case. */
  | 'link'
  /**
   * An event's content does not match its hash: it was rewritten, or it was chained onto a head forged on the
   * case item (the store keeps an event without the links the event before it holds, and reads them back from that event).
   */
  | 'hash'
  /** An event's seal is not the MAC of its content: it was rewritten with recomputed hashes, or its seal was changed. */
  | 'seal'
  /** An event was written before trails were sealed: it has no state digest or seal. */
  | 'unsealed'
  /** The case was changed between two events, outside any recorded change. */
  | 'state'
  /** The trail ends before the event its head names: its newest events were deleted. */
  | 'missing'
  /** The head on the case item does not name the trail's last event. */
  | 'head'
  /** The case as stored now is not the state the last event recorded. */
  | 'case';

export type TrailVerdict =
  | { readonly verified: true }
  | {
      readonly verified: false;
      /** The sequence number of the first position where the trail departs from what was sealed. */
      readonly firstBadSequence: number;
      readonly reason: TrailFault;
    };

/** The case as stored, with the head kept on its item. */
export interface StoredCase {
  readonly case: Case;
  readonly head?: AuditHead;
  /** Whether the item's derived attributes (its index keys) are those the case gives. @default true */
  readonly keysIntact?: boolean;
}

export interface Trail {
  readonly caseId: string;
  /** The events in the order the store returns them (by sequence). */
  readonly events: readonly AuditEvent[];
  /** The case as stored now; `destroyed` when the retention job removed it and its trail must end in its tombstone. */
  readonly stored: StoredCase | 'destroyed';
}

/** Checks a seal: true when `mac` is the MAC of `message` under the seal's key. */
export type SealCheck = (message: string, mac: string) => Promise<boolean>;

const fault = (firstBadSequence: number, reason: TrailFault): TrailVerdict => ({ verified: false, firstBadSequence, reason });

/** The first event that breaks the chain's structure, and how many events before it are intact. */
function structuralFault(caseId: string, events: readonly AuditEvent[]): { intact: number; fault?: TrailVerdict } {
  for (let index = 0; index < events.length; index++) {
    const event = events[index]!;
    const previous = events[index - 1];
    const place = index + 1;
    if (event.sequence !== place) return { intact: index, fault: fault(place, 'sequence') };
    if (event.caseId !== caseId || event.previousHash !== (previous?.hash ?? genesisHash)) return { intact: index, fault: fault(place, 'link') };
    if (hashOf(event) !== event.hash) return { intact: index, fault: fault(place, 'hash') };
    // The event's hash covers the previous event's seal as it was written: either that seal was
    // changed (the seal check of the events before finds it) or this event was rewritten.
    if (previous && event.previousSeal !== previous.seal) return { intact: index, fault: fault(place, 'seal') };
    if (event.stateDigest === undefined || event.seal === undefined) return { intact: index, fault: fault(place, 'unsealed') };
    // The event itself is whole: its seal tells whether the app wrote it from a case edited outside it, or a forger did.
    if (event.previousStateDigest !== previous?.stateDigest) return { intact: index + 1, fault: fault(place, 'state') };
  }
  return { intact: events.length };
}

// Stryker disable next-line BooleanLiteral: not reached; the intact prefix ends before an unsealed event, and this keeps a seal check from ever passing one
const sealHolds = (event: AuditEvent, check: SealCheck) => (event.seal === undefined ? Promise.resolve(false) : check(sealMessage(event), event.seal));

/**
 * The first event of an intact prefix whose seal does not hold, if any. One check when the
 * newest holds: its hash covers the previous seal, which covers the one before, and so on.
 * Otherwise a binary search: within an intact chain, a seal that holds vouches for every
 * event before it.
 */
async function firstUnsealed(events: readonly AuditEvent[], intact: number, check: SealCheck): Promise<number | undefined> {
  if (intact === 0 || (await sealHolds(events[intact - 1]!, check))) return undefined;
  let low = 0;
  let high = intact - 1;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (await sealHolds(events[middle]!, check)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether the head names the event; its sequence is the event's already (verifyTrail checks it first). */
const sameHead = (head: AuditHead, event: AuditEvent) =>
  head.hash === event.hash && head.stateDigest === event.stateDigest && head.seal === event.seal;

/**
 * Verifies a case's trail, naming the first bad position:
 * 1. from genesis, every event is at its place, links to the one before (hash and seal),
 *    matches its hash, is sealed, and found the case as the one before left it;
 * 2. the newest intact event's seal holds (the only MAC checked when all is well);
 * 3. the head on the case item names the last event: the trail is as long as it was sealed;
 * 4. the case as stored now is the state the last event recorded, and its item's keys are
 *    the case's own.
 * A destroyed case has no item and no head: its trail must end in its tombstone, sealed.
 */
export async function verifyTrail(trail: Trail, check: SealCheck): Promise<TrailVerdict> {
  const { events, stored } = trail;
  const structure = structuralFault(trail.caseId, events);
  const unsealed = await firstUnsealed(events, structure.intact, check);
  if (unsealed !== undefined) return fault(unsealed + 1, 'seal');
  if (structure.fault) return structure.fault;

  const last = events.at(-1);
  if (stored === 'destroyed') return last?.action === tombstoneAction ? { verified: true } : fault(events.length + 1, 'missing');
  const head = stored.head;
  if (!head) return fault(events.length, 'head');
  if (head.sequence > events.length) return fault(events.length + 1, 'missing');
  if (!last || head.sequence < last.sequence) return fault(head.sequence + 1, 'head');
  if (!sameHead(head, last)) return fault(last.sequence, 'head');
  if (caseDigest(stored.case) !== last.stateDigest || stored.keysIntact === false) return fault(last.sequence, 'case');
  return { verified: true };
}
