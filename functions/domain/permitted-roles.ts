/*
 * Which roles may do what, one list per action, as `permissions` (./permissions) gives them. Each
 * list is an export of its own so that the route contracts can name them through this module's
 * namespace, which a bundler resolves without reading a property: a function's bundle then
 * leaves out the routes it does not serve (functions/api/route-contract.ts, `route`).
 */

export const readCatalogue = ['portal', 'clerk', 'designer', 'operator'] as const;
export const submitCase = ['portal'] as const;
export const readCase = ['portal', 'clerk', 'operator'] as const;
export const withdrawCase = ['portal'] as const;
export const sendMessage = ['portal'] as const;
export const suspendCase = ['clerk'] as const;
export const resumeCase = ['clerk'] as const;
export const extendCase = ['clerk'] as const;
export const operateCases = ['operator'] as const;
export const redriveCase = ['operator'] as const;
/** Reopen a case closed `failed` by mistake. */
export const reopenCase = ['operator'] as const;
/** The tenant's webhook subscriptions: create, list, delete, their deliveries and replays. */
export const manageSubscriptions = ['operator'] as const;
/** The data protection officer: who processed a person's data, and everything held about them. */
export const dataSubject = ['dpo'] as const;
/** The events' JSON Schemas: whoever reads the catalogue (they describe ids and codes, no personal data). */
export const readEventSchemas = ['portal', 'clerk', 'designer', 'operator'] as const;
