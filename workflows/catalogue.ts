import { catalogue } from '../functions/catalogue/catalogue';
import type { TransactionType } from '../functions/domain/transaction-type';

/** @deprecated Shim while callers move to `catalogue` from functions/catalogue/catalogue.ts. */
export const transactionTypes: readonly TransactionType[] = catalogue.all();

/** @deprecated Use `catalogue.find`. */
export function findTransactionType(key: string): TransactionType | undefined {
  return catalogue.find(key);
}

/** @deprecated Use `catalogue.ofCase`. */
export function typeOfCase(subject: { readonly id: string; readonly type: { readonly key: string } }): TransactionType {
  return catalogue.ofCase(subject);
}
