import { describe, expect, test } from '@jest/globals';
import { DomainError } from '../../../functions/domain/errors';
import { declaredRoles, requireRole, taskRoles } from '../../../functions/domain/permissions';

const caller = (roles: readonly string[]) => ({ kind: 'user', subject: 'someone@gent', tenant: '44021', roles }) as const;

describe('the roles a token carries', () => {
  test('are the API roles and the published types’ task roles among its names, each once and in its order', () => {
    expect(declaredRoles(['police', 'operator', 'clerk', 'portal', 'designer', 'dpo', 'clerk'], ['police'])).toEqual(['police', 'operator', 'clerk', 'portal', 'designer', 'dpo']);
  });

  test('grant nothing for a name no type declares, nor for part of a longer name', () => {
    expect(declaredRoles(['police', 'admin', 'clerks', 'operator-x'], [])).toEqual([]);
    expect(declaredRoles([], ['police'])).toEqual([]);
  });
});

describe('the roles that can hold tasks', () => {
  test('are the clerk and the task roles, never the portal, the designer, the operator or the dpo', () => {
    expect(taskRoles(['portal', 'clerk', 'designer', 'operator', 'dpo', 'police'])).toEqual(['clerk', 'police']);
  });
});

describe('an action that needs a role', () => {
  test('lets a caller holding any one of its roles through', () => {
    expect(() => requireRole(caller(['portal', 'clerk']), ['clerk', 'operator'])).not.toThrow();
  });

  test('refuses a caller with none of them (403), naming the roles it needs', () => {
    for (const roles of [['portal'], []]) {
      let refused: unknown;
      try {
        requireRole(caller(roles), ['clerk', 'operator']);
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(DomainError);
      expect(refused).toMatchObject({ kind: 'forbidden', message: 'this action needs one of the roles: clerk, operator' });
    }
  });
});
