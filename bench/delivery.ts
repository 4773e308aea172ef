import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import type { CaseEvent } from '../functions/domain/case-event';
import { caseEventType } from '../functions/domain/case-event';
import { sequenceKey } from '../functions/domain/webhook-delivery';
import { progress } from './report';
import type { Driver, Tokens } from './transactions';
import { percentile, pool, transactionTypes } from './transactions';

/*
 * Section 7 of `npm run bench`, and on its own: `npx tsx bench/delivery.ts [--quick] [--clients N]`, which
 * starts its own local stack. A receiver on this machine that answers 200 at once subscribes to
 * one tenant's proof-of-residence events; straight-through cases are submitted through the API
 * and every delivery is timed from the event's commit (its CloudEvents `time`, the time of the
 * change that committed it) to its receipt. The path measured is the whole local one: the
 * outbox stream, the dispatcher, the fan-out, the deliveries' stream, the signed POST.
 */

export interface DeliveryLatency {
  readonly tenant: string;
  readonly transactionType: string;
  readonly cases: number;
  /** Cases submitted at the same time, each by a client that submits its next once the last one's closing was received. */
  readonly clients: number;
  /** Cases whose closing event did not arrive in time (not straight-through, or lost). */
  readonly casesNotClosed: number;
  /** Deliveries received (every attempt counts: a duplicate would too). */
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Every delivery the subscription lists was received once, and nothing else was received. */
  readonly exactlyOnce: boolean;
  readonly duplicates: number;
  readonly missing: number;
  /** Every received body verified against its Standard Webhooks signature with the subscription's secret. */
  readonly signaturesValid: boolean;
  /** Events received after a later event of their case (outOfOrderOf): 0 when every case's events came in order. */
  readonly outOfOrder: number;
  /** The same figures by event type, in the order a case publishes them: where in a case the time goes. */
  readonly byEventType: ReadonlyArray<{ readonly type: string; readonly count: number; readonly p50: number; readonly max: number }>;
}

export interface DeliveryOptions {
  readonly quick?: boolean;
  /** @default 30, 10 with `quick` */
  readonly cases?: number;
  /** @default 4 */
  readonly clients?: number;
  /** @default '44021' */
  readonly tenant?: string;
  /** How long one case may take from its submission to its closing's receipt. @default 30000 */
  readonly caseTimeoutMs?: number;
}

/**
 * How many events reached the receiver after an event of the same case with a later sequence: a
 * receiver gets a case's events in their order. A webhook received again (a redelivery) is not
 * counted again; `receipts` are in the order they arrived.
 */
export function outOfOrderOf(receipts: ReadonlyArray<{ readonly webhookId: string; readonly event: Pick<CaseEvent, 'subject' | 'sequence'> }>): number {
  const latest = new Map<string, string>();
  const seen = new Set<string>();
  let outOfOrder = 0;
  for (const { webhookId, event } of receipts) {
    if (seen.has(webhookId)) continue;
    seen.add(webhookId);
    const before = latest.get(event.subject);
    if (before !== undefined && sequenceKey(event.sequence) < sequenceKey(before)) outOfOrder += 1;
    else latest.set(event.subject, event.sequence);
  }
  return outOfOrder;
}

interface Receipt {
  readonly webhookId: string;
  readonly event: CaseEvent;
  readonly signed: boolean;
  readonly receivedAt: number;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const round = (value: number) => Number(value.toFixed(1));
const closed = caseEventType('closed');

/** The subscription's deliveries, every page (webhook id and status only). */
async function deliveriesOf(driver: Driver, operator: string, subscriptionId: string): Promise<Array<{ webhookId: string; status: string }>> {
  const all: Array<{ webhookId: string; status: string }> = [];
  let cursor: string | undefined;
  do {
    const page = await driver.call('GET', `/v1/subscriptions/${subscriptionId}/deliveries?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: operator });
    if (page.status !== 200) throw new Error(`listing deliveries answered ${page.status}: ${JSON.stringify(page.body)}`);
    all.push(...page.body.items.map((item: { webhookId: string; status: string }) => ({ webhookId: item.webhookId, status: item.status })));
    cursor = page.body.nextCursor;
  } while (cursor);
  return all;
}

/**
 * Measures commit-to-receipt latency of webhook deliveries on a running local stack, through
 * its API: subscribes a receiver, submits straight-through cases, waits until every case's
 * closing was received and every listed delivery is delivered, and unsubscribes again.
 */
export async function measureDeliveryLatency(driver: Driver, tokens: Record<string, Tokens>, options: DeliveryOptions = {}): Promise<DeliveryLatency> {
  const tenant = options.tenant ?? '44021';
  const cases = options.cases ?? (options.quick ? 10 : 30);
  const clients = options.clients ?? 4;
  const caseTimeoutMs = options.caseTimeoutMs ?? 30_000;
  const type = transactionTypes.find((candidate) => candidate.key === 'proof-of-residence');
  if (!type) throw new Error('the catalogue has no proof-of-residence type');
  const operator = tokens[tenant]!.operator;

  let secret = '';
  const receipts: Receipt[] = [];
  const closings = new Map<string, () => void>();
  const receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const receivedAt = Date.now();
      response.writeHead(200).end();
      const event = JSON.parse(body) as CaseEvent;
      let signed = false;
      try {
        new Webhook(secret).verify(body, request.headers as Record<string, string>);
        signed = true;
      } catch {
        // counted: signaturesValid is false
      }
      receipts.push({ webhookId: String(request.headers['webhook-id']), event, signed, receivedAt });
      if (event.type === closed) closings.get(event.subject)?.();
    });
  });
  await new Promise<void>((listening) => receiver.listen(0, '127.0.0.1', listening));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/deliveries`;

  const created = await driver.call('POST', '/v1/subscriptions', { token: operator, body: { url, transactionTypes: [type.key], description: 'bench: delivery latency' } });
  if (created.status !== 201) throw new Error(`subscribing answered ${created.status}: ${JSON.stringify(created.body)}`);
  secret = created.body.secret;
  const subscriptionId: string = created.body.id;
  const submittedIds = new Set<string>();
  let casesNotClosed = 0;
  try {
    await pool(Array.from({ length: cases }), clients, async () => {
      // Waiting for the closing before the next submission keeps `clients` cases in flight, no more.
      let closedNow!: () => void;
      const closing = new Promise<boolean>((arrived) => (closedNow = () => arrived(true)));
      const submitted = await driver.submit(tenant, type, { fresh: false });
      if (submitted.status !== 201) throw new Error(`submission answered ${submitted.status}`);
      submittedIds.add(submitted.id);
      closings.set(submitted.id, closedNow);
      if (receipts.some((receipt) => receipt.event.subject === submitted.id && receipt.event.type === closed)) closedNow();
      const arrived = await Promise.race([closing, sleep(caseTimeoutMs).then(() => false)]);
      if (!arrived) casesNotClosed += 1;
    });
    progress(`(7) ${cases} cases closed at the receiver; waiting for the subscription's last deliveries`);
    // Events after a closing (none today) and deliveries still pending settle before counting.
    const deadline = Date.now() + caseTimeoutMs;
    for (;;) {
      const listed = await deliveriesOf(driver, operator, subscriptionId);
      const received = new Set(receipts.map((receipt) => receipt.webhookId));
      if (listed.every((delivery) => delivery.status === 'delivered' && received.has(delivery.webhookId)) || Date.now() > deadline) break;
      await sleep(200);
    }
    await sleep(1000); // a duplicate would arrive in this quiet second
    const listed = new Set((await deliveriesOf(driver, operator, subscriptionId)).map((delivery) => delivery.webhookId));
    const ours = receipts.filter((receipt) => submittedIds.has(receipt.event.subject));
    const perWebhookId = new Map<string, number>();
    for (const receipt of ours) perWebhookId.set(receipt.webhookId, (perWebhookId.get(receipt.webhookId) ?? 0) + 1);
    const duplicates = [...perWebhookId.values()].reduce((sum, times) => sum + times - 1, 0);
    const missing = [...listed].filter((webhookId) => !perWebhookId.has(webhookId)).length;
    const unlisted = [...perWebhookId.keys()].filter((webhookId) => !listed.has(webhookId)).length;
    const latencyOf = (receipt: Receipt) => receipt.receivedAt - Date.parse(receipt.event.time);
    const latencies = ours.map(latencyOf);
    const byEventType = new Map<string, number[]>();
    for (const receipt of [...ours].sort((a, b) => a.event.sequence.localeCompare(b.event.sequence))) byEventType.set(receipt.event.type, [...(byEventType.get(receipt.event.type) ?? []), latencyOf(receipt)]);
    return {
      tenant,
      transactionType: type.key,
      cases,
      clients,
      casesNotClosed,
      count: ours.length,
      p50: round(percentile(latencies, 50)),
      p95: round(percentile(latencies, 95)),
      p99: round(percentile(latencies, 99)),
      max: round(Math.max(...latencies)),
      exactlyOnce: duplicates === 0 && missing === 0 && unlisted === 0 && receipts.length === ours.length && casesNotClosed === 0,
      duplicates,
      missing,
      signaturesValid: receipts.every((receipt) => receipt.signed),
      outOfOrder: outOfOrderOf(ours),
      byEventType: [...byEventType].map(([eventType, values]) => ({ type: eventType, count: values.length, p50: round(percentile(values, 50)), max: round(Math.max(...values)) })),
    };
  } finally {
    await driver.call('DELETE', `/v1/subscriptions/${subscriptionId}`, { token: operator });
    receiver.closeAllConnections();
    await new Promise((closedServer) => receiver.close(closedServer));
  }
}

export const deliveryNote = 'Delivery latency runs from the event’s CloudEvents `time`, the time of the change that committed it, to the receipt of the signed POST by a receiver on this machine that answers 200 at once.';

/** The section of the bench's Markdown report. */
export function deliveryMarkdown(result: DeliveryLatency, heading = '## 7. Webhook delivery latency, commit to receipt'): string[] {
  return [
    heading,
    '',
    `${result.cases} straight-through ${result.transactionType} cases of tenant ${result.tenant}, ${result.clients} at a time; a receiver subscribed to them answers 200 at once.`,
    '',
    '| deliveries | p50 ms | p95 ms | p99 ms | max ms | exactly once per webhook-id | signatures valid | each case\'s events in order |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${result.count} | ${result.p50} | ${result.p95} | ${result.p99} | ${result.max} | ${result.exactlyOnce ? 'yes' : `**no** (${result.duplicates} duplicated, ${result.missing} missing, ${result.casesNotClosed} cases not closed)`} | ${result.signaturesValid ? 'yes' : '**no**'} | ${result.outOfOrder === 0 ? 'yes' : `**no** (${result.outOfOrder} after a later one)`} |`,
    '',
    `By event type (p50 / max ms): ${result.byEventType.map((entry) => `${entry.type.replace(/^be\.loket\.case\.|\.v\d+$/g, '')} ${entry.p50} / ${entry.max} (${entry.count})`).join('; ')}.`,
  ];
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const quick = process.argv.includes('--quick');
  const clientsArgument = process.argv.indexOf('--clients');
  const clients = clientsArgument > 0 ? Number(process.argv[clientsArgument + 1]) : undefined;
  const { generateDevSigningKey } = await import('../infra/local/dev-keys');
  const { startLocalStack } = await import('../infra/local/local-stack');
  const { Driver, tokensFor } = await import('./transactions');
  const { key } = await generateDevSigningKey();
  progress('starting the local stack');
  const stack = await startLocalStack({ ports: { api: 0, stepFunctions: 0, dynamodb: 0 }, signingKey: key, timeScale: 0.001, maxWaitSeconds: 0.05, log: () => undefined });
  const tokens = await tokensFor(key);
  const driver = new Driver({ apiUrl: stack.apiUrl, dynamodbEndpoint: stack.dynamodbEndpoint, tableName: stack.tableName, tokens });
  try {
    progress(`(7) webhook delivery latency (${quick ? 'quick' : 'full'} run)`);
    const result = await measureDeliveryLatency(driver, tokens, { quick, ...(clients ? { clients } : {}) });
    console.log(JSON.stringify(result, null, 2));
    const command = `npx tsx bench/delivery.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
    console.log(`\n${[...deliveryMarkdown(result, `## Webhook delivery latency, commit to receipt (\`${command}\`)`), '', `- ${deliveryNote}`].join('\n')}\n`);
  } finally {
    driver.close();
    await stack.stop();
  }
  process.exit(0);
}
