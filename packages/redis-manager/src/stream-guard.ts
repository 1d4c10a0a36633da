import type { EventEmitter } from 'node:events';
import { noop } from './background.js';

const guarded = new WeakSet<EventEmitter>();

/**
 * Gives the current socket of an ioredis connection an `error` listener of its own. ioredis
 * listens to its socket's errors with `once`: a TLS socket that fails twice (the server's
 * certificate rejected, then the server's alert arriving on the destroyed socket) would
 * otherwise throw the second error and take the process down. Called on each error the
 * connection reports; once per socket.
 */
export function guardStream(connection: { stream?: EventEmitter | undefined }): void {
  const { stream } = connection;
  if (stream === undefined || guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', noop);
}
