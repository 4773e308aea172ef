import { deliveryStore, subscriptionStore } from '../adapters/dynamodb/webhook.tables';
import { httpWebhookSender } from '../adapters/webhook.sender';
import { callbackPolicyOf, environmentNames, requireEnv, timeScaleOf } from '../commons/config';
import { powertoolsDeliveryTelemetry, systemClock } from '../commons/telemetry';
import { scaledSchedule } from '../domain/webhook-delivery';
import { deliverWebhooks } from '../use-cases/deliver-webhooks';
import { caseOverviewFeed } from './case-overview.wiring';

/** The delivery machinery both its triggers share: the stream (new deliveries) and the schedule (due retries). */
export const deliveries = deliverWebhooks(
  {
    deliveries: deliveryStore,
    subscriptions: subscriptionStore,
    sender: httpWebhookSender({ policy: callbackPolicyOf(requireEnv(environmentNames.callbackPolicy)) }),
    caseOverview: caseOverviewFeed,
    clock: systemClock,
    random: Math.random,
    telemetry: powertoolsDeliveryTelemetry,
  },
  { schedule: scaledSchedule(timeScaleOf(process.env[environmentNames.webhookTimeScale])) },
);

/** Until when an invocation may start attempts: its remaining time, less a margin to write the last result. */
export function deadlineOf(remainingMs: number): Date {
  return new Date(Date.now() + remainingMs - 2_000);
}
