import { inszCheckDigits } from '../../functions/domain/identifiers';

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
