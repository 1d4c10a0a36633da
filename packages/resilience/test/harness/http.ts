import { request } from 'node:http';
import { connect } from 'node:net';

/** A response as the hostile-input scenarios look at it. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One GET over a new connection, with `path` sent as it is (no URL normalisation, unlike
 * `fetch`): long, percent-encoded and odd paths reach the server exactly as written.
 */
export function get(
  url: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(5_000, () => req.destroy(new Error(`no answer to GET ${path.slice(0, 80)}`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Writes `head` (a request line and headers, as bytes: raw UTF-8 in the path, say) on a new
 * connection and resolves with the status code of the answer, or 0 when the server closed
 * the connection without one.
 */
export function rawStatus(url: string, head: Buffer): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer to a raw request')));
    socket.on('connect', () => socket.end(head));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0)));
  });
}
