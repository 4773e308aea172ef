import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import type { AuditDraft, AuditEvent, AuditHead } from '../../../functions/domain/audit';
import { canonicalJson, chainEvent, genesisHash, genesisHead, hashOf, headOf, sealMessage, verifyChain } from '../../../functions/domain/audit';
import type { SealCheck, StoredCase, TrailVerdict } from '../../../functions/domain/audit-trail';
import { caseDigest, verifyTrail } from '../../../functions/domain/audit-trail';
import type { Case } from '../../../functions/domain/case';
import { tombstoneAction } from '../../../functions/domain/destruction';
import { aCase, testUlid } from '../../support/in-memory-ports';

const key = 'the-seal-key';
const macOf = (secret: string, message: string) => createHmac('sha256', secret).update(message).digest('base64url');

/** The seal check with the key; counts its calls. */
function sealCheck(secret = key): SealCheck & { calls: number } {
  const check = async (message: string, mac: string) => {
    check.calls += 1;
    const expected = Buffer.from(macOf(secret, message), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  check.calls = 0;
  return check;
}

const caseId = testUlid(1);
const opened = aCase({ id: caseId, typeKey: 'proof-of-residence', now: new Date('2026-11-02T10:00:00Z'), dueAt: new Date('2026-11-20T22:59:59.999Z') });

/** A case with every attribute the domain knows set, so that an edit of each can be tried. */
const full: Case = {
  ...opened,
  status: 'issued',
  statusHistory: [...opened.statusHistory, { status: 'issued', at: '2026-11-05T10:00:00.000Z', by: 'clerk@44021' }],
  updatedAt: '2026-11-05T10:00:00.000Z',
  closedAt: '2026-11-05T10:00:00.000Z',
  retention: { action: 'destroy', years: 3, dueOn: '2029-11-05' },
  decision: { outcome: 'issued', reason: 'address confirmed', decidedAt: '2026-11-05T10:00:00.000Z', decidedBy: 'clerk@44021' },
  documents: [
    {
      kind: 'certificate',
      reference: 'C-1',
      issuedAt: '2026-11-05T10:00:00.000Z',
      language: 'nl',
      title: { nl: 'Attest', en: 'Certificate' },
      text: { nl: 'tekst', en: 'text' },
      file: { key: 'documents/44021/x/C-1.pdf', contentType: 'application/pdf', size: 1000, sha256: 'a'.repeat(64) },
    },
  ],
  suspendedSince: '2026-11-04T10:00:00.000Z',
  extensions: [{ days: 5, reason: 'complex', at: '2026-11-03T10:00:00.000Z', by: 'clerk@44021' }],
  messages: [{ name: 'documents-supplied', data: { count: 1 }, receivedAt: '2026-11-03T11:00:00.000Z', by: 'portal@44021' }],
  attention: { reason: 'execution failed', since: '2026-11-04T12:00:00.000Z' },
  version: 4,
};

const draft = (action: string, details: Record<string, unknown> = {}): AuditDraft => ({
  action,
  actor: { kind: 'user', subject: 'clerk@44021', tenant: '44021', roles: ['clerk'] },
  at: '2026-11-28T10:00:00.000Z',
  reason: 'at the counter',
  details,
});

/** Seals an event as the store does, with the key (or another, for a forger). */
const seal = (event: Omit<AuditEvent, 'seal'>, secret = key): AuditEvent => ({ ...event, seal: macOf(secret, sealMessage(event)) });

interface Built {
  readonly events: AuditEvent[];
  readonly stored: StoredCase;
}

/** A trail as the store writes it: each change finds the case in one state, leaves it in the next and appends a sealed event. */
function buildSteps(steps: ReadonlyArray<{ before?: Case; after: Case }>, actions: readonly string[] = steps.map((_, i) => `action-${i + 1}`)): Built {
  const events: AuditEvent[] = [];
  let head: AuditHead = genesisHead;
  steps.forEach((step, index) => {
    const event = seal(chainEvent(caseId, draft(actions[index]!, { step: index + 1 }), head, { before: step.before && caseDigest(step.before), after: caseDigest(step.after) }));
    events.push(event);
    head = headOf(event);
  });
  return { events, stored: { case: steps.at(-1)!.after, head, keysIntact: true } };
}

/** The trail of a case that went through these states, one change each. */
const build = (states: readonly Case[], actions?: readonly string[]) =>
  buildSteps(
    states.map((after, i) => ({ before: states[i - 1], after })),
    actions,
  );

/** Five versions of one case, each change bumping its version. */
const states: Case[] = [0, 1, 2, 3, 4].map((version) => ({ ...full, version, updatedAt: `2026-11-0${version + 1}T10:00:00.000Z` }));
const trail = () => build(states);

const verify = (events: readonly AuditEvent[], stored: StoredCase | 'destroyed', check: SealCheck = sealCheck()) => verifyTrail({ caseId, events, stored }, check);
const bad = (firstBadSequence: number, reason: string): TrailVerdict => ({ verified: false, firstBadSequence, reason } as TrailVerdict);

/** Recomputes the hashes (and links) from `from` on, as a forger without the key can; seals stay as they were, or are forged. */
function rehash(events: readonly AuditEvent[], from: number, forge?: string): AuditEvent[] {
  const out = events.slice(0, from).map((event) => ({ ...event }));
  for (let index = from; index < events.length; index++) {
    const previous = out[index - 1];
    const { hash: _hash, seal: oldSeal, ...content } = events[index]!;
    const relinked = { ...content, previousHash: previous?.hash ?? genesisHash, previousSeal: previous?.seal };
    const rehashed = { ...relinked, hash: hashOf(relinked) };
    out.push(forge === undefined ? { ...rehashed, seal: oldSeal } : seal(rehashed, forge));
  }
  return out;
}

/** An event rewritten with `changes` and its hash recomputed, its seal kept: what a forger without the key can do. */
function rewritten(event: AuditEvent, changes: Partial<AuditEvent>): AuditEvent {
  const { hash: _hash, seal, ...content } = { ...event, ...changes };
  return { ...content, hash: hashOf(content), seal };
}

describe('canonicalJson', () => {
  test('sorts object keys at every depth, keeps arrays in their order and leaves undefined attributes out', () => {
    expect(canonicalJson({ b: 1, c: [3, 1, { z: null, y: 'x' }], a: { d: true, ab: 2, aa: undefined } })).toBe(
      '{"a":{"ab":2,"d":true},"b":1,"c":[3,1,{"y":"x","z":null}]}',
    );
    expect(canonicalJson({ zeta: 1, eta: 2, beta: 3, alpha: 4, delta: 5, gamma: 6, epsilon: 7 })).toBe(
      '{"alpha":4,"beta":3,"delta":5,"epsilon":7,"eta":2,"gamma":6,"zeta":1}',
    );
  });

  test('orders keys by their UTF-16 code units, the order every stored hash was made in', () => {
    // Capitals before small letters, '10' before '9', and an astral character (a surrogate pair, 0xD83D…) before 0xFFFF.
    expect(canonicalJson({ '\uffff': 1, b: 2, '9': 3, '😀': 4, B: 5, '10': 6, é: 7 })).toBe('{"10":6,"9":3,"B":5,"b":2,"é":7,"😀":4,"\uffff":1}');
  });

  test('writes arrays as arrays and scalars as JSON does', () => {
    expect(canonicalJson(['b', 'a'])).toBe('["b","a"]');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson('ab')).toBe('"ab"');
    expect(canonicalJson(42)).toBe('42');
  });
});

describe('the seal message', () => {
  test('names the format version, the case, the place, the hash and the state after, one per line', () => {
    const event = { caseId: 'case-1', sequence: 3, hash: 'h'.repeat(64), stateDigest: 'sha256:abc' };
    expect(sealMessage(event)).toBe(`loket.audit-seal.v1\ncase-1\n3\n${'h'.repeat(64)}\nsha256:abc`);
    expect(sealMessage({ ...event, stateDigest: undefined })).toBe(`loket.audit-seal.v1\ncase-1\n3\n${'h'.repeat(64)}\n`);
  });
});

describe('the audit hash chain', () => {
  test('numbers events from 1, links each to the previous hash and seal, and records the state before and after', () => {
    const { events } = trail();
    expect(events.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(events[0]).not.toHaveProperty('previousSeal');
    // Not even as undefined: the first event has no state before it.
    expect(events[0]).not.toHaveProperty('previousStateDigest');
    expect(events[0]!.previousHash).toBe(genesisHash);
    expect(events[0]!.previousStateDigest).toBeUndefined();
    expect(events[1]).toMatchObject({ previousHash: events[0]!.hash, previousSeal: events[0]!.seal, previousStateDigest: events[0]!.stateDigest });
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.hash) && /^sha256:[0-9a-f]{64}$/.test(e.stateDigest!) && /^[\w-]{43}$/.test(e.seal!))).toBe(true);
    expect(verifyChain(events)).toBe(true);
  });

  test('does not depend on the order of properties', () => {
    const a = chainEvent('c', draft('x', { a: 1, b: 2 }), genesisHead, { after: 'sha256:x' });
    const b = chainEvent('c', draft('x', { b: 2, a: 1 }), genesisHead, { after: 'sha256:x' });
    expect(a.hash).toBe(b.hash);
  });

  test('verifyChain still detects a changed detail, a removed event and a reordering', () => {
    const { events } = trail();
    expect(verifyChain(events.map((e, i) => (i === 1 ? { ...e, details: { outcome: 'reject' } } : e)))).toBe(false);
    expect(verifyChain([events[0]!, events[2]!])).toBe(false);
    expect(verifyChain([events[1]!, events[0]!, events[2]!])).toBe(false);
  });

  test('verifyChain detects a skipped sequence number or a broken link even when every hash was recomputed', () => {
    const { events } = trail();
    const skipped = rewritten(events[1]!, { sequence: 3 });
    expect(verifyChain([events[0]!, skipped])).toBe(false);
    const relinked = rewritten(events[1]!, { previousHash: 'f'.repeat(64) });
    expect(verifyChain([events[0]!, relinked])).toBe(false);
    expect(verifyChain([rewritten(events[0]!, { previousHash: 'f'.repeat(64) })])).toBe(false);
  });
});

describe('the state digest of a case', () => {
  test('does not depend on the order of properties, and leaves undefined attributes out (as the table does)', () => {
    const reordered = Object.fromEntries(Object.entries(full).reverse()) as unknown as Case;
    expect(caseDigest(reordered)).toBe(caseDigest(full));
    expect(caseDigest({ ...full, attention: undefined })).toBe(caseDigest((({ attention: _attention, ...rest }) => rest)(full) as Case));
    expect(caseDigest(full)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('changes with every attribute, nested ones and the order of lists included', () => {
    expect(caseDigest({ ...full, version: 5 })).not.toBe(caseDigest(full));
    expect(caseDigest({ ...full, decision: { ...full.decision!, decidedBy: 'someone-else' } })).not.toBe(caseDigest(full));
    expect(caseDigest({ ...full, statusHistory: [...full.statusHistory].reverse() })).not.toBe(caseDigest(full));
  });
});

describe('verifying a trail against its seal, its head and its case', () => {
  test('a trail as written verifies, with one seal check', async () => {
    const { events, stored } = trail();
    const check = sealCheck();
    expect(await verify(events, stored, check)).toEqual({ verified: true });
    expect(check.calls).toBe(1);
  });

  test('deleting the newest events, any number of them, is found where the trail now ends', async () => {
    const { events, stored } = trail();
    for (let kept = 0; kept < events.length; kept++) {
      expect(await verify(events.slice(0, kept), stored)).toEqual(bad(kept + 1, 'missing'));
    }
  });

  test('deleting the newest events and moving the head back to the last one left is found: the case is not the state it recorded', async () => {
    const { events, stored } = trail();
    for (let kept = 1; kept < events.length; kept++) {
      const remaining = events.slice(0, kept);
      expect(await verify(remaining, { ...stored, head: headOf(remaining.at(-1)!) })).toEqual(bad(kept, 'case'));
    }
  });

  test('deleting an event in the middle is found at its place', async () => {
    const { events, stored } = trail();
    for (let gone = 0; gone < events.length - 1; gone++) {
      expect(await verify(events.filter((_, i) => i !== gone), stored)).toEqual(bad(gone + 1, 'sequence'));
    }
  });

  test('rewriting any attribute of any event, without recomputing hashes, is found at that event', async () => {
    const edits: Record<string, (event: AuditEvent) => AuditEvent> = {
      action: (e) => ({ ...e, action: 'case.rewritten' }),
      actor: (e) => ({ ...e, actor: { kind: 'user', subject: 'forger@44021', tenant: '44021', roles: ['clerk'] } }),
      at: (e) => ({ ...e, at: '2020-01-01T00:00:00.000Z' }),
      reason: (e) => ({ ...e, reason: 'another reason' }),
      'reason removed': ({ reason: _reason, ...e }) => e,
      details: (e) => ({ ...e, details: { outcome: 'reject' } }),
      stateDigest: (e) => ({ ...e, stateDigest: caseDigest({ ...full, version: 99 }) }),
      caseId: (e) => ({ ...e, caseId: testUlid(2) }),
      previousHash: (e) => ({ ...e, previousHash: 'f'.repeat(64) }),
      hash: (e) => ({ ...e, hash: 'e'.repeat(64) }),
      'an added attribute': (e) => ({ ...e, note: 'added later' }) as AuditEvent,
    };
    const { events, stored } = trail();
    for (const [name, edit] of Object.entries(edits)) {
      for (let at = 0; at < events.length; at++) {
        const verdict = await verify(events.map((e, i) => (i === at ? edit(e) : e)), stored);
        expect({ name, at, verdict }).toEqual({ name, at, verdict: bad(at + 1, expect.stringMatching(/^(hash|link)$/) as unknown as string) });
      }
    }
  });

  test('rewriting any event and recomputing every hash after it is found at that event by its seal, head moved or not', async () => {
    const { events, stored } = trail();
    for (let at = 0; at < events.length; at++) {
      const forged = rehash(events.map((e, i) => (i === at ? { ...e, actor: { kind: 'system', component: 'forger' } } : e)), at);
      expect(await verify(forged, stored)).toEqual(bad(at + 1, 'seal'));
      expect(await verify(forged, { ...stored, head: headOf(forged.at(-1)!) })).toEqual(bad(at + 1, 'seal'));
    }
  });

  test('a rewrite sealed with another key (a forged seal) is found at that event', async () => {
    const { events, stored } = trail();
    for (let at = 0; at < events.length; at++) {
      const forged = rehash(events.map((e, i) => (i === at ? { ...e, details: { outcome: 'reject' } } : e)), at, 'a-guessed-key');
      expect(await verify(forged, { ...stored, head: headOf(forged.at(-1)!) })).toEqual(bad(at + 1, 'seal'));
    }
  });

  test("changing an event's seal attribute is found at that event", async () => {
    const { events, stored } = trail();
    for (let at = 0; at < events.length; at++) {
      const other = macOf('x', String(at));
      const verdict = await verify(events.map((e, i) => (i === at ? { ...e, seal: other } : e)), stored);
      expect(verdict).toEqual(bad(at + 1, 'seal'));
    }
  });

  test('reordering events is found at the first event out of place, renumbered or not', async () => {
    const { events, stored } = trail();
    for (let a = 0; a < events.length; a++) {
      for (let b = a + 1; b < events.length; b++) {
        const swapped = [...events];
        [swapped[a], swapped[b]] = [swapped[b]!, swapped[a]!];
        expect(await verify(swapped, stored)).toEqual(bad(a + 1, 'sequence'));
        const renumbered = rehash(
          swapped.map((e, i) => ({ ...e, sequence: i + 1 })),
          a,
        );
        expect(await verify(renumbered, { ...stored, head: headOf(renumbered.at(-1)!) })).toEqual(bad(a + 1, 'seal'));
      }
    }
  });

  test('editing any attribute of the case, adding one or removing one, is found at the last event', async () => {
    const { events, stored } = trail();
    const last = events.length;
    const changed = (value: unknown) => (typeof value === 'number' ? value + 1 : typeof value === 'string' ? `${value}x` : Array.isArray(value) ? [] : { edited: true });
    const attributes = Object.keys(stored.case) as Array<keyof Case>;
    expect(attributes.length).toBe(22);
    for (const attribute of attributes) {
      const edited = { ...stored.case, [attribute]: changed(stored.case[attribute]) } as Case;
      expect({ attribute, verdict: await verify(events, { ...stored, case: edited }) }).toEqual({ attribute, verdict: bad(last, 'case') });
      const { [attribute]: _removed, ...without } = stored.case;
      expect({ attribute, verdict: await verify(events, { ...stored, case: without as Case }) }).toEqual({ attribute, verdict: bad(last, 'case') });
    }
    const nested: Array<[string, Case]> = [
      ['applicant', { ...stored.case, applicant: { insz: '17073003384' } }],
      ['decision.decidedBy', { ...stored.case, decision: { ...stored.case.decision!, decidedBy: 'forger@44021' } }],
      ['data', { ...stored.case, data: { ...stored.case.data, extra: 1 } }],
      ['document hash', { ...stored.case, documents: [{ ...stored.case.documents[0]!, file: { ...stored.case.documents[0]!.file!, sha256: 'b'.repeat(64) } }] }],
      ['an added attribute', { ...stored.case, note: 'added' } as Case],
    ];
    for (const [name, edited] of nested) {
      expect({ name, verdict: await verify(events, { ...stored, case: edited }) }).toEqual({ name, verdict: bad(last, 'case') });
    }
  });

  test('an edit of the item’s keys is found at the last event', async () => {
    const { events, stored } = trail();
    expect(await verify(events, { ...stored, keysIntact: false })).toEqual(bad(events.length, 'case'));
  });

  test('a case edited between two changes is found at the change that followed the edit, though the app carried the edit on', async () => {
    const applicant = { insz: '17073003384' };
    const edited = states.map((state) => ({ ...state, applicant }));
    // The applicant is edited after the third change; the fourth change reads the edited case and the fifth goes on from it.
    const laundered = buildSteps([
      { after: states[0]! },
      { before: states[0]!, after: states[1]! },
      { before: states[1]!, after: states[2]! },
      { before: edited[2]!, after: edited[3]! },
      { before: edited[3]!, after: edited[4]! },
    ]);
    expect(await verify(laundered.events, laundered.stored)).toEqual(bad(4, 'state'));
  });

  test('a head forged without the key is found: a longer trail it names, another last event, or no head at all', async () => {
    const { events, stored } = trail();
    const last = events.at(-1)!;
    const longer = { sequence: last.sequence + 1, hash: 'a'.repeat(64), stateDigest: last.stateDigest, seal: macOf('guess', 'x') };
    expect(await verify(events, { ...stored, head: longer })).toEqual(bad(events.length + 1, 'missing'));
    expect(await verify(events, { ...stored, head: { ...headOf(last), hash: 'a'.repeat(64) } })).toEqual(bad(events.length, 'head'));
    expect(await verify(events, { ...stored, head: { ...headOf(last), stateDigest: caseDigest(states[0]!) } })).toEqual(bad(events.length, 'head'));
    expect(await verify(events, { ...stored, head: { ...headOf(last), seal: macOf('guess', 'y') } })).toEqual(bad(events.length, 'head'));
    expect(await verify(events, { ...stored, head: headOf(events[2]!) })).toEqual(bad(4, 'head'));
    expect(await verify(events, { case: stored.case })).toEqual(bad(events.length, 'head'));
  });

  test("another case's trail, whole and sealed, does not verify as this case's: it is found at its first event", async () => {
    const { events, stored } = trail();
    expect(await verifyTrail({ caseId: testUlid(2), events, stored }, sealCheck())).toEqual(bad(1, 'link'));
  });

  test('an event relinked to another previous hash, its own hash recomputed, is found at that event as a broken link', async () => {
    const { events, stored } = trail();
    for (let at = 0; at < events.length; at++) {
      const tampered = events.map((e, i) => (i === at ? rewritten(e, { previousHash: 'f'.repeat(64) }) : e));
      expect({ at, verdict: await verify(tampered, stored) }).toEqual({ at, verdict: bad(at + 1, 'link') });
    }
  });

  test('an event that names another previous seal, its own hash recomputed, is found at that event by the seal link', async () => {
    const { events, stored } = trail();
    for (let at = 1; at < events.length; at++) {
      const tampered = events.map((e, i) => (i === at ? rewritten(e, { previousSeal: macOf('another-key', 'x') }) : e));
      expect({ at, verdict: await verify(tampered, stored) }).toEqual({ at, verdict: bad(at + 1, 'seal') });
    }
  });

  test('an event whose seal was removed is found at that event as unsealed', async () => {
    const { events, stored } = trail();
    for (let at = 0; at < events.length; at++) {
      const tampered = events.map((e, i) => (i === at ? (({ seal: _seal, ...rest }) => rest)(e) : e));
      expect({ at, verdict: await verify(tampered, stored) }).toEqual({ at, verdict: bad(at + 1, 'unsealed') });
    }
  });

  test('a sealed event without a state digest is found as unsealed, though its seal holds and the head names it', async () => {
    const unhashed = { ...draft('case.submitted'), caseId, sequence: 1, previousHash: genesisHash };
    const event = seal({ ...unhashed, hash: hashOf(unhashed) });
    expect(await verify([event], { case: full, head: headOf(event) })).toEqual(bad(1, 'unsealed'));
  });

  test('a trail written before sealing is not claimed to verify', async () => {
    const unhashed = { ...draft('case.submitted'), caseId, sequence: 1, previousHash: genesisHash };
    const legacy: AuditEvent = { ...unhashed, hash: hashOf(unhashed) };
    expect(verifyChain([legacy])).toBe(true);
    expect(await verify([legacy], { case: full, head: { sequence: 1, hash: legacy.hash } })).toEqual(bad(1, 'unsealed'));
  });

  test('any random edit of any event is found, at or before the edited event', async () => {
    const { events, stored } = trail();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: events.length - 1 }), fc.constantFrom('action', 'at', 'reason'), fc.string({ minLength: 1, maxLength: 8 }), fc.boolean(), async (at, attribute, value, recompute) => {
        fc.pre(events[at]![attribute] !== value);
        const edited = events.map((e, i) => (i === at ? { ...e, [attribute]: value } : e));
        const tampered = recompute ? rehash(edited, at) : edited;
        const verdict = await verify(tampered, stored);
        return !verdict.verified && verdict.firstBadSequence === at + 1;
      }),
    );
  });
});

describe('the trail of a destroyed case', () => {
  const destroyedTrail = () => build(states, ['case.submitted', 'case.status-changed', 'task.completed', 'case.status-changed', tombstoneAction]);

  test('verifies without its case when it ends in its sealed tombstone', async () => {
    expect(await verify(destroyedTrail().events, 'destroyed')).toEqual({ verified: true });
  });

  test('without its tombstone, or with a rewritten one, does not', async () => {
    const { events } = destroyedTrail();
    expect(await verify(events.slice(0, -1), 'destroyed')).toEqual(bad(events.length, 'missing'));
    expect(await verify([], 'destroyed')).toEqual(bad(1, 'missing'));
    expect(await verify(rehash(events.map((e, i) => (i === 4 ? { ...e, details: { destroyed: {} } } : e)), 4), 'destroyed')).toEqual(bad(5, 'seal'));
  });
});
