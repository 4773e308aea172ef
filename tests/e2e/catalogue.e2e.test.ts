import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../functions/catalogue/catalogue';
import { typeFolderNames } from '../../workflows/type-loader';
import { allTaskRoles, driveToFinal } from '../support/case-driver';
import type { TestStack } from '../support/test-stack';
import { startTestStack } from '../support/test-stack';

/*
 * Every type folder, driven through the HTTP API from its own declarations only: the example
 * request of its type.json, the first outcome each task declares, and for each message an
 * example of its declared data schema. Nothing here names a type, so a type added as a folder
 * is tested as it is added.
 */

/** The final statuses that are no decision on the request: the system's and the applicant's ends. */
const endsWithoutDecision = ['failed', 'expired', 'withdrawn'];

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
  test('lists every type folder under workflows/, each with its example', async () => {
    const response = await stack.call('GET', '/v1/transaction-types', { token: portal });
    expect(response.body.items.map((t: { key: string }) => t.key).sort()).toEqual(typeFolderNames());
    for (const type of catalogue.all()) {
      const detail = await stack.call('GET', `/v1/transaction-types/${type.key}`, { token: portal });
      expect(detail.body.example).toEqual(type.example);
    }
  });

  test.each(catalogue.all().map((type) => [type.key, type] as const))(
    '%s: the example request, submitted as is, each task given its first declared outcome and each message an example of its data, reaches a decision',
    async (_key, type) => {
      const submitted = await stack.call('POST', '/v1/cases', { token: portal, body: type.example });
      expect(submitted.status).toBe(201);
      const { final, steps } = await driveToFinal(stack, submitted.body.id, { portal, worker });
      const declaredFinal = type.statuses.filter((status) => status.final).map((status) => status.code);
      expect(declaredFinal).toContain(final.status.code);
      expect(endsWithoutDecision).not.toContain(final.status.code);
      for (const step of steps.filter((taken) => !taken.startsWith('message '))) {
        const [task, outcome] = step.split('=');
        expect(outcome).toBe(type.tasks[task!]?.outcomes[0]);
      }
      if (final.documents.length > 0) expect(final.documents[0].title).toEqual(type.document?.title);
      const history = await stack.call('GET', `/v1/cases/${submitted.body.id}/history`, { token: portal });
      expect(history.body.verified).toBe(true);
    },
  );
});
