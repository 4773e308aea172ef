import { describe, expect, test } from '@jest/globals';
import { DomainError } from '../../../functions/domain/errors';
import { isUsableSecret, maxSubscriptionsPerTenant } from '../../../functions/domain/subscription';
import { createSubscription, deleteSubscription, listSubscriptions } from '../../../functions/use-cases/subscriptions';
import { callerOf, settableClock } from '../../support/in-memory-ports';
import { inMemorySubscriptions } from '../../support/in-memory-webhooks';

const operator = callerOf('44021', ['operator']);
const clock = settableClock('2026-12-01T10:00:00Z');

function setUp(refusal?: string) {
  const subscriptions = inMemorySubscriptions();
  const create = createSubscription({
    subscriptions,
    clock,
    policy: 'public-https',
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
    const { subscription, secret } = await create({ caller: operator, url: 'https://backoffice.example.org/hook', eventTypes: [], transactionTypes: ['proof-of-residence', 'proof-of-residence'] });
    expect(isUsableSecret(secret)).toBe(true);
    expect(subscription).toEqual({
      id: expect.any(String),
      tenant: '44021',
      url: 'https://backoffice.example.org/hook',
      eventTypes: [],
      transactionTypes: ['proof-of-residence'],
      createdAt: '2026-12-01T10:00:00.000Z',
      createdBy: operator.subject,
    });
    expect(JSON.stringify(await listSubscriptions({ subscriptions })(operator))).not.toContain(secret);
    expect(await subscriptions.secretOf('44021', subscription.id)).toBe(secret);
  });

  test('keeps a given secret', async () => {
    const { create } = setUp();
    const given = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect((await create({ caller: operator, url: 'https://x.example/hook', eventTypes: [], transactionTypes: [], secret: given })).secret).toBe(given);
  });

  test.each([
    ['http://backoffice.example.org/hook', 'must be an https URL'],
    ['https://user:pass@backoffice.example.org/hook', 'must not carry a user name or password'],
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
    expect(error.errors.map((field) => field.path)).toEqual(['transactionTypes.1', 'secret']);
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
    expect((await refusalOf(create({ caller: operator, url: 'https://x.example/one-more', eventTypes: [], transactionTypes: [] }))).kind).toBe('unprocessable');
    // Another tenant's count is its own.
    await create({ caller: callerOf('41002', ['operator']), url: 'https://x.example/aalst', eventTypes: [], transactionTypes: [] });
  });

  test('is for operators: a clerk is refused', async () => {
    const { create } = setUp();
    expect((await refusalOf(create({ caller: callerOf('44021', ['clerk']), url: 'https://x.example/hook', eventTypes: [], transactionTypes: [] }))).kind).toBe('forbidden');
  });
});

describe('deleting a subscription', () => {
  test("another tenant's subscription answers as one that does not exist, and stays", async () => {
    const { subscriptions, create } = setUp();
    const { subscription } = await create({ caller: operator, url: 'https://x.example/hook', eventTypes: [], transactionTypes: [] });
    const error = await refusalOf(deleteSubscription({ subscriptions })(callerOf('41002', ['operator']), subscription.id));
    expect(error.kind).toBe('not-found');
    expect(await subscriptions.get('44021', subscription.id)).toEqual(subscription);
    await deleteSubscription({ subscriptions })(operator, subscription.id);
    expect(await subscriptions.get('44021', subscription.id)).toBeUndefined();
  });
});
