import type { DocumentTemplate } from '../domain/document';
import type { TransactionType } from '../domain/transaction-type';

/** A type's version as a case records it. */
export interface TypeVersion {
  readonly key: string;
  readonly version: number;
}

/**
 * The published transaction types. Each type keeps every version it published: new cases take
 * the current (highest) one, and a case is shown and handled with the version it records.
 */
export interface Catalogue {
  /** The current version of every type. */
  all(): readonly TransactionType[];
  /** The current version of a type: the one a new case is submitted as. */
  find(key: string): TransactionType | undefined;
  /** Every kept version of a type, oldest first; undefined for a type not published. */
  versionsOf(key: string): readonly TransactionType[] | undefined;
  /** One kept version of a type; undefined when it is not kept. */
  versionOf(type: TypeVersion): TransactionType | undefined;
  /** The version a case records; a case whose version is not kept is a deployment error. */
  ofCase(subject: { readonly id: string; readonly type: TypeVersion }): TransactionType;
  /** The templates of the document a type's version issues; undefined when it issues none. */
  documentOf(type: TypeVersion): DocumentTemplate | undefined;
}
