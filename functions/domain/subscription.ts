import { randomBytes } from 'node:crypto';
import type { CaseEvent } from './case-event';

/**
 * A tenant's webhook subscription: where its case events go, and which of them. Its secret is
 * kept apart (it signs every delivery): returned once when the subscription is created, never
 * again, and never part of this object, so that no view or log line can carry it.
 */
export interface Subscription {
  /** A ULID. */
  readonly id: string;
  readonly tenant: string;
  /** Where deliveries are POSTed. */
  readonly url: string;
  /** The event types it receives (`be.loket.case.status-changed.v1`, ...); empty: all of them. */
  readonly eventTypes: readonly string[];
  /** The transaction types whose events it receives (type keys); empty: all of them. */
  readonly transactionTypes: readonly string[];
  readonly description?: string;
  readonly createdAt: string;
  /** The operator who created it (the token's subject). */
  readonly createdBy: string;
}

/** The most subscriptions a tenant may hold: each is one more receiver every event of the tenant fans out to. */
export const maxSubscriptionsPerTenant = 25;

/** Whether an event is one a subscription asked for. */
export function subscriptionMatches(subscription: Pick<Subscription, 'eventTypes' | 'transactionTypes' | 'tenant'>, event: CaseEvent): boolean {
  return (
    event.tenant === subscription.tenant &&
    (subscription.eventTypes.length === 0 || subscription.eventTypes.includes(event.type)) &&
    (subscription.transactionTypes.length === 0 || subscription.transactionTypes.includes(event.data.transactionType.key))
  );
}

/** Standard Webhooks' secret form: `whsec_` and the base64 of the key. */
export const secretPattern = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

/** A new signing secret: 32 random bytes (HMAC-SHA256's block is 64; Standard Webhooks asks for 24 to 64). */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Whether a given secret is one Loket signs with: the `whsec_` form, 24 to 64 bytes of key. */
export function isUsableSecret(secret: string): boolean {
  if (!secretPattern.test(secret)) return false;
  const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64');
  // The pattern's 32 characters at least are 24 bytes at least: only the upper bound needs checking here.
  return bytes.length <= 64 && bytes.toString('base64') === secret.slice('whsec_'.length);
}

/**
 * Which callback URLs a deployment accepts. `public-https` (AWS): https only, and every address
 * the host resolves to must be public (checked again at each delivery). `local-network` (the
 * local host, a configuration flag): http too, and loopback and private addresses, so that a
 * developer's receiver on localhost can be called.
 */
export type CallbackPolicy = 'public-https' | 'local-network';

/** Why a callback URL is refused under a policy, or undefined when its form is acceptable (its addresses are checked apart). */
export function callbackUrlProblem(url: string, policy: CallbackPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL';
  }
  const schemes = policy === 'public-https' ? ['https:'] : ['https:', 'http:'];
  if (!schemes.includes(parsed.protocol)) return policy === 'public-https' ? 'must be an https URL' : 'must be an http or https URL';
  if (parsed.username !== '' || parsed.password !== '') return 'must not carry a user name or password';
  if (parsed.hash !== '') return 'must not have a fragment';
  return undefined;
}
