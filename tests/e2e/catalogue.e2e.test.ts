import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { catalogue } from '../../functions/catalogue/catalogue';
import { typeFolderNames } from '../../workflows/type-loader';
import { exampleOf } from '../../designer/run';
import { allTaskRoles, driveToFinal } from '../support/case-driver';
import type { TestStack } from '../support/test-stack';
import { eventually, startTestStack } from '../support/test-stack';

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
  // The local host runs the handler from source, so it builds the document (a bundle reads the one its build wrote).
  test('the OpenAPI document, public, offers each type as a submission', async () => {
    const response = await stack.call('GET', '/v1/openapi.json');
    expect(response.status).toBe(200);
    const submission = response.body.paths['/v1/cases'].post.requestBody.content['application/json'];
    expect(Object.keys(submission.examples).sort()).toEqual(typeFolderNames());
  });

  test('lists every type folder under workflows/, each with its example', async () => {
    const response = await stack.call('GET', '/v1/transaction-types', { token: portal });
    expect(response.body.items.map((t: { key: string }) => t.key).sort()).toEqual(typeFolderNames());
    for (const type of catalogue.all()) {
      const detail = await stack.call('GET', `/v1/transaction-types/${type.key}`, { token: portal });
      expect(detail.body.example).toEqual(type.example);
    }
  });

  test("describes each type's tasks and messages as its folder declares them: role, outcomes, due days, titles and data schemas", async () => {
    for (const type of catalogue.all()) {
      const { body } = await stack.call('GET', `/v1/transaction-types/${type.key}`, { token: portal });
      expect({ key: type.key, tasks: body.tasks, messages: body.messages }).toEqual({ key: type.key, tasks: type.tasks, messages: type.messages });
      for (const task of Object.values<Record<string, unknown>>(body.tasks)) {
        expect(task).toEqual(expect.objectContaining({ role: expect.any(String), outcomes: expect.any(Array), dueInWorkingDays: expect.any(Number), title: { nl: expect.any(String), en: expect.any(String) }, dataSchema: expect.any(Object) }));
      }
      for (const message of Object.values<Record<string, unknown>>(body.messages)) {
        expect(message).toEqual(expect.objectContaining({ description: { nl: expect.any(String), en: expect.any(String) }, dataSchema: expect.any(Object) }));
      }
    }
  });

  test('a portal that reads a message schema from the API sends data built from it, accepted; {} is refused with a 400 that names amount', async () => {
    const listed = await stack.call('GET', '/v1/transaction-types', { token: portal });
    const details = await Promise.all(listed.body.items.map(({ key }: { key: string }) => stack.call('GET', `/v1/transaction-types/${key}`, { token: portal })));
    const type = details.map((detail) => detail.body).find((body) => body.messages['payment-received']);
    expect(type).toBeDefined();
    const { dataSchema } = type.messages['payment-received'];
    expect(dataSchema.required).toEqual(expect.arrayContaining(['amount', 'reference']));

    const submitted = await stack.call('POST', '/v1/cases', { token: portal, body: type.example });
    expect(submitted.status).toBe(201);
    const messages = `/v1/cases/${submitted.body.id}/messages`;
    await eventually(
      () => stack.call('GET', `/v1/cases/${submitted.body.id}`, { token: portal }),
      (read) => read.body.awaitingMessages?.some((wait: { name: string }) => wait.name === 'payment-received'),
    );

    const refused = await stack.call('POST', messages, { token: portal, body: { name: 'payment-received', data: {} } });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.errors.map((error: { path: string }) => error.path)).toEqual(expect.arrayContaining(['data.amount', 'data.reference']));

    const accepted = await stack.call('POST', messages, { token: portal, body: { name: 'payment-received', data: exampleOf(dataSchema) } });
    expect(accepted.status).toBe(202);
    expect(accepted.body.awaitingMessages.map((wait: { name: string }) => wait.name)).not.toContain('payment-received');
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
