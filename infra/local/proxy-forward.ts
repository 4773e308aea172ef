import { Agent as HttpAgent, createServer, request as forward } from 'node:http';
import type { Agent, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Passes a request on to the service behind a local fault proxy and its answer back; a
 * service that went away shows as a broken connection (502), as a network fault would.
 * `body` is the request's body when the proxy read it already; otherwise it is streamed.
 * `loseAnswer`: the service acts on the request, but its answer never reaches the caller,
 * whose connection breaks instead (a network cut after the effect).
 */
export function forwardRequest(
  target: URL,
  agent: Agent,
  request: IncomingMessage,
  response: ServerResponse,
  body?: Buffer | string,
  options: { readonly loseAnswer?: boolean } = {},
): void {
  const upstream = forward(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: request.method,
      path: request.url,
      headers: { ...request.headers, host: target.host },
      agent,
    },
    (answer) => {
      if (options.loseAnswer) {
        answer.resume();
        answer.on('end', () => response.socket?.destroy());
        return;
      }
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.on('error', (error) => {
    if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
    response.end(String(error.message));
  });
  if (body === undefined) request.pipe(upstream);
  else upstream.end(body);
}

/** Passes the request on to the proxy's target; see {@link forwardRequest}. */
export type PassOn = (request: IncomingMessage, response: ServerResponse, body?: Buffer | string, options?: { readonly loseAnswer?: boolean }) => void;

export interface FaultProxyServer {
  /** Where clients reach the proxy, on the loopback interface. */
  readonly endpoint: string;
  /** Stops listening and breaks the connections still open, both ways. */
  close(): Promise<void>;
}

/**
 * The server under every local fault proxy: it listens on 127.0.0.1 (a free port), keeps
 * clients' connections alive as the services do, hands each request to `handle` with a way to
 * pass it on to `target`, and on close breaks whatever is still connected.
 */
export async function startFaultProxyServer(target: URL, handle: (request: IncomingMessage, response: ServerResponse, passOn: PassOn) => void): Promise<FaultProxyServer> {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  const passOn: PassOn = (request, response, body, options) => forwardRequest(target, agent, request, response, body, options);
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => handle(request, response, passOn));
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      }),
  };
}

/** Answers an error once the request's body is drained, so that the client's connection stays usable for its retry. */
export function answerAfterBody(request: IncomingMessage, response: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  request.resume();
  request.on('end', () => {
    response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
}

/** A fault rate, checked: a share of requests from 0 to 1. */
export function checkedRate(name: string, rate: number): number {
  if (!(rate >= 0 && rate <= 1)) throw new Error(`${name} must be within 0 and 1, not ${rate}`);
  return rate;
}
