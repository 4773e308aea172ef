import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { SignJWT } from 'jose';
import { scopes as allScopes } from '../../functions/api/scopes';
import { devAudience, devIssuer } from '../../infra/local/dev-keys';
import type { TestStack } from '../support/test-stack';
import { startTestStack } from '../support/test-stack';

/*
 * The whole local stack with real JWTs: roles are exact names from a JSON array, each route
 * wants its scope, and every server the stack starts (DynamoDB Local's JVM, the Step Functions
 * endpoint, the S3-compatible store, the HTTP API, the fault proxies) listens on 127.0.0.1 only.
 */

let stack: TestStack;
const everyScope = Object.keys(allScopes);

beforeAll(async () => {
  // With the fault proxies too, so that their listeners are checked as well.
  stack = await startTestStack({ dynamodbThrottleRate: 0, stepFunctionsFaults: true });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** A token of the stack's issuer whose roles claim is exactly `roles`, with every scope. */
function tokenWithRolesClaim(roles: unknown, claims: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ tenant: '44021', roles, scope: everyScope.join(' '), ...claims })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: stack.signingKey.jwks.keys[0]?.kid ?? '' })
    .setSubject('someone@44021')
    .setIssuer(devIssuer)
    .setAudience(devAudience)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(stack.signingKey.privateKey);
}

describe('roles', () => {
  test('a role named "portal clerk" is neither a portal nor a clerk', async () => {
    const token = await tokenWithRolesClaim(['portal clerk']);
    for (const [method, path] of [['GET', '/v1/tasks'], ['GET', '/v1/transaction-types'], ['GET', '/v1/cases']] as const) {
      const response = await stack.call(method, path, { token });
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({ path, status: 403, type: 'application/problem+json' });
    }
  });

  test('roles as one string, spaced or comma-separated, are refused, not split', async () => {
    for (const claim of ['portal clerk', 'portal,clerk', 'clerk']) {
      expect((await stack.call('GET', '/v1/tasks', { token: await tokenWithRolesClaim(claim) })).status).toBe(403);
    }
  });

  test('a JSON array of declared roles is served, an unknown role beside them ignored', async () => {
    const token = await tokenWithRolesClaim(['superuser', 'clerk']);
    expect((await stack.call('GET', '/v1/tasks', { token })).status).toBe(200);
    expect((await stack.call('GET', '/v1/operations/cases?attention=true', { token })).status).toBe(403);
  });
});

describe('scopes', () => {
  test('an OpenID Connect ID token (no scope) is refused by every authenticated route', async () => {
    const idToken = await tokenWithRolesClaim(['portal'], { scope: undefined, token_use: 'id' });
    expect((await stack.call('GET', '/v1/transaction-types', { token: idToken })).status).toBe(403);
    expect((await stack.call('POST', '/v1/cases', { token: idToken, body: {} })).status).toBe(403);
  });

  test('a portal token that may read cases cannot submit one', async () => {
    const reader = await stack.token({ tenant: '44021', roles: ['portal'], scopes: ['loket/cases.read', 'loket/catalogue.read'] });
    expect((await stack.call('GET', '/v1/cases', { token: reader })).status).toBe(200);
    const submitted = await stack.call('POST', '/v1/cases', {
      token: reader,
      body: { type: 'proof-of-residence', applicant: { insz: '85073003328' }, data: { purpose: 'scopes' } },
    });
    expect(submitted.status).toBe(403);
  });
});

/** Decodes a /proc/net/tcp{,6} address: 32-bit words in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => (word.match(/../g) ?? []).reverse().map((byte) => parseInt(byte, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const isV4Mapped = bytes.slice(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isV4Mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = (hex.length === 32 ? bytes : []).reduce<string[]>((all, byte, i) => (i % 2 ? [...all.slice(0, -1), `${all.at(-1)}${byte.toString(16).padStart(2, '0')}`] : [...all, byte.toString(16).padStart(2, '0')]), []);
  return groups.map((group) => group.replace(/^0+(?=.)/, '')).join(':');
}

/** This process and every process below it (DynamoDB Local runs in a child JVM). */
function processTree(): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = [process.pid];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}

/** Every TCP socket this process tree listens on, with the address it is bound to. */
function listeningSockets(): { address: string; port: number }[] {
  const inodes = new Set<string>();
  for (const pid of processTree()) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode) inodes.add(inode);
      } catch {
        // closed meanwhile
      }
    }
  }
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A' && inodes.has(fields[9] ?? ''))
      .map((fields) => {
        const [address, port] = (fields[1] ?? ':').split(':');
        return { address: decodeAddress(address ?? ''), port: parseInt(port ?? '0', 16) };
      }),
  );
}

const isLoopback = (address: string) => /^(127\.|::ffff:127\.)/.test(address) || address === '::1';

describe('local servers', () => {
  const endpoints = () => [stack.apiUrl, stack.stepFunctionsEndpoint, stack.dynamodbEndpoint, stack.s3Endpoint].map((url) => new URL(url));

  (existsSync('/proc/net/tcp') ? test : test.skip)('every socket the stack listens on is bound to the loopback address', () => {
    const sockets = listeningSockets();
    const ports = new Set(sockets.map((socket) => socket.port));
    for (const endpoint of endpoints()) expect(ports).toContain(Number(endpoint.port));
    // The API, Step Functions, DynamoDB Local, S3 and the two fault proxies at least.
    expect(ports.size).toBeGreaterThanOrEqual(6);
    expect(sockets.filter((socket) => !isLoopback(socket.address))).toEqual([]);
  });

  test('no server answers on another address of this machine', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && !address.internal && address.family === 'IPv4')?.address;
    if (!external) return;
    for (const endpoint of endpoints()) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: external, port: Number(endpoint.port) });
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        socket.setTimeout(2000, () => {
          socket.destroy();
          resolve('timeout');
        });
      });
      expect({ endpoint: endpoint.href, outcome }).toEqual({ endpoint: endpoint.href, outcome: 'ECONNREFUSED' });
    }
  });
});
