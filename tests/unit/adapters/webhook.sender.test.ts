import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { dnsCallbackTargets, httpWebhookSender, isPublicAddress, signatureHeaders } from '../../../functions/adapters/webhook.sender';
import { generateSecret } from '../../../functions/domain/subscription';

describe('signing', () => {
  const secret = generateSecret();
  const body = JSON.stringify({ specversion: '1.0', id: '01JEVENT0000000000000000AA', type: 'be.loket.case.status-changed.v1' });
  const now = new Date();

  test("a delivery's headers verify with the standardwebhooks package's Webhook.verify and the subscription's secret", () => {
    const headers = signatureHeaders(secret, '01JEVENT0000000000000000AA', now, body);
    expect(headers['webhook-id']).toBe('01JEVENT0000000000000000AA');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  test('another secret, another id or a changed body does not verify', () => {
    const headers = signatureHeaders(secret, '01JEVENT0000000000000000AA', now, body);
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': '01JEVENT0000000000000000AB' })).toThrow(WebhookVerificationError);
    expect(() => new Webhook(secret).verify(body.replace('status-changed', 'closed'), headers)).toThrow(WebhookVerificationError);
  });
});

describe('the address guard', () => {
  test.each([
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '127.0.0.1',
    '0.0.0.0',
    '169.254.169.254',
    '100.64.0.1',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
    '::ffff:8.8.8.8',
    '64:ff9b::a00:1',
    '2002:a00:1::1',
    'not an address',
  ])('refuses %s', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  test.each(['8.8.8.8', '1.1.1.1', '193.191.245.1', '2001:4860:4860::8888', '2a02:1810::1'])('allows the public address %s', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe('sending', () => {
  let server: Server;
  let port: number;
  const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const secret = generateSecret();
  const body = JSON.stringify({ id: '01JEVENT0000000000000000AA' });
  const request = (url: string) => ({ url, secret, webhookId: '01JEVENT0000000000000000AA', timestamp: new Date(), body });

  beforeAll(async () => {
    server = createServer((incoming, response) => {
      let text = '';
      incoming.on('data', (chunk) => (text += chunk));
      incoming.on('end', () => {
        received.push({ url: incoming.url ?? '', headers: incoming.headers, body: text });
        if (incoming.url === '/redirect') {
          response.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
        } else if (incoming.url === '/hang') {
          // never answers
        } else if (incoming.url === '/long') {
          response.writeHead(500).end('x'.repeat(10_000));
        } else {
          response.writeHead(200).end('thanks');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('on the local host (local-network) a receiver on localhost gets the body with a signature that verifies', async () => {
    const answer = await httpWebhookSender({ policy: 'local-network' }).send(request(`http://localhost:${port}/ok`));
    expect(answer).toMatchObject({ statusCode: 200, bodyExcerpt: 'thanks' });
    const got = received.find((entry) => entry.url === '/ok')!;
    expect(got.body).toBe(body);
    expect(got.headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(new Webhook(secret).verify(got.body, got.headers as Record<string, string>)).toEqual(JSON.parse(body));
  });

  test('under public-https a loopback target is refused before anything is sent: as an IP literal, by a name that resolves to it (checked at delivery), and over http', async () => {
    const before = received.length;
    const sender = httpWebhookSender({ policy: 'public-https' });
    expect(await sender.send(request(`https://127.0.0.1:${port}/ok`))).toMatchObject({ error: 'target-refused' });
    expect(await sender.send(request(`https://localhost:${port}/ok`))).toMatchObject({ error: 'target-refused' });
    expect(await sender.send(request(`https://[::ffff:127.0.0.1]:${port}/ok`))).toMatchObject({ error: 'target-refused' });
    expect(await sender.send(request(`http://169.254.169.254/latest/meta-data/`))).toMatchObject({ error: 'target-refused' });
    expect(received.length).toBe(before);
  });

  test('a redirect is not followed: it counts as a failed attempt', async () => {
    const answer = await httpWebhookSender({ policy: 'local-network' }).send(request(`http://127.0.0.1:${port}/redirect`));
    expect(answer).toMatchObject({ statusCode: 302, error: 'redirect-not-followed' });
    expect(received.some((entry) => entry.url === '/elsewhere')).toBe(false);
  });

  test('a receiver that hangs is given up after the timeout', async () => {
    const answer = await httpWebhookSender({ policy: 'local-network', timeoutMs: 200 }).send(request(`http://127.0.0.1:${port}/hang`));
    expect(answer).toMatchObject({ error: 'timeout' });
    expect(answer.statusCode).toBeUndefined();
  });

  test("only an excerpt of the receiver's answer is kept", async () => {
    const answer = await httpWebhookSender({ policy: 'local-network' }).send(request(`http://127.0.0.1:${port}/long`));
    expect(answer.statusCode).toBe(500);
    expect(answer.bodyExcerpt).toBe('x'.repeat(256));
  });

  test('a closed port is a failed attempt with the network error, not an exception', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await httpWebhookSender({ policy: 'local-network' }).send(request(`http://127.0.0.1:${closedPort}/`))).toMatchObject({ error: 'ECONNREFUSED' });
  });
});

describe('checking a callback URL at creation', () => {
  test('under public-https a private or loopback host is refused, by literal or by name', async () => {
    const targets = dnsCallbackTargets('public-https');
    expect(await targets.refusal('https://10.1.2.3/hook')).toMatch(/non-public address/);
    expect(await targets.refusal('https://localhost/hook')).toMatch(/non-public address/);
    expect(await targets.refusal('https://[fd00::1]/hook')).toMatch(/non-public address/);
    expect(await targets.refusal('https://8.8.8.8/hook')).toBeUndefined();
  });

  test('on the local host (local-network) nothing is refused for its address', async () => {
    expect(await dnsCallbackTargets('local-network').refusal('http://localhost:8080/hook')).toBeUndefined();
  });
});
