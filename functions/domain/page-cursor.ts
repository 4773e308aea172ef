import { createHash } from 'node:crypto';
import { validationError } from '../domain/errors';

/**
 * Opaque page cursors. A cursor carries only the position after which the next page starts
 * (an index sort key) and is bound to the query it came from, tenant included: the server
 * always builds the key condition from the caller's own token and filters, so a cursor can
 * move within the caller's results but never into another tenant's. A cursor that was
 * edited, or used with other filters or by another tenant, is refused with a 400.
 */
const sortKeyPattern = /^[0-9T:.\-Z]{20,30}#[0-9A-HJKMNP-TV-Z]{26}$/;

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');

export function encodeCursor(scope: unknown, after: string): string {
  const body = Buffer.from(JSON.stringify({ a: after, s: digest(JSON.stringify(scope)).slice(0, 16) })).toString('base64url');
  return `${body}.${digest(body).slice(0, 12)}`;
}

export function decodeCursor(cursor: string, scope: unknown): string {
  const invalid = () => validationError('invalid cursor', [{ path: 'cursor', message: 'is not a cursor this query returned' }]);
  const [body, check, extra] = cursor.split('.');
  if (!body || !check || extra !== undefined || digest(body).slice(0, 12) !== check) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    // Not JSON: `parsed` stays undefined, which the check below refuses.
  }
  const { a, s } = (parsed ?? {}) as { a?: unknown; s?: unknown };
  if (typeof a !== 'string' || !sortKeyPattern.test(a) || s !== digest(JSON.stringify(scope)).slice(0, 16)) throw invalid();
  return a;
}
