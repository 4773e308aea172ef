import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Webhook } from 'standardwebhooks';
import type { CallbackPolicy } from '../domain/subscription';
import { excerptOf, maxExcerptLength } from '../domain/webhook-delivery';
import type { CallbackTargets, WebhookAnswer, WebhookRequest, WebhookSender } from '../ports/webhooks.port';

/**
 * Whether an address is one a deployment on AWS may call: ipaddr.js's `unicast` range only,
 * which leaves out private (10/8, 172.16/12, 192.168/16), loopback, link-local (169.254/16,
 * the instance metadata service included; fe80::/10), unique-local (fc00::/7), carrier-grade
 * NAT, multicast, reserved and documentation ranges, and every IPv6 form that embeds an IPv4
 * address (IPv4-mapped, NAT64, 6to4, Teredo), which could name a private one.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.parse(address).range() === 'unicast';
}

/** The host of a URL as the resolver and the address check take it (an IPv6 literal without its brackets). */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

/** Why the addresses of a host are refused under a policy, or undefined. */
function addressRefusal(addresses: readonly string[], policy: CallbackPolicy): string | undefined {
  if (policy === 'local-network') return undefined;
  if (addresses.length === 0) return 'its host resolves to no address';
  const refused = addresses.find((address) => !isPublicAddress(address));
  return refused === undefined ? undefined : 'its host resolves to a private, loopback, link-local or otherwise non-public address';
}

class TargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefused';
  }
}

/** The signature headers Standard Webhooks defines, with the standardwebhooks package's HMAC-SHA256. */
export function signatureHeaders(secret: string, webhookId: string, timestamp: Date, body: string): Record<string, string> {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(webhookId, timestamp, body),
  };
}

export interface HttpWebhookSenderOptions {
  readonly policy: CallbackPolicy;
  /** How long an attempt may take in all (connecting, sending, the answer's start). @default 5000 */
  readonly timeoutMs?: number;
}

/**
 * Sends a delivery over HTTP(S). Under `public-https` the host is resolved at each attempt and
 * every address it resolves to is checked (a DNS name that turned private since the
 * subscription was created is refused: DNS rebinding); the connection goes to the address that
 * was checked, because the check is the connection's own lookup. An IP literal is checked as
 * it is. Redirects are never followed (a 3xx counts as a failed attempt). The answer's body is
 * read up to an excerpt and the rest dropped.
 */
export function httpWebhookSender(options: HttpWebhookSenderOptions): WebhookSender {
  const timeoutMs = options.timeoutMs ?? 5_000;

  const checkedLookup = (hostname: string, lookupOptions: { all?: boolean }, callback: (...args: any[]) => void) => {
    dnsLookup(hostname, { all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      const refusal = addressRefusal(
        addresses.map((entry) => entry.address),
        options.policy,
      );
      if (refusal) return callback(new TargetRefused(refusal));
      if (lookupOptions.all) return callback(null, addresses);
      const [first] = addresses;
      return callback(null, first?.address, first?.family);
    });
  };

  return {
    async send(delivery: WebhookRequest): Promise<WebhookAnswer> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const url = new URL(delivery.url);
      const host = hostOf(url);
      if (isIP(host) !== 0) {
        const refusal = addressRefusal([host], options.policy);
        if (refusal) return { error: 'target-refused', durationMs: elapsed() };
      }
      if (options.policy === 'public-https' && url.protocol !== 'https:') return { error: 'target-refused', durationMs: elapsed() };
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      return new Promise<WebhookAnswer>((resolve) => {
        const request = send(
          url,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/cloudevents+json; charset=utf-8',
              'user-agent': 'Loket-Webhooks/1',
              ...signatureHeaders(delivery.secret, delivery.webhookId, delivery.timestamp, delivery.body),
            },
            lookup: checkedLookup as never,
            signal: AbortSignal.timeout(timeoutMs),
          },
          (response: IncomingMessage) => {
            const statusCode = response.statusCode ?? 0;
            let excerpt = '';
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              excerpt += chunk;
              // Enough of the answer: the rest is not read.
              if (excerpt.length >= maxExcerptLength) response.destroy();
            });
            const done = () =>
              resolve({
                statusCode,
                ...(statusCode >= 300 && statusCode < 400 ? { error: 'redirect-not-followed' } : {}),
                bodyExcerpt: excerptOf(excerpt),
                durationMs: elapsed(),
              });
            response.on('end', done);
            response.on('close', done);
            response.on('error', done);
          },
        );
        request.on('error', (error: NodeJS.ErrnoException) => {
          const reason = error instanceof TargetRefused ? 'target-refused' : error.name === 'AbortError' || error.name === 'TimeoutError' ? 'timeout' : (error.code ?? error.name);
          resolve({ error: reason, durationMs: elapsed() });
        });
        request.end(delivery.body);
      });
    },
  };
}

/** Checks a callback URL's host when a subscription is created, as a delivery would (its addresses are checked again at every delivery). */
export function dnsCallbackTargets(policy: CallbackPolicy): CallbackTargets {
  return {
    async refusal(url) {
      if (policy === 'local-network') return undefined;
      const host = hostOf(new URL(url));
      if (isIP(host) !== 0) return addressRefusal([host], policy);
      try {
        const addresses = await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))));
        return addressRefusal(
          addresses.map((entry) => entry.address),
          policy,
        );
      } catch {
        return 'its host does not resolve';
      }
    },
  };
}
