import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1, handed out by the OS from its ephemeral range (so never
 * 6379 or another well-known port). Bound and released at once: a caller that loses the
 * race retries (see `launch`).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
