import { caseRepository } from '../adapters/case.repository';
import { callerOf, httpHandler, json, requireRole } from '../commons/http';
import { verifyChain } from '../domain/audit';
import { permissions } from '../domain/permissions';
import { requireOwnCase } from './own-case';

/** A case's audit trail, with whether its hash chain verifies. */
export const handler = httpHandler(async (event) => {
  const caller = callerOf(event);
  requireRole(caller, permissions.readCase);
  const found = await requireOwnCase(caller, event.pathParameters?.id);
  const events = await caseRepository.history(found.id);
  return json(200, { caseId: found.id, number: found.number, verified: verifyChain(events), items: events });
});
