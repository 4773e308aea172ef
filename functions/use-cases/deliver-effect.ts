import { systemActor } from '../domain/actor';
import { isClosed } from '../domain/case';
import type { Effect, OutboxItem } from '../domain/effect';
import { caseMigratedError } from '../domain/migration';
import type { Catalogue } from '../ports/catalogue.port';
import type { CaseStore, Outbox } from '../ports/case-store.port';
import type { EventBus, EventFanOut } from '../ports/event-exchange.port';
import type { Clock, Telemetry } from '../ports/services.port';
import type { WorkflowEngine } from '../ports/workflow-engine.port';
import { StepNoLongerWaits } from '../ports/workflow-engine.port';
import { startCaseWorkflow } from './start-workflow';

export interface DeliverEffectDependencies {
  readonly cases: Pick<CaseStore, 'get' | 'change'>;
  readonly outbox: Pick<Outbox, 'delivered' | 'pendingOf'>;
  readonly workflows: Pick<WorkflowEngine, 'start' | 'currentVersion' | 'stop' | 'resume' | 'redrive'>;
  readonly events: EventBus;
  readonly fanOut: EventFanOut;
  readonly catalogue: Catalogue;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
}

/** How an effect ended: it happened, it was no longer wanted, or the step it was for no longer waits. */
export type Delivery = 'delivered' | 'not-needed' | 'undeliverable';

/**
 * Delivers one outbox item, so that what a committed change asked of its workflow happens;
 * delivering an item twice does no harm:
 * 1. start: the execution is named after the case, so a second start finds the first (a case
 *    closed meanwhile, or gone, needs none); the case records the workflow version it runs on
 *    ({@link startCaseWorkflow}); a case moved to another version first stops the execution
 *    it left (stopping one that ended does nothing);
 * 2. a step's result: when the step no longer waits (it timed out, or its workflow ended), the
 *    result is recorded in the audit trail as undeliverable and the case follows its timeout
 *    path, instead of retrying forever; unless the item has left the outbox meanwhile: then an
 *    earlier delivery of the same item (a batch the stream delivers again, the reconciler and
 *    the stream at once) handed the step its result, and nothing is recorded;
 * 3. stop: an execution that already ended stays as it is; redrive: one that runs again needs none;
 * 4. an event: published on the event bus, then handed to the exchange (subscriptions, the
 *    citizen's case overview); both take the same event id twice without harm, and neither needs
 *    the case (a destroyed case's last event still goes out); a closing notice (`CaseClosed.v1`)
 *    goes to the event bus only, as the workflows' PublishCaseClosed state sends it;
 * 5. the item leaves the outbox. A transient failure leaves it there, for the next delivery.
 */
export function deliverEffect(deps: DeliverEffectDependencies) {
  async function undeliverable(item: OutboxItem & { effect: { kind: 'resume-step' } }, reason: string): Promise<void> {
    const { answers } = item.effect;
    const now = deps.clock.now();
    await deps.cases.change(item.caseId, (current) => ({
      change: {
        case: current,
        audit: {
          action: 'task' in answers ? 'task.result-undeliverable' : 'message.result-undeliverable',
          actor: systemActor('outbox'),
          at: now.toISOString(),
          details: { ...('task' in answers ? { taskId: answers.task } : { name: answers.message }), reason, outboxId: item.id },
        },
      },
      result: () => undefined,
    }));
    deps.telemetry.warn('A result reached a step that no longer waits', { caseId: item.caseId, reason });
  }

  async function perform(item: OutboxItem): Promise<Delivery> {
    const { effect } = item;
    switch (effect.kind) {
      case 'start-workflow': {
        // A moved case's old execution stops even when the case closed meanwhile: nothing else names it any more.
        if (effect.resume) await deps.workflows.stop(effect.resume.replaces, 'The case moved to another version of its workflow', caseMigratedError);
        const subject = await deps.cases.get(effect.caseId);
        if (!subject || isClosed(subject, deps.catalogue.ofCase(subject))) return 'not-needed';
        // Named as the case records it: the case id, or `<case id>-<n>` for a case reopened or moved.
        await startCaseWorkflow(deps, systemActor('outbox'))(subject, effect.resume);
        return 'delivered';
      }
      case 'resume-step':
        try {
          await deps.workflows.resume(effect.token, effect.output);
          return 'delivered';
        } catch (error) {
          if (!(error instanceof StepNoLongerWaits)) throw error;
          const stillPending = (await deps.outbox.pendingOf(item.caseId)).some((pending) => pending.id === item.id);
          if (!stillPending) return 'not-needed';
          await undeliverable({ ...item, effect }, error.reason);
          return 'undeliverable';
        }
      case 'stop-workflow':
        await deps.workflows.stop(effect.executionId, effect.cause);
        return 'delivered';
      case 'redrive-workflow':
        // An execution that runs again already, or succeeded meanwhile, needs no redrive.
        return (await deps.workflows.redrive(effect.executionId)) ? 'delivered' : 'not-needed';
      case 'publish-closing-notice':
        await deps.events.publishClosingNotice(effect.notice);
        return 'delivered';
      case 'publish-event':
        // The bus first: a fan-out that fails comes again with the item, and the bus takes the event id twice.
        await deps.events.publish([effect.event]);
        await deps.fanOut.fanOut(effect.event);
        return 'delivered';
    }
  }

  return async (item: OutboxItem): Promise<Delivery> => {
    const delivery = await perform(item);
    await deps.outbox.delivered(item);
    return delivery;
  };
}

/** An item's effect that publishes a case event. */
type PublishEvent = Extract<Effect, { readonly kind: 'publish-event' }>;

/** What became of a batch: each item delivered, in order, up to the first that failed, if one did. */
export interface BatchDelivery {
  readonly delivered: ReadonlyArray<{ readonly item: OutboxItem; readonly delivery: Delivery }>;
  readonly failed?: { readonly index: number; readonly error: unknown };
}

/**
 * Delivers the items of one batch (what the table's stream hands the dispatcher at once), each as
 * deliverEffect delivers it, in order, but for a run of consecutive publish-event items (the events
 * of one or more changes, written together):
 * - the run's events go to the bus in one publication before any of them is fanned out: one
 *   PutEvents for up to ten events instead of one each;
 * - each case's events are fanned out one after another, so that a receiver's delivery of its
 *   event N is recorded before that of N+1 (a line of deliveries is drained from its first
 *   pending one, and N+1 must not be the first while N is still to come); an item leaves the
 *   outbox while the next event of its case is fanned out, and the run's cases go side by side;
 * - a case whose event could not be fanned out fans out none of its later ones.
 * The first item that failed and every item after it come again: an event of the run that the bus
 * took, or that was fanned out or left the outbox meanwhile, is then delivered once more, as an item
 * delivered twice is. `onDelivered` hears of each item as soon as it left the outbox.
 */
export function deliverBatch(deps: DeliverEffectDependencies) {
  const deliver = deliverEffect(deps);

  /** What became of each item of a run once its event is on the bus: fanned out per case in order, the cases side by side. */
  async function fanOutRun(run: ReadonlyArray<OutboxItem & { effect: PublishEvent }>, onDelivered: (item: OutboxItem, delivery: Delivery) => void): Promise<Array<PromiseSettledResult<Delivery>>> {
    const outcomes: Array<PromiseSettledResult<Delivery>> = [];
    const byCase = new Map<string, number[]>();
    for (const [offset, item] of run.entries()) byCase.set(item.caseId, [...(byCase.get(item.caseId) ?? []), offset]);
    const caseLine = async (offsets: readonly number[]) => {
      const leaving: Array<Promise<void>> = [];
      for (const [position, offset] of offsets.entries()) {
        const item = run[offset]!;
        try {
          await deps.fanOut.fanOut(item.effect.event);
        } catch (reason) {
          // This event and its case's later ones come again, in order: none overtakes it.
          for (const waiting of offsets.slice(position)) outcomes[waiting] = { status: 'rejected', reason };
          break;
        }
        leaving.push(
          deps.outbox.delivered(item).then(
            () => {
              outcomes[offset] = { status: 'fulfilled', value: 'delivered' };
              onDelivered(item, 'delivered');
            },
            (reason: unknown) => {
              outcomes[offset] = { status: 'rejected', reason };
            },
          ),
        );
      }
      await Promise.all(leaving);
    };
    await Promise.all([...byCase.values()].map(caseLine));
    return outcomes;
  }

  return async (items: readonly OutboxItem[], onDelivered: (item: OutboxItem, delivery: Delivery) => void = () => undefined): Promise<BatchDelivery> => {
    const delivered: Array<{ item: OutboxItem; delivery: Delivery }> = [];
    let index = 0;
    while (index < items.length) {
      const rest = items.slice(index);
      const end = rest.findIndex((next) => next.effect.kind !== 'publish-event');
      const run = (end === -1 ? rest : rest.slice(0, end)) as ReadonlyArray<OutboxItem & { effect: PublishEvent }>;
      if (run.length === 0) {
        const item = items[index]!;
        try {
          const delivery = await deliver(item);
          delivered.push({ item, delivery });
          onDelivered(item, delivery);
        } catch (error) {
          return { delivered, failed: { index, error } };
        }
        index += 1;
        continue;
      }
      try {
        await deps.events.publish(run.map(({ effect }) => effect.event));
      } catch (error) {
        return { delivered, failed: { index, error } };
      }
      for (const [offset, outcome] of (await fanOutRun(run, onDelivered)).entries()) {
        if (outcome.status === 'rejected') return { delivered, failed: { index: index + offset, error: outcome.reason } };
        delivered.push({ item: run[offset]!, delivery: outcome.value });
      }
      index += run.length;
    }
    return { delivered };
  };
}
