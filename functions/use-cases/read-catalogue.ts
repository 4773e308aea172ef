import type { Caller } from '../domain/actor';
import { notFound } from '../domain/errors';
import { permissions, requireRole } from '../domain/permissions';
import type { TransactionType } from '../domain/transaction-type';
import type { Catalogue } from '../ports/catalogue.port';

/** The published transaction types, for every role that may read the catalogue. */
export function listTransactionTypes(deps: { catalogue: Catalogue }) {
  return (command: { caller: Caller }): readonly TransactionType[] => {
    requireRole(command.caller, permissions.readCatalogue);
    return deps.catalogue.all();
  };
}

/** One published type with its input schema, statuses, tasks and messages. */
export function getTransactionType(deps: { catalogue: Catalogue }) {
  return (command: { caller: Caller; key: string }): TransactionType => {
    requireRole(command.caller, permissions.readCatalogue);
    const type = deps.catalogue.find(command.key);
    if (!type) throw notFound(`transaction type '${command.key}'`);
    return type;
  };
}

/** Every published version of a type, oldest first; the last is the one new cases take. */
export function listTransactionTypeVersions(deps: { catalogue: Catalogue }) {
  return (command: { caller: Caller; key: string }): readonly TransactionType[] => {
    requireRole(command.caller, permissions.readCatalogue);
    const versions = deps.catalogue.versionsOf(command.key);
    if (!versions || versions.length === 0) throw notFound(`transaction type '${command.key}'`);
    return versions;
  };
}
