import { request as forward } from 'node:http';
import type { Agent, IncomingMessage, ServerResponse } from 'node:http';

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
