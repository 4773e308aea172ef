import type * as z from '../domain/zod';
import type { FunctionAccess } from '../function-access';
import type { Scope } from './scopes';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A request header a route reads. */
export type HeaderName = 'Idempotency-Key' | 'X-Audit-Reason' | 'Accept-Language' | 'X-Purpose';

/**
 * A body whose variants the published types declare: a submission per type (by `type`), a
 * message per declared name (by `name`), a completion per declared task.
 */
export type CatalogueBody = 'submission' | 'message' | 'completion';

export type Tag = 'Catalogue' | 'Cases' | 'Tasks' | 'Events' | 'Operations' | 'Data protection' | 'Subscriptions';

/**
 * Who may call a route: nobody needs a token, a token with one of these roles, or a token with
 * any task role. A route that needs a token also names the OAuth scopes it accepts: the token
 * must carry at least one of them (API Gateway's rule for `authorizationScopes`).
 */
export type RouteAccess =
  | { readonly public: true }
  | { readonly roles: readonly string[]; readonly scopes: readonly Scope[] }
  | { readonly taskRoles: true; readonly scopes: readonly Scope[] };

/**
 * How many requests a second the route accepts from all callers together, and the burst
 * above that rate (API Gateway's token bucket); beyond them the gateway answers 429.
 */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/**
 * The throttles of routes that declare none. The unauthenticated routes get the lowest: anyone
 * can call them, and their functions' concurrency is reserved (and so capped) as well.
 */
export const defaultThrottles = {
  public: { rateLimit: 10, burstLimit: 20 },
  read: { rateLimit: 100, burstLimit: 200 },
  write: { rateLimit: 50, burstLimit: 100 },
} as const satisfies Record<string, RouteThrottle>;

/** The throttle of a route: its own, or the default for a public route, a read (GET) or a write. */
export function throttleOf(contract: Pick<RouteContract, 'throttle' | 'access' | 'method'>): RouteThrottle {
  if (contract.throttle) return contract.throttle;
  if ('public' in contract.access) return defaultThrottles.public;
  return contract.method === 'GET' ? defaultThrottles.read : defaultThrottles.write;
}

export type SuccessResponse<S extends z.ZodMiniType = z.ZodMiniType> =
  | { readonly status: 200 | 201 | 202; readonly description: string; readonly schema: S }
  | { readonly status: 200; readonly description: string; readonly file: { readonly mediaType: string } };

/**
 * One route's whole contract: method and path, who may call it, what it takes and gives,
 * the statuses it answers and what its function may touch. The app declaration, both hosts
 * and the OpenAPI generator read it; the route's handler is typed by it.
 */
export interface RouteContract extends FunctionAccess {
  /** kebab-case: the function's name, and the operation id. */
  readonly name: string;
  /** The handler module, relative to the project root; it exports `handler`. */
  readonly entry: string;
  /** One line: the operation's summary and the function's description. */
  readonly summary: string;
  readonly method: HttpMethod;
  /** API Gateway HTTP API path, with `{name}` path parameters. */
  readonly path: string;
  readonly access: RouteAccess;
  /** @default throttleOf: by whether the route is public, reads or writes */
  readonly throttle?: RouteThrottle;
  /**
   * The schema of each `{name}` in the path. A value it refuses cannot name anything: the
   * route answers 404 before it reads anything.
   */
  readonly pathParameters?: Readonly<Record<string, z.ZodMiniString>>;
  readonly tag: Tag;
  readonly body?: {
    /** The component the OpenAPI document names it by. */
    readonly component: string;
    readonly schema: z.ZodMiniType;
    /** Named examples, or `transaction-type-examples`: one per published type, from the catalogue. */
    readonly examples: Readonly<Record<string, { summary: string; value: unknown }>> | 'transaction-type-examples';
    /**
     * The body's variants are declared by the published types (their type.json), and the
     * document describes each of them instead of `schema`'s generic shape: `schema` checks the
     * shape, the use case the type's own schema.
     * @default the document describes `schema`
     */
    readonly catalogue?: CatalogueBody;
  };
  readonly query?: z.ZodMiniObject;
  /** The request headers the route reads; a value that does not match its schema (api.schemas.ts) is a 400. */
  readonly headers?: readonly HeaderName[];
  readonly success: SuccessResponse;
  /** Error statuses beyond those every route of its kind can give (400 with input, 401/403 with a token, 404 with path ids, 413/415 with a body). */
  readonly errors?: readonly (409 | 422)[];
}

/** A schema's type with every array and object read-only, so that domain objects fit it as they are. */
export type Immutable<T> = T extends readonly (infer U)[] ? readonly Immutable<U>[] : T extends object ? { readonly [K in keyof T]: Immutable<T[K]> } : T;

/** What a response schema describes, read-only: what a view must produce. */
export type View<S extends z.ZodMiniType> = Immutable<z.input<S>>;

/** The JSON body a route's success answers with, as its schema describes it. */
export type ResponseBody<C> = C extends { readonly success: { readonly schema: infer S extends z.ZodMiniType } } ? View<S> : never;

/**
 * A route's contract as declared, unchanged. Each route is declared through it with the call
 * marked `@__PURE__` (`route({ ... } satisfies RouteContract)`, which keeps the check for a
 * misspelt field), so that a function's bundle leaves out the routes it does not serve, and
 * with them every schema only they use.
 */
export const route = <T extends RouteContract>(contract: T): T => contract;
