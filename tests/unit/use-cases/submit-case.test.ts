import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import { IdempotencyKeyTaken } from '../../../functions/ports/case-store.port';
import type { SubmitCaseCommand, SubmitCaseDependencies } from '../../../functions/use-cases/submit-case';
import { idempotencyWindowSeconds, submitCase } from '../../../functions/use-cases/submit-case';
import { workflowInputOf } from '../../../functions/use-cases/workflow-input';
import type { InMemoryCaseStore, InMemoryWorkflowEngine, SettableClock, TelemetryRecorder } from '../../support/in-memory-ports';
import {
  callerOf,
  clerkOf,
  executionIdFor,
  inMemoryCaseStore,
  inMemoryWorkflowEngine,
  outboxDispatcher,
  portalOf,
  refusal,
  settableClock,
  telemetryRecorder,
  tenantDirectory,
  thenDispatch,
} from '../../support/in-memory-ports';

// A Friday: five working days run over the weekend to the next Friday.
const friday = '2026-11-27T10:00:00Z';

let store: InMemoryCaseStore;
let engine: InMemoryWorkflowEngine;
let clock: SettableClock;
let telemetry: TelemetryRecorder;
let submit: ReturnType<typeof submitCase>;

/** The use case on this test's store, engine and clock, with some of its ports replaced. */
const submitWith = (ports: Partial<SubmitCaseDependencies> = {}) =>
  submitCase({ cases: store, idempotency: store, tenants: tenantDirectory(), workflows: engine, catalogue, clock, telemetry, ...ports });

/** A tenant directory that does not answer. */
const unreadableTenants = { get: async () => Promise.reject(new Error('the tenant directory did not answer')) };

beforeEach(() => {
  store = inMemoryCaseStore();
  engine = inMemoryWorkflowEngine();
  clock = settableClock(friday);
  telemetry = telemetryRecorder();
  submit = thenDispatch(submitWith(), outboxDispatcher(store, engine, clock));
});

const proof = (overrides: Partial<SubmitCaseCommand> = {}): SubmitCaseCommand => ({
  caller: portalOf(),
  type: 'proof-of-residence',
  applicant: { insz: '85073003328' },
  data: { purpose: 'school registration', language: 'nl' },
  ...overrides,
});

describe('submitting a case', () => {
  test('is for the portal only: a clerk is forbidden and nothing is written', async () => {
    const error = await refusal(submit(proof({ caller: clerkOf() })));
    expect(error.kind).toBe('forbidden');
    expect(store.cases.size).toBe(0);
    expect(engine.starts).toEqual([]);
  });

  test('refuses an unknown type with the field path `type`', async () => {
    const error = await refusal(submit(proof({ type: 'dog-licence' })));
    expect(error.kind).toBe('validation');
    expect(error.message).toBe('unknown transaction type');
    expect(error.errors).toEqual([{ path: 'type', message: "no transaction type 'dog-licence' is published" }]);
    expect(store.cases.size).toBe(0);
  });

  test('refuses an applicant of a kind the type does not accept', async () => {
    const error = await refusal(submit(proof({ applicant: { kbo: '0999000129' } })));
    expect(error.kind).toBe('validation');
    expect(error.message).toBe('applicant not accepted');
    expect(error.errors).toEqual([{ path: 'applicant', message: "'proof-of-residence' accepts applicants of kind: citizen" }]);
  });

  test('accepts a business for a type that takes both kinds', async () => {
    const submitted = await submit({
      caller: portalOf(),
      type: 'event-permit',
      applicant: { kbo: '0999000129' },
      data: { eventName: 'Buurtfeest', location: 'Voorbeeldplein', date: '2027-06-12', expectedVisitors: 400 },
    });
    expect(submitted.case.applicant).toEqual({ kbo: '0999000129' });
    expect(submitted.type.key).toBe('event-permit');
  });

  test('refuses data that does not match the schema, naming each field under `data.`', async () => {
    const error = await refusal(submit(proof({ data: { language: 'fr', extra: 1 } })));
    expect(error.kind).toBe('validation');
    expect(error.message).toBe('data does not match the type’s schema');
    expect(error.errors.map((field) => field.path)).toEqual(['data.language', 'data.extra']);
    expect(store.cases.size).toBe(0);
    expect(telemetry.submitted).toEqual([]);
  });

  test('refuses a tenant that is not onboarded as forbidden, without writing', async () => {
    const error = await refusal(submit(proof({ caller: callerOf('99999', ['portal']) })));
    expect(error.kind).toBe('forbidden');
    expect(error.message).toBe('tenant 99999 is not onboarded on Loket');
    expect(store.cases.size).toBe(0);
    expect(engine.starts).toEqual([]);
  });

  test('computes the due date from the legal deadline: 5 working days from a Friday end the next Friday, Brussels midnight', async () => {
    const { case: opened } = await submit(proof());
    expect(opened.dueAt).toBe('2026-12-04T22:59:59.999Z');
  });

  test('skips a public holiday: 5 working days from Monday 9 November pass over Armistice Day', async () => {
    clock.set('2026-11-09T10:00:00Z');
    const { case: opened } = await submit(proof());
    expect(opened.dueAt).toBe('2026-11-17T22:59:59.999Z');
  });

  test('counts calendar days for a calendar deadline (change of address: 30 days)', async () => {
    const { case: opened } = await submit({
      caller: portalOf(),
      type: 'change-of-address',
      applicant: { insz: '85073003328' },
      data: { newAddress: { street: 'Nieuwstraat 12', postalCode: '9000', municipality: 'Gent' }, movingDate: '2026-11-15' },
    });
    // 30 days after 27 November is Sunday 27 December, which moves to Monday 28 December.
    expect(opened.dueAt).toBe('2026-12-28T22:59:59.999Z');
  });

  test('numbers cases per tenant and Brussels year as tenant-year-000001', async () => {
    const first = await submit(proof());
    const second = await submit(proof());
    const aalst = await submit(proof({ caller: portalOf('41002') }));
    expect(first.case.number).toBe('44021-2026-000001');
    expect(second.case.number).toBe('44021-2026-000002');
    expect(aalst.case.number).toBe('41002-2026-000001');
  });

  test('takes the year from the Brussels date: 31 December 23:30 UTC is already the new year', async () => {
    clock.set('2026-12-31T23:30:00Z');
    const { case: opened } = await submit(proof());
    expect(opened.number).toBe('44021-2027-000001');
  });

  test('writes the case in its first status, version 0, with its submission audit event', async () => {
    const submitted = await submit(proof({ reason: 'walk-in at the desk' }));
    const stored = store.cases.get(submitted.case.id)!;
    expect(submitted.replayed).toBe(false);
    expect(submitted.type).toBe(catalogue.find('proof-of-residence'));
    expect(submitted.case.version).toBe(0);
    // The outbox started the workflow afterwards, and the case recorded the version it runs on.
    expect(stored).toEqual({ ...submitted.case, version: 1, workflowVersionArn: `arn:aws:states:eu-west-1:000000000000:stateMachine:loket-proof-of-residence:${submitted.case.type.version}` });
    expect(stored).toMatchObject({
      tenant: '44021',
      type: { key: 'proof-of-residence', version: catalogue.find('proof-of-residence')!.version },
      applicant: { insz: '85073003328' },
      data: { purpose: 'school registration', language: 'nl' },
      status: 'submitted',
      createdAt: '2026-11-27T10:00:00.000Z',
      executionArn: executionIdFor('proof-of-residence', submitted.case.id),
    });
    expect(submitted.case.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const [event, recorded, ...more] = store.eventsOf(submitted.case.id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ action: 'case.submitted', sequence: 1, reason: 'walk-in at the desk', actor: portalOf() });
    expect(recorded).toMatchObject({ action: 'workflow.version-recorded', sequence: 2, details: { typeVersion: submitted.case.type.version } });
  });

  test('starts the workflow named after the case with ids and codes only: no applicant, no data', async () => {
    const { case: opened } = await submit(proof());
    expect(engine.starts).toEqual([
      { typeKey: 'proof-of-residence', caseId: opened.id, input: { caseId: opened.id, tenant: '44021', type: 'proof-of-residence', version: catalogue.find('proof-of-residence')!.version } },
    ]);
    expect(workflowInputOf(opened)).toEqual(engine.starts[0]!.input);
    expect(JSON.stringify(engine.starts)).not.toContain('85073003328');
  });

  test('counts the submission by type', async () => {
    await submit(proof());
    expect(telemetry.submitted).toEqual(['proof-of-residence']);
  });
});

describe('the workflow version a case is to run on', () => {
  const typeVersion = catalogue.find('proof-of-residence')!.version;
  const current = `arn:aws:states:eu-west-1:000000000000:stateMachine:loket-proof-of-residence:${typeVersion}`;

  test('is recorded as the case is submitted, and the start runs it without a change of its own', async () => {
    engine.currentVersions.set('proof-of-residence', typeVersion);
    const submitted = await submit(proof());
    expect(submitted.case).toMatchObject({ version: 0, workflowVersionArn: current });
    expect(store.cases.get(submitted.case.id)).toEqual(submitted.case);
    expect(store.eventsOf(submitted.case.id)).toEqual([
      expect.objectContaining({ action: 'case.submitted', sequence: 1, details: { number: submitted.case.number, type: submitted.case.type, status: 'submitted', versionArn: current } }),
    ]);
    expect(engine.starts).toEqual([expect.objectContaining({ caseId: submitted.case.id, versionArn: current })]);
  });

  test('is recorded as the case is submitted when the engine cannot tell which type version the workflow publishes', async () => {
    engine.currentVersion = async () => ({ versionArn: current });
    const submitted = await submit(proof());
    expect(submitted.case.workflowVersionArn).toBe(current);
  });

  test('is left to the start when the deployed workflow publishes another type version than the catalogue checked the data against', async () => {
    engine.currentVersions.set('proof-of-residence', typeVersion + 1);
    const submitted = await submit(proof());
    expect(submitted.case.workflowVersionArn).toBeUndefined();
    expect(store.eventsOf(submitted.case.id).map((event) => event.action)).toEqual(['case.submitted', 'workflow.version-recorded']);
    expect(store.eventsOf(submitted.case.id)[1]).toMatchObject({ details: { typeVersion: typeVersion + 1, submittedAs: typeVersion } });
  });

  test('is left to the start when Step Functions does not answer: the submission goes through, and says so in a warning', async () => {
    engine.currentVersions.set('proof-of-residence', typeVersion);
    const answering = engine.currentVersion;
    // Throttled while the submission asks; answering again by the time the outbox starts the case.
    engine.currentVersion = jest.fn<typeof answering>().mockRejectedValueOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).mockImplementation(answering);
    const submitted = await submit(proof());
    expect(store.cases.get(submitted.case.id)).toMatchObject({ version: 1, workflowVersionArn: current });
    expect(store.eventsOf(submitted.case.id)[0]!.details).not.toHaveProperty('versionArn');
    expect(telemetry.warnings).toEqual([{ message: 'The workflow version of new cases could not be read: the start records it', fields: { typeKey: 'proof-of-residence', errorName: 'ThrottlingException' } }]);
  });
});

describe('an Idempotency-Key', () => {
  test('is remembered for a day with the request fingerprint and the case', async () => {
    const { case: opened } = await submit(proof({ idempotencyKey: 'key-1' }));
    const record = await store.find('44021', 'key-1');
    expect(record).toMatchObject({ tenant: '44021', key: 'key-1', caseId: opened.id });
    expect(record!.expiresAt).toBe(Date.parse(friday) / 1000 + idempotencyWindowSeconds);
    expect(idempotencyWindowSeconds).toBe(86_400);
    expect(record!.requestHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('replays the same request: the same case, replayed, nothing new written, started or counted', async () => {
    const first = await submit(proof({ idempotencyKey: 'key-1' }));
    const stored = store.cases.get(first.case.id);
    const events = store.eventsOf(first.case.id).length;
    clock.advance(60_000);
    const again = await submit(proof({ idempotencyKey: 'key-1' }));
    expect(again.replayed).toBe(true);
    expect(again.case).toEqual(stored);
    expect(again.type.key).toBe('proof-of-residence');
    expect(store.cases.size).toBe(1);
    expect(store.eventsOf(first.case.id)).toHaveLength(events);
    expect(engine.starts).toHaveLength(1);
    expect(store.effectsWritten).toEqual([{ kind: 'start-workflow', caseId: first.case.id }]);
    expect(telemetry.submitted).toEqual(['proof-of-residence']);
  });

  test('reads the tenant while it looks the Idempotency-Key up: one round trip before the case number, not two', async () => {
    const calls: string[] = [];
    const directory = tenantDirectory();
    const concurrent = thenDispatch(
      submitWith({
        idempotency: {
          find: async (tenant, key) => {
            calls.push('key asked');
            await new Promise((resolve) => setTimeout(resolve, 5));
            calls.push('key answered');
            return store.find(tenant, key);
          },
        },
        tenants: {
          get: async (id) => {
            calls.push('tenant asked');
            return directory.get(id);
          },
        },
      }),
      outboxDispatcher(store, engine, clock),
    );
    const submitted = await concurrent(proof({ idempotencyKey: 'key-1' }));
    expect(submitted.replayed).toBe(false);
    expect(calls).toHaveLength(3);
    expect(calls.indexOf('tenant asked')).toBeLessThan(calls.indexOf('key answered'));
  });

  test('a repeated request is answered from its key even when the tenant cannot be read: its case exists already', async () => {
    const first = await submit(proof({ idempotencyKey: 'key-1' }));
    const unreadable = submitWith({ tenants: unreadableTenants });
    const again = await unreadable(proof({ idempotencyKey: 'key-1' }));
    expect(again.replayed).toBe(true);
    expect(again.case.id).toBe(first.case.id);
    await expect(unreadable(proof({ idempotencyKey: 'key-2' }))).rejects.toThrow('the tenant directory did not answer');
    expect(store.cases.size).toBe(1);
  });

  test('a request refused for its content is refused for that even when the tenant cannot be read', async () => {
    const unreadable = submitWith({ tenants: unreadableTenants });
    const error = await refusal(unreadable(proof({ type: 'dog-licence' })));
    expect(error.kind).toBe('validation');
    expect(error.message).toBe('unknown transaction type');
    expect(store.cases.size).toBe(0);
  });

  test('with another body is unprocessable and creates nothing', async () => {
    await submit(proof({ idempotencyKey: 'key-1' }));
    for (const different of [
      proof({ idempotencyKey: 'key-1', data: { purpose: 'other', language: 'nl' } }),
      proof({ idempotencyKey: 'key-1', applicant: { insz: '17073003384' } }),
      proof({ idempotencyKey: 'key-1', type: 'change-of-address' }),
    ]) {
      const error = await refusal(submit(different));
      expect(error.kind).toBe('unprocessable');
      expect(error.message).toBe('this Idempotency-Key was used with a different request; use a new key for a new request');
    }
    expect(store.cases.size).toBe(1);
    expect(engine.starts).toHaveLength(1);
  });

  test('is scoped to the tenant: the same key in another tenant creates its own case', async () => {
    const gentCase = await submit(proof({ idempotencyKey: 'shared' }));
    const aalstCase = await submit(proof({ idempotencyKey: 'shared', caller: portalOf('41002') }));
    expect(aalstCase.replayed).toBe(false);
    expect(aalstCase.case.id).not.toBe(gentCase.case.id);
    expect(aalstCase.case.tenant).toBe('41002');
    expect(store.cases.size).toBe(2);
  });

  test('without a key, two identical requests make two cases', async () => {
    await submit(proof());
    await submit(proof());
    expect(store.cases.size).toBe(2);
  });

  test('is never assumed: a request without one is not answered with the case of a key spelled "undefined"', async () => {
    const keyed = await submit(proof({ idempotencyKey: 'undefined' }));
    const keyless = await submit(proof());
    expect(keyless.replayed).toBe(false);
    expect(keyless.case.id).not.toBe(keyed.case.id);
    expect(store.cases.size).toBe(2);
  });

  test('of a case that no longer exists answers not-found', async () => {
    const { case: opened } = await submit(proof({ idempotencyKey: 'key-1' }));
    store.cases.delete(opened.id);
    const error = await refusal(submit(proof({ idempotencyKey: 'key-1' })));
    expect(error.kind).toBe('not-found');
    expect(error.message).toBe(`case ${opened.id} does not exist`);
  });

  test('used by concurrent requests creates exactly one case; the loser replays it', async () => {
    const results = await Promise.all([1, 2, 3].map(() => submit(proof({ idempotencyKey: 'race' }))));
    expect(store.cases.size).toBe(1);
    const [winner] = [...store.cases.keys()];
    expect(results.map((result) => result.case.id)).toEqual([winner, winner, winner]);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(telemetry.submitted).toEqual(['proof-of-residence']);
  });

  test('taken while this request wrote (IdempotencyKeyTaken) answers with the winner’s case', async () => {
    const winner = await submit(proof({ idempotencyKey: 'other-key' }));
    const record = (await store.find('44021', 'other-key'))!;
    store.beforeCreate = () => {
      store.idempotencyRecords.set('44021#race', { ...record, key: 'race' });
    };
    const loser = await submit(proof({ idempotencyKey: 'race' }));
    expect(loser).toMatchObject({ replayed: true, case: { id: winner.case.id } });
    expect(store.cases.size).toBe(1);
  });

  test('taken by a request whose write is not visible yet: the loser looks again, backing off, and replays the winner’s case once it shows', async () => {
    const winner = await submit(proof({ idempotencyKey: 'race' }));
    const record = (await store.find('44021', 'race'))!;
    store.idempotencyRecords.delete('44021#race');
    let lookups = 0;
    store.find = async (tenant, key) => {
      lookups += 1;
      return lookups > 3 ? { ...record, tenant, key } : undefined;
    };
    store.beforeCreate = () => {
      throw new IdempotencyKeyTaken();
    };
    const loser = await submit(proof({ idempotencyKey: 'race' }));
    expect(loser).toMatchObject({ replayed: true, case: { id: winner.case.id } });
    expect(lookups).toBe(4);
    expect(store.cases.size).toBe(1);
  });

  describe('taken by a request that never completes', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    test('is looked up eight times, backing off from 25 ms to 3.2 s (6.4 s in all), then fails transiently', async () => {
      jest.useFakeTimers();
      let lookups = 0;
      store.find = async () => {
        lookups += 1;
        return undefined;
      };
      store.beforeCreate = () => {
        throw new IdempotencyKeyTaken();
      };
      let settled = false;
      const outcome = submit(proof({ idempotencyKey: 'lost' })).then(
        () => undefined,
        (error: unknown) => error,
      ).finally(() => {
        settled = true;
      });
      await jest.advanceTimersByTimeAsync(25 * (2 ** 8 - 1) - 1);
      expect(settled).toBe(false);
      expect(lookups).toBe(1 + 8);
      await jest.advanceTimersByTimeAsync(1);
      expect(settled).toBe(true);
      expect(await outcome).toMatchObject({ name: 'TransientError', message: 'the request that holds Idempotency-Key lost did not complete' });
      expect(lookups).toBe(1 + 8);
      expect(store.cases.size).toBe(0);
    });
  });

  test('IdempotencyKeyTaken from a request without a key is not swallowed', async () => {
    store.beforeCreate = () => {
      throw new IdempotencyKeyTaken();
    };
    await expect(submit(proof())).rejects.toBeInstanceOf(IdempotencyKeyTaken);
    expect(engine.starts).toEqual([]);
  });

  test('any other failure of the write propagates and starts nothing', async () => {
    const failure = new Error('table unavailable');
    store.beforeCreate = () => {
      throw failure;
    };
    await expect(submit(proof({ idempotencyKey: 'key-1' }))).rejects.toBe(failure);
    expect(engine.starts).toEqual([]);
    expect(telemetry.submitted).toEqual([]);
  });
});
