import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { eventBridgeBus } from '../../../functions/adapters/eventbridge.bus';
import { aCaseEvent } from '../../support/in-memory-ports';
import { TransientError } from '../../../functions/domain/errors';
import type { EventBridgeLocal, PublishedEvent } from '../../../infra/local/eventbridge.server';
import { startEventBridgeLocal } from '../../../infra/local/eventbridge.server';
import { localCredentials, localRegion } from '../../../infra/local/local-network';

const subject = { id: 'case-1', number: '44021-2026-000001', tenant: '44021', type: { key: 'proof-of-residence', version: 1 } };
const event = (id: string) => aCaseEvent(subject, { id, change: 'submitted', sequence: '0000000001.00', time: '2026-11-10T09:00:00.000Z', data: { status: 'submitted' } });

describe('the event bus on the local EventBridge endpoint, through the SDK client', () => {
  let local: EventBridgeLocal;
  let client: EventBridgeClient;
  const published: PublishedEvent[] = [];

  beforeAll(async () => {
    local = await startEventBridgeLocal({ publish: (events) => published.push(...events) });
    client = new EventBridgeClient({ endpoint: local.endpoint, region: localRegion, credentials: localCredentials });
  });

  afterAll(async () => {
    client?.destroy();
    await local?.close();
  });

  test('PutEvents puts the CloudEvent as the detail, its source and type as the entry’s', async () => {
    await eventBridgeBus(client, 'loket').publish([event('e-1'), event('e-2')]);
    expect(published).toEqual([
      { source: 'urn:loket:tenant:44021', detailType: 'be.loket.case.submitted.v1', detail: event('e-1'), eventBusName: 'loket', time: '2026-11-10T09:00:00.000Z' },
      { source: 'urn:loket:tenant:44021', detailType: 'be.loket.case.submitted.v1', detail: event('e-2'), eventBusName: 'loket', time: '2026-11-10T09:00:00.000Z' },
    ]);
  });

  test("a closing notice is put as the workflows' PublishCaseClosed state puts it: source loket.cases, detail type CaseClosed.v1, the case's ids and status", async () => {
    published.length = 0;
    await eventBridgeBus(client, 'loket').publishClosingNotice({ caseId: 'case-1', tenant: '44021', type: 'resident-parking-permit', status: 'granted' });
    expect(published).toEqual([
      { source: 'loket.cases', detailType: 'CaseClosed.v1', detail: { caseId: 'case-1', tenant: '44021', type: 'resident-parking-permit', status: 'granted' }, eventBusName: 'loket', time: expect.any(String) },
    ]);
  });

  test('the endpoint refuses more than ten entries with a 400, as EventBridge does', async () => {
    const eleven = Array.from({ length: 11 }, (_, index) => ({ Source: 'urn:loket:tenant:44021', DetailType: 'be.loket.case.submitted.v1', Detail: JSON.stringify(event(`e-${index}`)), EventBusName: 'loket' }));
    await expect(client.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  test('the bus puts any number of events, ten a call, in order', async () => {
    published.length = 0;
    const calls: number[] = [];
    const counting = new EventBridgeClient({ endpoint: local.endpoint, region: localRegion, credentials: localCredentials });
    counting.middlewareStack.add((next) => async (args) => {
      calls.push(((args.input as { Entries?: unknown[] }).Entries ?? []).length);
      return next(args);
    });
    const events = Array.from({ length: 23 }, (_, index) => event(`e-${index}`));
    await eventBridgeBus(counting, 'loket').publish(events);
    counting.destroy();
    expect(calls).toEqual([10, 10, 3]);
    expect(published.map((entry) => (entry.detail as { id: string }).id)).toEqual(events.map((sent) => sent.id));
  });
});

/** A client whose PutEvents answers with the given entry results in turn (EventBridge's partial failures), recording what was sent. */
function answering(...answers: Array<Array<PutEventsResultEntry>>) {
  const sent: string[][] = [];
  return {
    sent,
    client: {
      async send(command: PutEventsCommand) {
        sent.push((command.input.Entries ?? []).map((entry) => JSON.parse(entry.Detail!).id));
        const entries = answers.shift() ?? [];
        return { FailedEntryCount: entries.filter((entry) => entry.ErrorCode).length, Entries: entries };
      },
    } as unknown as EventBridgeClient,
  };
}

describe('entries EventBridge fails', () => {
  test('a closing notice EventBridge throttles is sent again until it is accepted', async () => {
    const attempts: string[] = [];
    const client = {
      async send(command: PutEventsCommand) {
        attempts.push(command.input.Entries!.map((entry) => `${entry.DetailType} ${entry.Detail}`).join());
        return attempts.length === 1 ? { FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] } : { FailedEntryCount: 0, Entries: [{ EventId: '1' }] };
      },
    } as unknown as EventBridgeClient;
    await eventBridgeBus(client, 'loket', { backoffMs: 1 }).publishClosingNotice({ caseId: 'c', tenant: '44021', type: 'terrace-permit', status: 'refused' });
    expect(attempts).toEqual(Array(2).fill('CaseClosed.v1 {"caseId":"c","tenant":"44021","type":"terrace-permit","status":"refused"}'));
  });

  test('a throttled entry is sent again on its own until it is accepted', async () => {
    const { client, sent } = answering([{ EventId: '1' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }], [{ EventId: '2' }]);
    await eventBridgeBus(client, 'loket', { backoffMs: 1 }).publish([event('e-1'), event('e-2')]);
    expect(sent).toEqual([['e-1', 'e-2'], ['e-2']]);
  });

  test('an entry still failing after the attempts is a TransientError: the outbox item comes again', async () => {
    const failing = [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }];
    const { client, sent } = answering(failing, failing, failing);
    await expect(eventBridgeBus(client, 'loket', { attempts: 3, backoffMs: 1 }).publish([event('e-1')])).rejects.toBeInstanceOf(TransientError);
    expect(sent).toHaveLength(3);
  });

  test('an entry refused for good is not sent again: the error names the event type and the code', async () => {
    const { client, sent } = answering([{ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }]);
    const publishing = eventBridgeBus(client, 'loket', { backoffMs: 1 }).publish([event('e-1')]);
    await expect(publishing).rejects.toThrow('EventBridge refused the event be.loket.case.submitted.v1: MalformedDetail Detail is malformed.');
    await expect(publishing).rejects.not.toBeInstanceOf(TransientError);
    expect(sent).toHaveLength(1);
  });
});
