import { scopes } from '../../functions/api/scopes';
import { inszCheckDigits } from '../../functions/domain/identifiers';

/**
 * The scopes a test identity's token carries unless a test chooses: all of them, as for a
 * client registered for the whole API, so that what a test proves about roles is the
 * function's own check and not the gateway's scope check (tests of scopes pass their own).
 */
export const testScopes: readonly string[] = Object.keys(scopes);

let sequence = 100;

/**
 * A fresh valid INSZ of someone born in 1990 whom the fixture register does not know, so
 * that a test can find exactly its own cases by applicant.
 */
export function freshInsz(): string {
  sequence += 1;
  const firstNine = `900101${String(sequence % 998 + 1).padStart(3, '0')}`;
  return `${firstNine}${inszCheckDigits(firstNine, false)}`;
}
