/**
 * The OAuth 2.0 scopes of the Loket API, as the identity provider's resource server `loket`
 * issues them. A scope says what a client application may do for its user (a municipal
 * portal submits and follows cases, a back office works tasks); the token's roles say what
 * the user may do. Each route names the scopes it accepts in its contract: API Gateway's JWT
 * authorizer checks them on AWS and the local HTTP API checks them locally, so a token
 * without one of them, such as an OpenID Connect ID token (which carries no scope), is a 403
 * before any function runs.
 */
export const scopes = {
  'loket/catalogue.read': 'Read the transaction types the tenant publishes',
  'loket/cases.read': "Read the tenant's cases, their audit trails and documents, and search them",
  'loket/cases.write': 'Submit cases and act on them: withdraw, suspend, resume, extend, send a message',
  'loket/tasks.read': "Read the tenant's task inbox",
  'loket/tasks.write': 'Claim and complete tasks',
  'loket/operations.read': 'List the cases that need an operator',
  'loket/operations.write': "Run a case's failed workflow again",
  'loket/subscriptions.read': "Read the tenant's webhook subscriptions and their deliveries",
  'loket/subscriptions.write': "Create and delete the tenant's webhook subscriptions, and replay their events",
  'loket/data-subject.read': "Read who processed a person's data, and export everything held about them (GDPR access requests)",
} as const satisfies Record<string, string>;

export type Scope = keyof typeof scopes;

/** The scopes of an access token: its `scope` claim (space-separated, RFC 8693) or `scp` claim (an array or a string), as API Gateway reads them. */
export function scopesOfToken(claims: Readonly<Record<string, unknown>>): string[] {
  const split = (value: unknown): string[] =>
    typeof value === 'string' ? value.split(' ').filter((scope) => scope !== '') : Array.isArray(value) ? value.filter((scope): scope is string => typeof scope === 'string') : [];
  return [...new Set([...split(claims.scope), ...split(claims.scp)])];
}
