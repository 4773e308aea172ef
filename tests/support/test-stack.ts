import { generateDevSigningKey, signDevToken } from '../../infra/local/dev-keys';
import type { DevSigningKey, DevTokenClaims } from '../../infra/local/dev-keys';
import type { LocalStack, LocalStackOptions } from '../../infra/local/local-stack';
import { startLocalStack } from '../../infra/local/local-stack';
import { testScopes } from './identities';

export interface TestStack extends LocalStack {
  readonly signingKey: DevSigningKey;
  /** A token of the stack's signing key; it carries every scope unless `claims.scopes` says otherwise. */
  token(claims: DevTokenClaims): Promise<string>;
  /** Calls the HTTP API as a client would; JSON in, JSON out. */
  call(method: string, path: string, options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<ApiResponse>;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/** Starts a private local stack (DynamoDB Local in memory, free ports) for one test file. */
export async function startTestStack(options: Partial<Omit<LocalStackOptions, 'signingKey'>> = {}): Promise<TestStack> {
  const { key: signingKey } = await generateDevSigningKey();
  const stack = await startLocalStack({ ports: { api: 0, stepFunctions: 0, dynamodb: 0, s3: 0 }, signingKey, ...options });
  return {
    ...stack,
    stop: stack.stop,
    signingKey,
    token: (claims) => signDevToken(signingKey, { scopes: testScopes, ...claims }),
    async call(method, path, { token, body, rawBody, headers = {} } = {}) {
      const response = await fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined || rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // leave non-JSON bodies as text
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
  };
}

/** Polls until `probe` returns a value that satisfies `done`, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await probe();
  }
  return last;
}
