import type { Caller } from './actor';
import { forbidden } from './errors';
import * as permittedRoles from './permitted-roles';

/**
 * Which roles may do what. `portal`, `clerk`, `designer` and `operator` are API roles;
 * any other role a token carries (e.g. `police`, `college`) is a task role that a
 * transaction type declares, which also lets its holder work tasks.
 */
export const permissions = permittedRoles satisfies Record<string, readonly string[]>;

/** The roles of the API itself. */
export const apiRoles = ['portal', 'clerk', 'designer', 'operator', 'dpo'] as const;

/**
 * The declared roles among the names a token carries, each once: the API roles (the clerk's
 * included) and the task roles of the published transaction types (`typeRoles`, their `roles` from the
 * catalogue), so that a type folder brings its roles with it. Any other name is no role of
 * Loket's and grants nothing: a role is one exact name, never part of a longer string.
 */
export function declaredRoles(names: readonly string[], typeRoles: readonly string[]): string[] {
  const declared = new Set<string>([...apiRoles, ...typeRoles]);
  return [...new Set(names.filter((name) => declared.has(name)))];
}

const apiOnlyRoles = new Set(['portal', 'designer', 'operator', 'dpo']);

/** The roles among `roles` that can hold tasks. */
export function taskRoles(roles: readonly string[]): string[] {
  return roles.filter((role) => !apiOnlyRoles.has(role));
}

/** Refuses a caller who holds none of the roles an action needs. */
export function requireRole(caller: Caller, allowed: readonly string[]): void {
  if (!caller.roles.some((role) => allowed.includes(role))) {
    throw forbidden(`this action needs one of the roles: ${allowed.join(', ')}`);
  }
}
