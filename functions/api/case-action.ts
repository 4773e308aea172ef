import type { z } from 'zod';
import type { Caller } from '../commons/http';
import { callerOf, httpHandler, json, languageOf, parseBody, requireRole } from '../commons/http';
import type { Case } from '../domain/case';
import { requireOwnCase } from './own-case';
import { caseView } from './views';
import { findTransactionType } from '../../workflows/catalogue';

/**
 * The handler of an action on one of the caller's tenant's cases (withdraw, suspend,
 * resume, extend, deliver a message): check the role, validate the body, find the case
 * (another tenant's answers 404), act, and answer with the case as it now is.
 */
export function caseActionHandler<S extends z.ZodType>(action: {
  readonly roles: readonly string[];
  readonly body: S;
  readonly act: (subject: Case, caller: Caller, body: z.infer<S>) => Promise<Case>;
  /** @default 200 */
  readonly status?: number;
}) {
  return httpHandler(async (event) => {
    const caller = callerOf(event);
    requireRole(caller, action.roles);
    const body = parseBody(event, action.body);
    const subject = await requireOwnCase(caller, event.pathParameters?.id);
    const saved = await action.act(subject, caller, body);
    return json(action.status ?? 200, caseView(saved, findTransactionType(saved.type.key), languageOf(event)));
  });
}
