import { systemActor } from '../domain/actor';
import { isClosed } from '../domain/case';
import type { OutboxItem } from '../domain/effect';
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

  /** `published`: the item's event is on the bus already (deliverBatch published its run). */
  async function perform(item: OutboxItem, published: boolean): Promise<Delivery> {
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
        if (!published) await deps.events.publish([effect.event]);
        await deps.fanOut.fanOut(effect.event);
        return 'delivered';
    }
  }

  return async (item: OutboxItem, options: { readonly published?: boolean } = {}): Promise<Delivery> => {
    const delivery = await perform(item, options.published ?? false);
    await deps.outbox.delivered(item);
    return delivery;
  };
}

/** What became of a batch: each item delivered, in order, up to the first that failed, if one did. */
export interface BatchDelivery {
  readonly delivered: ReadonlyArray<{ readonly item: OutboxItem; readonly delivery: Delivery }>;
  readonly failed?: { readonly index: number; readonly error: unknown };
}

/**
 * Delivers the items of one batch in order (what the table's stream hands the dispatcher at
 * once), each as deliverEffect delivers it, except that the events of a run of consecutive
 * publish-event items (a change's events, written together) go to the bus in one publication
 * before the first of them is fanned out: one PutEvents for up to ten events instead of one each.
 * It stops at the first item that fails: that item and those after it come again, and an event of
 * its run that the bus took already goes to the bus once more, as an item delivered twice does.
 * `onDelivered` hears of each item as soon as it left the outbox.
 */
export function deliverBatch(deps: DeliverEffectDependencies) {
  const deliver = deliverEffect(deps);
  return async (items: readonly OutboxItem[], onDelivered: (item: OutboxItem, delivery: Delivery) => void = () => undefined): Promise<BatchDelivery> => {
    const delivered: Array<{ item: OutboxItem; delivery: Delivery }> = [];
    let publishedUpTo = 0;
    for (const [index, item] of items.entries()) {
      try {
        if (item.effect.kind === 'publish-event' && index >= publishedUpTo) {
          const rest = items.slice(index);
          const end = rest.findIndex((next) => next.effect.kind !== 'publish-event');
          const run = end === -1 ? rest : rest.slice(0, end);
          await deps.events.publish(run.flatMap(({ effect }) => (effect.kind === 'publish-event' ? [effect.event] : [])));
          publishedUpTo = index + run.length;
        }
        // An event item's event went to the bus with its run, just above or with an item before it.
        const delivery = await deliver(item, { published: true });
        delivered.push({ item, delivery });
        onDelivered(item, delivery);
      } catch (error) {
        return { delivered, failed: { index, error } };
      }
    }
    return { delivered };
  };
}
