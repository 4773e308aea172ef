import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../functions/catalogue/catalogue';
import { allTaskRoles, driveToFinal } from '../support/case-driver';
import type { TestStack } from '../support/test-stack';
import { startTestStack } from '../support/test-stack';

/** The status each example ends in when every task gets its first (favourable) outcome. */
const expectedFinal: Record<string, string> = {
  'proof-of-residence': 'issued',
  'change-of-address': 'registered',
  'event-permit': 'granted',
  'resident-parking-permit': 'granted',
  'terrace-permit': 'granted',
};

/** Messages the catalogue's workflows wait for, with data a portal would send. */
const messages = {
  'payment-received': { amount: 35, reference: '+++090/9337/55493+++' },
  'documents-supplied': { documentReference: 'site-plan.pdf', pages: 2 },
};

let stack: TestStack;
let portal: string;
let worker: string;

beforeAll(async () => {
  stack = await startTestStack({ timeScale: 0.001, maxWaitSeconds: 0.05 });
  portal = await stack.token({ tenant: '44021', roles: ['portal'] });
  worker = await stack.token({ tenant: '44021', roles: allTaskRoles, subject: 'back-office@gent' });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the catalogue on the local stack', () => {
  test('lists every type with its example', async () => {
    const response = await stack.call('GET', '/v1/transaction-types', { token: portal });
    expect(response.body.items.map((t: { key: string }) => t.key).sort()).toEqual(catalogue.all().map((t) => t.key).sort());
    for (const type of catalogue.all()) {
      const detail = await stack.call('GET', `/v1/transaction-types/${type.key}`, { token: portal });
      expect(detail.body.example).toEqual(type.example);
    }
  });

  test('every type of the catalogue has an expected outcome here', () => {
    expect(Object.keys(expectedFinal).sort()).toEqual(catalogue.all().map((t) => t.key).sort());
  });

  test.each(catalogue.all().map((type) => [type.key, type] as const))(
    '%s: the example request, submitted as is and driven by its tasks and messages, reaches a final status',
    async (_key, type) => {
      const submitted = await stack.call('POST', '/v1/cases', { token: portal, body: type.example });
      expect(submitted.status).toBe(201);
      const { final } = await driveToFinal(stack, submitted.body.id, { portal, worker }, { messages });
      expect(final.status.code).toBe(expectedFinal[type.key]);
      const history = await stack.call('GET', `/v1/cases/${submitted.body.id}/history`, { token: portal });
      expect(history.body.verified).toBe(true);
    },
  );
});
