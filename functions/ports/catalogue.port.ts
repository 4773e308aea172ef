import type { DocumentTemplate } from '../domain/document';
import type { TransactionType } from '../domain/transaction-type';

/** The published transaction types. */
export interface Catalogue {
  all(): readonly TransactionType[];
  find(key: string): TransactionType | undefined;
  /** The type a case was submitted as; a case whose type is not published is a deployment error. */
  ofCase(subject: { readonly id: string; readonly type: { readonly key: string } }): TransactionType;
  /** The templates of the document a type issues; undefined when the type issues none. */
  documentOf(key: string): DocumentTemplate | undefined;
}
