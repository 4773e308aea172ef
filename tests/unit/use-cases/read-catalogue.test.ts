import { describe, expect, test } from '@jest/globals';
import { catalogue } from '../../../functions/catalogue/catalogue';
import { getTransactionType, listTransactionTypes, listTransactionTypeVersions } from '../../../functions/use-cases/read-catalogue';
import { typeFolderNames } from '../../../workflows/type-loader';
import { callerOf } from '../../support/in-memory-ports';

describe('reading the catalogue', () => {
  test.each([['portal'], ['clerk'], ['designer'], ['operator']])('lists every published type to a %s', (role) => {
    const types = listTransactionTypes({ catalogue })({ caller: callerOf('44021', [role]) });
    expect(types.map((type) => type.key)).toEqual(typeFolderNames());
  });

  test('is forbidden to a caller with only a task role', () => {
    expect(() => listTransactionTypes({ catalogue })({ caller: callerOf('44021', ['police']) })).toThrow(expect.objectContaining({ kind: 'forbidden' }));
    expect(() => getTransactionType({ catalogue })({ caller: callerOf('44021', ['dpo']), key: 'proof-of-residence' })).toThrow(
      expect.objectContaining({ kind: 'forbidden' }),
    );
  });

  test('answers one type by key', () => {
    expect(getTransactionType({ catalogue })({ caller: callerOf('44021', ['portal']), key: 'terrace-permit' })).toBe(catalogue.find('terrace-permit'));
  });

  test('an unknown key is not-found', () => {
    expect(() => getTransactionType({ catalogue })({ caller: callerOf('44021', ['portal']), key: 'dog-licence' })).toThrow(
      expect.objectContaining({ kind: 'not-found', message: "transaction type 'dog-licence' does not exist" }),
    );
  });

  test('lists the versions a type keeps, oldest first, the current one last; not to a caller without the catalogue role', () => {
    const versions = listTransactionTypeVersions({ catalogue })({ caller: callerOf('44021', ['designer']), key: 'proof-of-residence' });
    expect(versions).toEqual(catalogue.versionsOf('proof-of-residence'));
    expect(versions.at(-1)).toBe(catalogue.find('proof-of-residence'));
    expect(() => listTransactionTypeVersions({ catalogue })({ caller: callerOf('44021', ['dpo']), key: 'proof-of-residence' })).toThrow(
      expect.objectContaining({ kind: 'forbidden' }),
    );
    expect(() => listTransactionTypeVersions({ catalogue })({ caller: callerOf('44021', ['portal']), key: 'dog-licence' })).toThrow(
      expect.objectContaining({ kind: 'not-found', message: "transaction type 'dog-licence' does not exist" }),
    );
  });

  test('a type the catalogue knows without a published version is not-found too, not an empty list', () => {
    const withoutVersions = { ...catalogue, versionsOf: () => [] };
    expect(() => listTransactionTypeVersions({ catalogue: withoutVersions })({ caller: callerOf('44021', ['portal']), key: 'proof-of-residence' })).toThrow(
      expect.objectContaining({ kind: 'not-found', message: "transaction type 'proof-of-residence' does not exist" }),
    );
  });
});
