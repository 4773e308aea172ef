import type { FieldError } from '../domain/errors';

/**
 * What a request body may be at most. `parseBody` checks them before the body is parsed or
 * anything else reads it, and the OpenAPI document states them (`x-request-limits`).
 */
export const requestLimits = {
  /** Bytes of a JSON body, UTF-8 encoded. */
  bodyBytes: 64 * 1024,
  /**
   * Levels of arrays and objects, the body itself being level 1. No request needs more, and
   * a body's values are stored a few levels down in an item, which DynamoDB nests 32 deep at most.
   */
  bodyDepth: 16,
  /** The largest magnitude of a number: beyond it JavaScript loses integer precision and DynamoDB's marshalling refuses it. */
  largestNumber: Number.MAX_SAFE_INTEGER,
  /** The smallest magnitude of a number other than zero: no amount, count or measure needs less, and DynamoDB keeps none below 1e-130. */
  smallestNumber: 1e-9,
} as const;

/** What a token's claims may be: its subject and tenant are written into cases and audit events, where the contract bounds them. */
export const callerLimits = {
  subjectLength: 256,
  /** A NIS code or another short code of a government. */
  tenantPattern: /^[A-Za-z0-9-]{1,64}$/,
} as const;

/** Whether the arrays and objects of a JSON text nest deeper than `limit`; scanned without parsing, so any depth is safe to ask about. */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/** Whether a number is one a request may carry: zero, or a magnitude between the smallest and the largest. */
export function isAcceptedNumber(value: number): boolean {
  const magnitude = Math.abs(value);
  return value === 0 || (magnitude >= requestLimits.smallestNumber && magnitude <= requestLimits.largestNumber);
}

/** The numbers of a parsed body that are out of bounds, by dotted path. The body must already be within the depth limit. */
export function outOfBoundsNumbers(value: unknown, path: readonly string[] = []): FieldError[] {
  if (typeof value === 'number') {
    return isAcceptedNumber(value)
      ? []
      : [{ path: path.join('.') || '(body)', message: `must be 0 or a number of magnitude between ${requestLimits.smallestNumber} and ${requestLimits.largestNumber}` }];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => outOfBoundsNumbers(item, [...path, String(index)]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => outOfBoundsNumbers(item, [...path, key]));
  }
  return [];
}
