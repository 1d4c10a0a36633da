import { once } from 'node:events';
import { connect } from 'node:net';
import t from 'tap';
import { startRedis } from '../src/redis-server.js';
import { startProxy } from '../src/tcp-proxy.js';
import { waitFor } from '../src/wait.js';

t.test('the proxy forwards both ways and can be retargeted', async (t) => {
  const first = await startRedis(t);
  const second = await startRedis(t);
  await second.call('SET', 'which', 'second');
  const proxy = await startProxy(t, first);
  const client = first.client({ port: proxy.port });
  t.teardown(() => client.disconnect());
  t.equal(await client.ping(), 'PONG');
  t.equal(proxy.connections, 1);

  proxy.retarget(second);
  const other = first.client({ port: proxy.port });
  t.teardown(() => other.disconnect());
  t.equal(await other.get('which'), 'second');
  t.equal(await client.get('which'), null, 'existing connections keep their server');
});

t.test('latency delays every round trip, both ways, in order', async (t) => {
  const server = await startRedis(t);
  const proxy = await startProxy(t, server);
  const client = server.client({ port: proxy.port });
  t.teardown(() => client.disconnect());
  await client.ping();
  proxy.setLatency(100);
  const started = Date.now();
  const replies = await Promise.all([
    client.set('a', '1'),
    client.get('a'),
    client.incr('n'),
    client.incr('n'),
  ]);
  t.ok(Date.now() - started >= 190, 'one round trip costs twice the latency');
  t.same(replies, ['OK', '1', 1, 2]);
  proxy.setLatency(0);
  t.equal(await client.get('a'), '1');
});

t.test('blackhole: connections stay open but nothing answers, until restore', async (t) => {
  const server = await startRedis(t);
  const proxy = await startProxy(t, server);
  const client = server.client({ port: proxy.port, commandTimeout: 200 });
  t.teardown(() => client.disconnect());
  await client.ping();

  proxy.blackhole();
  await t.rejects(client.ping(), /timed out/);
  const socket = connect(proxy.port, proxy.host);
  t.teardown(() => socket.destroy());
  await once(socket, 'connect');
  socket.write('PING\r\n');
  let answered = false;
  socket.on('data', () => {
    answered = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.equal(answered, false, 'a new connection is accepted and never answered');
  t.equal(proxy.connections, 2);

  proxy.restore();
  await waitFor('the held PING to be answered', () => answered);
  t.equal(await client.set('k', 'v'), 'OK');
});

t.test('resetAll drops every connection; cut refuses new ones until restore', async (t) => {
  const server = await startRedis(t);
  const proxy = await startProxy(t, server);
  const client = server.client({ port: proxy.port });
  t.teardown(() => client.disconnect());
  await client.ping();
  const closed = new Promise((resolve) => client.once('close', resolve));
  proxy.resetAll();
  await closed;
  t.equal(proxy.connections, 0);

  proxy.cut();
  const socket = connect(proxy.port, proxy.host);
  socket.on('error', () => {});
  await new Promise((resolve) => socket.on('close', resolve));
  t.equal(proxy.connections, 0);

  proxy.restore();
  const again = server.client({ port: proxy.port });
  t.teardown(() => again.disconnect());
  t.equal(await again.ping(), 'PONG');
});

t.test('an unreachable target drops the client connection; close is idempotent', async (t) => {
  const server = await startRedis(t);
  const proxy = await startProxy(t, server);
  await server.kill();
  const socket = connect(proxy.port, proxy.host);
  socket.on('error', () => {});
  await new Promise((resolve) => socket.on('close', resolve));
  t.equal(proxy.connections, 0);
  await proxy.close();
  await proxy.close();
});
