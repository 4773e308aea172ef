import { ulid } from '../domain/ulid';
import type { Caller } from '../domain/actor';
import { notFound, unprocessable, validationError } from '../domain/errors';
import { permissions, requireRole } from '../domain/permissions';
import type { CallbackPolicy, Subscription } from '../domain/subscription';
import { callbackUrlProblem, generateSecret, isUsableSecret, maxSubscriptionsPerTenant } from '../domain/subscription';
import type { Clock } from '../ports/services.port';
import type { CallbackTargets, SubscriptionStore } from '../ports/webhooks.port';

export interface SubscriptionDependencies {
  readonly subscriptions: SubscriptionStore;
  readonly clock: Clock;
}

export interface CreateSubscriptionDependencies extends SubscriptionDependencies {
  readonly targets: CallbackTargets;
  readonly policy: CallbackPolicy;
  /** The transaction types published for a tenant: a filter naming another can never match. */
  readonly transactionTypes: (tenant: string) => readonly string[];
}

export interface CreateSubscriptionCommand {
  readonly caller: Caller;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly transactionTypes: readonly string[];
  readonly secret?: string;
  readonly description?: string;
}

/** A new subscription with its secret: the only time the secret is handed out. */
export interface CreatedSubscription {
  readonly subscription: Subscription;
  readonly secret: string;
}

/**
 * An operator subscribes a callback to the tenant's case events:
 * 1. the URL must suit the deployment's policy (https only on AWS) and its host must resolve to
 *    addresses the deployment may call (public ones on AWS; checked again at every delivery);
 * 2. each transaction type in the filter must be one the tenant publishes (another could never match);
 * 3. a given secret must be a Standard Webhooks `whsec_` secret; without one, one is generated;
 * 4. the tenant may hold at most `maxSubscriptionsPerTenant` subscriptions;
 * 5. the subscription is stored with its secret, which is answered this once.
 */
export function createSubscription(deps: CreateSubscriptionDependencies) {
  return async (command: CreateSubscriptionCommand): Promise<CreatedSubscription> => {
    requireRole(command.caller, permissions.manageSubscriptions);
    const tenant = command.caller.tenant;
    const errors = [
      ...problemsOf('url', [callbackUrlProblem(command.url, deps.policy)]),
      ...unknownValues('transactionTypes', command.transactionTypes, deps.transactionTypes(tenant), 'is not a transaction type of this tenant'),
      ...(command.secret !== undefined && !isUsableSecret(command.secret)
        ? [{ path: 'secret', message: 'must be a Standard Webhooks secret: whsec_ and the base64 of 24 to 64 random bytes' }]
        : []),
    ];
    if (errors.length > 0) throw validationError('the subscription is not valid', errors);
    const refusal = await deps.targets.refusal(command.url);
    if (refusal) throw unprocessable(`the callback URL cannot be called: ${refusal}`);
    const existing = await deps.subscriptions.ofTenant(tenant);
    if (existing.length >= maxSubscriptionsPerTenant) {
      throw unprocessable(`a tenant holds at most ${maxSubscriptionsPerTenant} subscriptions; delete one first`);
    }
    const subscription: Subscription = {
      id: ulid(),
      tenant,
      url: command.url,
      eventTypes: [...new Set(command.eventTypes)],
      transactionTypes: [...new Set(command.transactionTypes)],
      ...(command.description ? { description: command.description } : {}),
      createdAt: deps.clock.now().toISOString(),
      createdBy: command.caller.subject,
    };
    const secret = command.secret ?? generateSecret();
    await deps.subscriptions.create(subscription, secret);
    return { subscription, secret };
  };
}

function problemsOf(path: string, problems: readonly (string | undefined)[]) {
  return problems.flatMap((message) => (message ? [{ path, message }] : []));
}

function unknownValues(path: string, values: readonly string[], known: readonly string[], message: string) {
  return values.flatMap((value, index) => (known.includes(value) ? [] : [{ path: `${path}.${index}`, message }]));
}

/** The operator's tenant's subscriptions, without their secrets. */
export function listSubscriptions(deps: Pick<SubscriptionDependencies, 'subscriptions'>) {
  return async (caller: Caller): Promise<Subscription[]> => {
    requireRole(caller, permissions.manageSubscriptions);
    return deps.subscriptions.ofTenant(caller.tenant);
  };
}

/** One of the operator's tenant's subscriptions; another tenant's answers as one that does not exist. */
export async function ownSubscription(subscriptions: Pick<SubscriptionStore, 'get'>, caller: Caller, id: string): Promise<Subscription> {
  requireRole(caller, permissions.manageSubscriptions);
  const found = await subscriptions.get(caller.tenant, id);
  if (!found) throw notFound(`subscription ${id}`);
  return found;
}

/**
 * An operator deletes a subscription of the tenant: nothing more is fanned out to it, and its
 * pending deliveries are cancelled when their turn comes.
 */
export function deleteSubscription(deps: Pick<SubscriptionDependencies, 'subscriptions'>) {
  return async (caller: Caller, id: string): Promise<Subscription> => {
    const found = await ownSubscription(deps.subscriptions, caller, id);
    if (!(await deps.subscriptions.delete(caller.tenant, id))) throw notFound(`subscription ${id}`);
    return found;
  };
}
