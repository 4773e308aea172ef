import * as z from '../domain/zod';
import { maxSubscriptionsPerTenant, secretPattern } from '../domain/subscription';
import { maxExcerptLength } from '../domain/webhook-delivery';

/*
 * The schemas of the subscription routes: the handlers validate with them and the OpenAPI
 * document is generated from them. Each is built by `built`, so that a function's bundle
 * leaves out those its route does not use (see api.schemas.ts).
 */
const built = /* @__NO_SIDE_EFFECTS__ */ <T>(make: () => T): T => make();

const ulid = built(() => z.string().check(z.maxLength(26), z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID')));
export const subscriptionIdParameter = built(() => ulid.check(z.describe('The subscription’s id, a ULID')));
const timestamp = built(() => z.iso.datetime({ offset: true }).check(z.maxLength(35)));
const eventType = built(() => z.string().check(z.maxLength(100), z.regex(/^be\.loket\.case\.[a-z][a-z-]{0,60}\.v[1-9][0-9]{0,2}$/, 'must be an event type such as be.loket.case.status-changed.v1')));
const typeKey = built(() => z.string().check(z.maxLength(100), z.regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a transaction type key')));

export const createSubscriptionRequest = built(() => z.strictObject({
  url: z.string().check(z.minLength(1), z.maxLength(2000), z.describe('Where deliveries are POSTed: https (on the local host http to localhost too)')),
  eventTypes: z._default(z.array(eventType).check(z.maxLength(50)), []).check(z.describe('The event types to receive; empty or absent: all')),
  transactionTypes: z._default(z.array(typeKey).check(z.maxLength(100)), []).check(z.describe('The transaction types whose events to receive; empty or absent: all')),
  secret: z.optional(z.string().check(z.maxLength(100), z.regex(secretPattern, 'must be whsec_ and the base64 of 24 to 64 random bytes'))).check(z.describe('The Standard Webhooks signing secret; absent: one is generated. It is answered once, at creation, never again')),
  description: z.optional(z.string().check(z.maxLength(200), z.regex(/^[^\x00-\x1f\x7f]*$/, 'must be one line of text'))),
}));

export const subscriptionViewSchema = built(() => z.object({
  id: ulid,
  url: z.string().check(z.maxLength(2000)),
  eventTypes: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(50)),
  transactionTypes: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(100)),
  description: z.optional(z.string().check(z.maxLength(200))),
  createdAt: timestamp,
  createdBy: z.string().check(z.maxLength(256)),
}));

export const createdSubscriptionSchema = built(() => z.extend(subscriptionViewSchema, {
  secret: z.string().check(z.maxLength(100), z.describe('The signing secret (Standard Webhooks, `whsec_`): keep it now, it is never shown again')),
}));

export const subscriptionListSchema = built(() => z.object({ items: z.array(subscriptionViewSchema).check(z.maxLength(maxSubscriptionsPerTenant)) }));

export const deliveriesQuery = built(() => z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(1000))),
}));

const attemptSchema = built(() => z.object({
  at: timestamp,
  durationMs: z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)),
  outcome: z.enum(['accepted', 'failed']),
  statusCode: z.optional(z.number().check(z.int(), z.gte(0), z.lte(999))).check(z.describe('What the receiver answered')),
  error: z.optional(z.string().check(z.maxLength(100))).check(z.describe('Why there is no answer or why it does not count: timeout, redirect-not-followed, target-refused, a network error code')),
  bodyExcerpt: z.optional(z.string().check(z.maxLength(maxExcerptLength))).check(z.describe(`The start of the receiver's answer (at most ${maxExcerptLength} characters)`)),
}));

export const deliveryViewSchema = built(() => z.object({
  id: ulid,
  webhookId: z.string().check(z.maxLength(100), z.describe('The `webhook-id` header: the event id, the same for every attempt and replay')),
  eventType: z.string().check(z.maxLength(100)),
  caseId: ulid,
  sequence: z.string().check(z.maxLength(30), z.describe("The event's CloudEvents `sequence`: a case's events reach a receiver in this order")),
  run: z.string().check(z.maxLength(26), z.describe('`original`, or the id of the replay that made it')),
  status: z.enum(['pending', 'delivered', 'dead-lettered', 'cancelled']),
  createdAt: timestamp,
  nextAttemptAt: z.optional(timestamp).check(z.describe('When a pending delivery is tried next')),
  attempts: z.array(attemptSchema).check(z.maxLength(100)),
}));

export const deliveryPageSchema = built(() => z.object({
  items: z.array(deliveryViewSchema).check(z.maxLength(100)),
  nextCursor: z.optional(z.string().check(z.maxLength(1000))).check(z.describe('Present when there are more deliveries: pass it as `cursor` for the next page')),
}));

export const replayRequest = built(() => z.strictObject({
  from: timestamp.check(z.describe('Deliver again every event from this time on (the event log keeps 30 days)')),
}));

export const replaySchema = built(() => z.object({
  replayId: ulid,
  from: timestamp,
  deliveries: z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER), z.describe('How many deliveries the replay recorded')),
  continueFrom: z.optional(timestamp).check(z.describe('Present when the replay stopped at its limit: replay again from here for the rest')),
}));
