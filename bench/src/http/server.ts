/**
 * Child-process entry of the HTTP suite: `node server.js <kind> <redis-host> <redis-port>`.
 * Listens on a free port of 127.0.0.1, prints `{"port":N}` (and sends it over IPC when
 * forked), and closes the app on SIGTERM, SIGINT or when its parent goes away.
 */
import type { AddressInfo } from 'node:net';
import { APP_KINDS, type AppKind, buildApp } from './apps.js';

const [kind, host = '127.0.0.1', port = ''] = process.argv.slice(2);
if (!APP_KINDS.includes(kind as AppKind) || !/^\d+$/.test(port)) {
  console.error(`usage: server.js <${APP_KINDS.join('|')}> <redis-host> <redis-port>`);
  process.exit(2);
}

const app = await buildApp(kind as AppKind, { host, port: Number(port) });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address() as AddressInfo;

let closing = false;
const stop = (): void => {
  if (closing) return;
  closing = true;
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);

console.log(JSON.stringify({ port: address.port }));
process.send?.({ port: address.port });
