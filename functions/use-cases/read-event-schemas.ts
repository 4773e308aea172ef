import type { Caller } from '../domain/actor';
import { caseEventType } from '../domain/case-event';
import { caseEventChanges, caseEventDescriptions, caseEventJsonSchema, changeOfEventType } from '../domain/case-event.schemas';
import { notFound } from '../domain/errors';
import { permissions, requireRole } from '../domain/permissions';

export interface EventSchemaSummary {
  readonly type: string;
  readonly description: string;
}

/** The case event types Loket publishes, for every API role. */
export function listEventSchemas() {
  return (command: { caller: Caller }): EventSchemaSummary[] => {
    requireRole(command.caller, permissions.readEventSchemas);
    return caseEventChanges.map((change) => ({ type: caseEventType(change), description: caseEventDescriptions[change] }));
  };
}

/** The JSON Schema of one event type (the whole CloudEvent: envelope and data), generated from its zod source. */
export function getEventSchema() {
  return (command: { caller: Caller; type: string }): Record<string, unknown> => {
    requireRole(command.caller, permissions.readEventSchemas);
    const change = changeOfEventType(command.type);
    if (!change) throw notFound(`event type '${command.type}'`);
    return caseEventJsonSchema(change);
  };
}
