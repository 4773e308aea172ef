import { createServer } from 'node:net';

/** Local endpoints accept any credentials; these make the SDK's signer content. */
export const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
export const localRegion = 'eu-west-1';
/** The account id local ARNs use: the documented placeholder, no real account. */
export const localAccountId = '000000000000';

/** Whether nothing listens on this TCP port on any interface. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/**
 * A free TCP port for a server that binds some time after it is chosen (DynamoDB Local's
 * JVM takes seconds). It is taken below the kernel's ephemeral range (Linux: 32768–60999),
 * from which every `listen(0)` in this or another process is served: a port the OS handed
 * out in between could otherwise be the same one.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await isFree(port)) return port;
  }
  throw new Error('no free TCP port found between 20000 and 32000');
}
