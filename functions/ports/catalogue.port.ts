import type { CaseDocument } from '../domain/case';
import type { DocumentInput } from '../domain/document';
import type { TransactionType } from '../domain/transaction-type';

/** Writes the text of a type's document (certificate, permit) in Dutch and English. */
export type DocumentBuilder = (input: DocumentInput) => CaseDocument;

/** The published transaction types. */
export interface Catalogue {
  all(): readonly TransactionType[];
  find(key: string): TransactionType | undefined;
  /** The type a case was submitted as; a case whose type is not published is a deployment error. */
  ofCase(subject: { readonly id: string; readonly type: { readonly key: string } }): TransactionType;
  /** The type's document builder; undefined when the type issues no document. */
  documentBuilder(key: string): DocumentBuilder | undefined;
}
