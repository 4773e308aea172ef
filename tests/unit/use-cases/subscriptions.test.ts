import { describe, expect, test } from '@jest/globals';
import { DomainError } from '../../../functions/domain/errors';
import type { CallbackPolicy } from '../../../functions/domain/subscription';
import { isUsableSecret, maxSubscriptionsPerTenant } from '../../../functions/domain/subscription';
import { createSubscription, deleteSubscription, listSubscriptions } from '../../../functions/use-cases/subscriptions';
import { callerOf, settableClock } from '../../support/in-memory-ports';
import { inMemorySubscriptions } from '../../support/in-memory-webhooks';

const operator = callerOf('44021', ['operator']);
const clock = settableClock('2026-12-01T10:00:00Z');

function setUp(refusal?: string, policy: CallbackPolicy = 'public-https') {
  const subscriptions = inMemorySubscriptions();
  const create = createSubscription({
    subscriptions,
    clock,
    policy,
    targets: { refusal: async () => refusal },
    transactionTypes: () => ['proof-of-residence', 'resident-parking-permit'],
  });
  return { subscriptions, create };
}

async function refusalOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('creating a subscription on AWS (public-https)', () => {
  test('stores it with a generated Standard Webhooks secret, which only the creation answers', async () => {
    const { subscriptions, create } = setUp();
    const { subscription, secret } = await create({
      caller: operator,
      url: 'https://backoffice.example.org/hook',
      eventTypes: ['be.loket.case.closed.v1', 'be.loket.case.closed.v1'],
      transactionTypes: ['proof-of-residence', 'proof-of-residence'],
    });
    expect(isUsableSecret(secret)).toBe(true);
    expect(subscription).toEqual({
      id: expect.any(String),
      tenant: '44021',
      url: 'https://backoffice.example.org/hook',
      eventTypes: ['be.loket.case.closed.v1'],
      transactionTypes: ['proof-of-residence'],
      createdAt: '2026-12-01T10:00:00.000Z',
      createdBy: operator.subject,
    });
    expect(JSON.stringify(await listSubscriptions({ subscriptions })(operator))).not.toContain(secret);
    expect(await subscriptions.secretOf('44021', subscription.id)).toBe(secret);
  });

  test('keeps a description when one is given, and has none when not', async () => {
    const { create } = setUp();
    const described = await create({ caller: operator, url: 'https://x.example/hook', eventTypes: [], transactionTypes: [], description: 'Back office of the permits desk' });
    expect(described.subscription.description).toBe('Back office of the permits desk');
    const bare = await create({ caller: operator, url: 'https://x.example/hook', eventTypes: [], transactionTypes: [], description: '' });
    expect(bare.subscription).not.toHaveProperty('description');
  });

  test('keeps a given secret', async () => {
    const { create } = setUp();
    const given = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect((await create({ caller: operator, url: 'https://x.example/hook', eventTypes: [], transactionTypes: [], secret: given })).secret).toBe(given);
  });

  test.each([
    ['http://backoffice.example.org/hook', 'must be an https URL'],
    ['ftp://backoffice.example.org/hook', 'must be an https URL'],
    ['https://user:pass@backoffice.example.org/hook', 'must not carry a user name or password'],
    ['https://user@backoffice.example.org/hook', 'must not carry a user name or password'],
    ['https://:pass@backoffice.example.org/hook', 'must not carry a user name or password'],
    ['https://backoffice.example.org/hook#section', 'must not have a fragment'],
    ['not a url', 'is not a URL'],
  ])('refuses %s: %s', async (url, message) => {
    const { subscriptions, create } = setUp();
    const error = await refusalOf(create({ caller: operator, url, eventTypes: [], transactionTypes: [] }));
    expect(error.kind).toBe('validation');
    expect(error.errors).toEqual([{ path: 'url', message }]);
    expect(await subscriptions.ofTenant('44021')).toEqual([]);
  });

  test('refuses a transaction type the tenant does not publish, and a secret too short to sign with', async () => {
    const { create } = setUp();
    const error = await refusalOf(create({ caller: operator, url: 'https://x.example/hook', eventTypes: [], transactionTypes: ['proof-of-residence', 'no-such-type'], secret: `whsec_${Buffer.alloc(16).toString('base64')}` }));
    expect({ kind: error.kind, message: error.message }).toEqual({ kind: 'validation', message: 'the subscription is not valid' });
    expect(error.errors).toEqual([
      { path: 'transactionTypes.1', message: 'is not a transaction type of this tenant' },
      { path: 'secret', message: expect.stringContaining('whsec_') },
    ]);
  });

  const keyOf = (bytes: number) => Buffer.alloc(bytes, 0x5a).toString('base64');
  test.each([
    ['24 bytes of key, the least Standard Webhooks allows', `whsec_${keyOf(24)}`],
    ['64 bytes of key, the most', `whsec_${keyOf(64)}`],
  ])('accepts a given secret of %s', async (_name, secret) => {
    const { create } = setUp();
    expect((await create({ caller: operator, url: 'https://x.example/hook', eventTypes: [], transactionTypes: [], secret })).secret).toBe(secret);
  });

  test.each([
    ['65 bytes of key, one more than the most', `whsec_${keyOf(65)}`],
    // `Wlp=` decodes to the same two bytes as `Wlo=`, with bits set past the key's end: no base64 of any key.
    ['a key that is no canonical base64', `whsec_${keyOf(32).slice(0, 42)}p=`],
    ['another prefix than whsec_', `secret${keyOf(32)}`],
  ])('refuses a given secret of %s, naming the secret', async (_name, secret) => {
    const { subscriptions, create } = setUp();
    const error = await refusalOf(create({ caller: operator, url: 'https://x.example/hook', eventTypes: [], transactionTypes: [], secret }));
    expect(error.errors).toEqual([{ path: 'secret', message: 'must be a Standard Webhooks secret: whsec_ and the base64 of 24 to 64 random bytes' }]);
    expect(await subscriptions.ofTenant('44021')).toEqual([]);
  });

  test("refuses a URL whose host the address check refuses (a private address), as unprocessable, naming the check's reason", async () => {
    const { subscriptions, create } = setUp('its host resolves to a private, loopback, link-local or otherwise non-public address');
    const error = await refusalOf(create({ caller: operator, url: 'https://intranet.example/hook', eventTypes: [], transactionTypes: [] }));
    expect(error.kind).toBe('unprocessable');
    expect(error.message).toBe('the callback URL cannot be called: its host resolves to a private, loopback, link-local or otherwise non-public address');
    expect(await subscriptions.ofTenant('44021')).toEqual([]);
  });

  test(`a tenant holds at most ${maxSubscriptionsPerTenant}`, async () => {
    const { create } = setUp();
    for (let n = 0; n < maxSubscriptionsPerTenant; n++) await create({ caller: operator, url: `https://x.example/${n}`, eventTypes: [], transactionTypes: [] });
    const error = await refusalOf(create({ caller: operator, url: 'https://x.example/one-more', eventTypes: [], transactionTypes: [] }));
    expect({ kind: error.kind, message: error.message }).toEqual({ kind: 'unprocessable', message: `a tenant holds at most ${maxSubscriptionsPerTenant} subscriptions; delete one first` });
    // Another tenant's count is its own.
    await create({ caller: callerOf('41002', ['operator']), url: 'https://x.example/aalst', eventTypes: [], transactionTypes: [] });
  });

  test('is for operators: a clerk is refused', async () => {
    const { create } = setUp();
    expect((await refusalOf(create({ caller: callerOf('44021', ['clerk']), url: 'https://x.example/hook', eventTypes: [], transactionTypes: [] }))).kind).toBe('forbidden');
  });
});

describe('creating a subscription on the local host (local-network)', () => {
  test('accepts http as well as https, so that a receiver on localhost can be called', async () => {
    const { create } = setUp(undefined, 'local-network');
    for (const url of ['http://localhost:4000/hook', 'https://localhost:4000/hook']) {
      expect((await create({ caller: operator, url, eventTypes: [], transactionTypes: [] })).subscription.url).toBe(url);
    }
  });

  test('refuses another scheme, saying both are allowed', async () => {
    const { create } = setUp(undefined, 'local-network');
    expect((await refusalOf(create({ caller: operator, url: 'ftp://localhost/hook', eventTypes: [], transactionTypes: [] }))).errors).toEqual([
      { path: 'url', message: 'must be an http or https URL' },
    ]);
  });
});

describe('deleting a subscription', () => {
  test("another tenant's subscription answers as one that does not exist, and stays", async () => {
    const { subscriptions, create } = setUp();
    const { subscription } = await create({ caller: operator, url: 'https://x.example/hook', eventTypes: [], transactionTypes: [] });
    const error = await refusalOf(deleteSubscription({ subscriptions })(callerOf('41002', ['operator']), subscription.id));
    expect({ kind: error.kind, message: error.message }).toEqual({ kind: 'not-found', message: `subscription ${subscription.id} does not exist` });
    expect(await subscriptions.get('44021', subscription.id)).toEqual(subscription);
    await deleteSubscription({ subscriptions })(operator, subscription.id);
    expect(await subscriptions.get('44021', subscription.id)).toBeUndefined();
  });

  test('a subscription another operator deleted meanwhile answers as one that does not exist', async () => {
    const { subscriptions, create } = setUp();
    const { subscription } = await create({ caller: operator, url: 'https://x.example/hook', eventTypes: [], transactionTypes: [] });
    // The other operator's delete lands between this one's read and its own delete.
    const racing = { ...subscriptions, delete: async (tenant: string, id: string) => (await subscriptions.delete(tenant, id)) && subscriptions.delete(tenant, id) };
    const error = await refusalOf(deleteSubscription({ subscriptions: racing })(operator, subscription.id));
    expect({ kind: error.kind, message: error.message }).toEqual({ kind: 'not-found', message: `subscription ${subscription.id} does not exist` });
  });
});
