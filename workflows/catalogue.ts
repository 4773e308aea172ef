import changeOfAddress from './change-of-address/type.json' with { type: 'json' };
import eventPermit from './event-permit/type.json' with { type: 'json' };
import proofOfResidence from './proof-of-residence/type.json' with { type: 'json' };
import residentParkingPermit from './resident-parking-permit/type.json' with { type: 'json' };
import terracePermit from './terrace-permit/type.json' with { type: 'json' };
import { transactionTypeSchema } from '../functions/domain/transaction-type';
import type { TransactionType } from '../functions/domain/transaction-type';

/**
 * Every published transaction type, bundled into the functions that need them and
 * validated at module load, so that a malformed type.json fails the cold start loudly.
 */
export const transactionTypes: readonly TransactionType[] = [changeOfAddress, eventPermit, proofOfResidence, residentParkingPermit, terracePermit].map((raw) => transactionTypeSchema.parse(raw));

export function findTransactionType(key: string): TransactionType | undefined {
  return transactionTypes.find((type) => type.key === key);
}

/** The type a case was submitted as; a case whose type is no longer published is a deployment error. */
export function typeOfCase(subject: { readonly id: string; readonly type: { readonly key: string } }): TransactionType {
  const type = findTransactionType(subject.type.key);
  if (!type) throw new Error(`case ${subject.id} has unknown type '${subject.type.key}'`);
  return type;
}
