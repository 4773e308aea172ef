import type * as z from './zod';

/** A violation of the rules of the domain; adapters map each kind to a protocol status. */
export type DomainErrorKind = 'validation' | 'not-found' | 'forbidden' | 'conflict' | 'unprocessable';

export interface FieldError {
  /** Dotted path of the offending field in the request, e.g. `applicant.insz`. */
  readonly path: string;
  readonly message: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validationError = (message: string, errors: readonly FieldError[] = []) =>
  new DomainError('validation', message, errors);
export const notFound = (what: string) => new DomainError('not-found', `${what} does not exist`);
export const forbidden = (message: string) => new DomainError('forbidden', message);
export const conflict = (message: string) => new DomainError('conflict', message);
export const unprocessable = (message: string) => new DomainError('unprocessable', message);

/** A failure worth retrying (throttling, a lost optimistic-lock race); workflows retry it by this name. */
export class TransientError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** Zod's issues as field errors, each with the dotted path of the offending field under `prefix`. */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): FieldError[] {
  const pathOf = (path: readonly PropertyKey[]) => [...prefix, ...path].map(String).join('.') || '(body)';
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}
