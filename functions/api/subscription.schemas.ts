import * as z from 'zod';
import { maxSubscriptionsPerTenant, secretPattern } from '../domain/subscription';
import { maxExcerptLength } from '../domain/webhook-delivery';

/*
 * The schemas of the subscription routes: the handlers validate with them and the OpenAPI
 * document is generated from them. Each is marked `@__PURE__`, so that a function's bundle
 * leaves out those its route does not use (see api.schemas.ts).
 */

const ulid = /* @__PURE__ */ z.string().max(26).regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a ULID');
export const subscriptionIdParameter = /* @__PURE__ */ ulid.describe('The subscription’s id, a ULID');
const timestamp = /* @__PURE__ */ z.iso.datetime({ offset: true }).max(35);
const eventType = /* @__PURE__ */ z
  .string()
  .max(100)
  .regex(/^be\.loket\.case\.[a-z][a-z-]{0,60}\.v[1-9][0-9]{0,2}$/, 'must be an event type such as be.loket.case.status-changed.v1');
const typeKey = /* @__PURE__ */ z.string().max(100).regex(/^[a-z][a-z0-9-]{0,99}$/, 'must be a transaction type key');

export const createSubscriptionRequest = /* @__PURE__ */ z
  .object({
    url: z.string().min(1).max(2000).describe('Where deliveries are POSTed: https (on the local host http to localhost too)'),
    eventTypes: z.array(eventType).max(50).default([]).describe('The event types to receive; empty or absent: all'),
    transactionTypes: z.array(typeKey).max(100).default([]).describe('The transaction types whose events to receive; empty or absent: all'),
    secret: z
      .string()
      .max(100)
      .regex(secretPattern, 'must be whsec_ and the base64 of 24 to 64 random bytes')
      .optional()
      .describe('The Standard Webhooks signing secret; absent: one is generated. It is answered once, at creation, never again'),
    description: z.string().max(200).regex(/^[^\x00-\x1f\x7f]*$/, 'must be one line of text').optional(),
  })
  .strict();

export const subscriptionViewSchema = /* @__PURE__ */ z.object({
  id: ulid,
  url: z.string().max(2000),
  eventTypes: z.array(z.string().max(100)).max(50),
  transactionTypes: z.array(z.string().max(100)).max(100),
  description: z.string().max(200).optional(),
  createdAt: timestamp,
  createdBy: z.string().max(256),
});

export const createdSubscriptionSchema = /* @__PURE__ */ subscriptionViewSchema.extend({
  secret: z.string().max(100).describe('The signing secret (Standard Webhooks, `whsec_`): keep it now, it is never shown again'),
});

export const subscriptionListSchema = /* @__PURE__ */ z.object({ items: z.array(subscriptionViewSchema).max(maxSubscriptionsPerTenant) });

export const deliveriesQuery = /* @__PURE__ */ z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

const attemptSchema = /* @__PURE__ */ z.object({
  at: timestamp,
  durationMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  outcome: z.enum(['accepted', 'failed']),
  statusCode: z.number().int().min(0).max(999).optional().describe('What the receiver answered'),
  error: z.string().max(100).optional().describe('Why there is no answer or why it does not count: timeout, redirect-not-followed, target-refused, a network error code'),
  bodyExcerpt: z.string().max(maxExcerptLength).optional().describe(`The start of the receiver's answer (at most ${maxExcerptLength} characters)`),
});

export const deliveryViewSchema = /* @__PURE__ */ z.object({
  id: ulid,
  webhookId: z.string().max(100).describe('The `webhook-id` header: the event id, the same for every attempt and replay'),
  eventType: z.string().max(100),
  caseId: ulid,
  sequence: z.string().max(30).describe("The event's CloudEvents `sequence`: a case's events reach a receiver in this order"),
  run: z.string().max(26).describe('`original`, or the id of the replay that made it'),
  status: z.enum(['pending', 'delivered', 'dead-lettered', 'cancelled']),
  createdAt: timestamp,
  nextAttemptAt: timestamp.optional().describe('When a pending delivery is tried next'),
  attempts: z.array(attemptSchema).max(100),
});

export const deliveryPageSchema = /* @__PURE__ */ z.object({
  items: z.array(deliveryViewSchema).max(100),
  nextCursor: z.string().max(1000).optional().describe('Present when there are more deliveries: pass it as `cursor` for the next page'),
});

export const replayRequest = /* @__PURE__ */ z
  .object({
    from: timestamp.describe('Deliver again every event from this time on (the event log keeps 30 days)'),
  })
  .strict();

export const replaySchema = /* @__PURE__ */ z.object({
  replayId: ulid,
  from: timestamp,
  deliveries: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe('How many deliveries the replay recorded'),
  continueFrom: timestamp.optional().describe('Present when the replay stopped at its limit: replay again from here for the rest'),
});
