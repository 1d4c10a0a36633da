import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { startRedis } from '../src/redis-server.js';
import { foreignCa, tlsFiles } from '../src/tls.js';

t.test('certificates are made once per process and signed by one CA', async (t) => {
  const first = await tlsFiles();
  t.equal(await tlsFiles(), first);
  t.match(first.ca, /BEGIN CERTIFICATE/);
  t.match(first.clientKey, /PRIVATE KEY/);
  t.equal(await readFile(first.caFile, 'utf8'), first.ca);
});

t.test('TLS without client certificates: the CA is enough, plain TCP is refused', async (t) => {
  const server = await startRedis(t, { tls: true });
  t.match(server.url, /^rediss:\/\/127\.0\.0\.1:\d+$/);
  t.same(Object.keys(server.connection.tls ?? {}).sort(), ['ca', 'servername']);
  t.equal(await server.call('PING'), 'PONG');

  const untrusted = server.client({ tls: {}, lazyConnect: true });
  const failed = once(untrusted, 'error');
  await t.rejects(untrusted.connect());
  t.match((await failed)[0], { message: /self[- ]signed|unable to verify/i });

  const ca = await foreignCa();
  t.match(ca, /BEGIN CERTIFICATE/);
  const foreign = server.client({ tls: { ca, servername: 'localhost' }, lazyConnect: true });
  const refused = once(foreign, 'error');
  await t.rejects(foreign.connect(), 'a client trusting only a foreign CA refuses the server');
  t.match((await refused)[0], { message: /self[- ]signed|unable to verify|certificate/i });
});

t.test('TLS with client certificates: a client without one is turned away', async (t) => {
  const server = await startRedis(t, { tls: { clientAuth: true }, password: 'tls-pass' });
  t.equal(server.clientAuth, true);
  t.ok(server.connection.tls?.cert && server.connection.tls.key);
  t.equal(await server.call('PING'), 'PONG');

  const tls = server.connection.tls;
  const anonymous = server.client({
    tls: { ca: tls?.ca ?? '', servername: 'localhost' },
    lazyConnect: true,
  });
  await t.rejects(anonymous.connect());
});
