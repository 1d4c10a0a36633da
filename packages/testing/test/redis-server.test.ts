import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import t from 'tap';
import { createScope } from '../src/owner.js';
import { launch, startRedis } from '../src/redis-server.js';

t.test('standalone server answers, on a free port that is never 6379', async (t) => {
  const server = await startRedis(t);
  t.not(server.port, 6379);
  t.equal(server.url, `redis://127.0.0.1:${server.port}`);
  t.same(server.connection, { host: '127.0.0.1', port: server.port });
  t.equal(await server.call('SET', 'k', 'v'), 'OK');
  t.equal(await server.call('GET', 'k'), 'v');
  t.match(server.log, /Ready to accept connections/);
  t.ok(existsSync(server.dir));
});

t.test('requirepass: the password is needed and given by the helpers', async (t) => {
  const server = await startRedis(t, { password: 'p@ss "w" rd' });
  t.equal(server.url, `redis://:${encodeURIComponent('p@ss "w" rd')}@127.0.0.1:${server.port}`);
  t.equal(await server.call('PING'), 'PONG');
  const anonymous = server.client({ password: undefined as unknown as string });
  t.teardown(() => anonymous.disconnect());
  await t.rejects(anonymous.ping(), /NOAUTH/);
});

t.test('ACL users log in with their own password and rules', async (t) => {
  const server = await startRedis(t, {
    password: 'admin',
    users: [
      { name: 'app', password: 'app-secret' },
      { name: 'reader', password: 'read-secret', rules: '~* +get +ping' },
    ],
  });
  const app = server.client({ username: 'app', password: 'app-secret' });
  const reader = server.client({ username: 'reader', password: 'read-secret' });
  const wrong = server.client({ username: 'app', password: 'nope', lazyConnect: true });
  t.teardown(() => {
    for (const c of [app, reader, wrong]) c.disconnect();
  });
  t.equal(await app.set('k', '1'), 'OK');
  t.equal(await reader.get('k'), '1');
  await t.rejects(reader.set('k', '2'), /NOPERM/);
  const failed = once(wrong, 'error');
  await t.rejects(wrong.connect());
  t.match((await failed)[0], { message: /WRONGPASS/ });
});

t.test('kill, restart on the same port (empty), stop', async (t) => {
  const server = await startRedis(t);
  await server.call('SET', 'k', 'v');
  const pid = server.pid;
  await server.kill();
  t.equal(server.running, false);
  t.equal(server.pid, undefined);
  await t.rejects(server.call('PING'), /ECONNREFUSED|Connection is closed/);
  await server.kill(); // no-op when not running
  await server.restart();
  t.not(server.pid, pid);
  t.equal(await server.call('GET', 'k'), null, 'a restarted server starts empty');
  await server.stop();
  t.equal(server.running, false);
  await server.stop(); // no-op when not running
});

t.test('pause hangs the server, resume brings its answers back', async (t) => {
  const server = await startRedis(t);
  const client = server.client({ commandTimeout: 200 });
  t.teardown(() => client.disconnect());
  await client.ping();
  server.pause();
  t.equal(server.running, true, 'a paused server still runs');
  const started = Date.now();
  await t.rejects(client.ping(), /timed out/);
  t.ok(Date.now() - started < 1_000);
  server.resume();
  t.equal(await server.call('PING'), 'PONG');
});

t.test('close kills a paused server and removes its dir; twice is fine', async (t) => {
  const scope = createScope();
  const server = await startRedis(scope);
  server.pause();
  await scope.close();
  t.equal(server.running, false);
  t.notOk(existsSync(server.dir));
  await server.close();
});

t.test('a server that cannot start rejects with its log, and leaves nothing behind', async (t) => {
  const scope = createScope();
  t.teardown(() => scope.close());
  const error = await launch(scope, {
    config: (port, dir) => [`port ${port}`, `dir ${dir}`, 'no-such-directive yes'],
    options: {},
  }).catch((e: unknown) => e);
  t.match(error, {
    code: 'E_SERVER_START',
    message: /exited .* before it was ready[\s\S]*no-such-directive/,
  });
});

t.test('a server that is not ready in time is killed', async (t) => {
  const scope = createScope();
  t.teardown(() => scope.close());
  // A replica of a master that never answers still says "Ready"; a tiny deadline beats it.
  await t.rejects(startRedis(scope, { startTimeoutMs: 1 }), {
    code: 'E_SERVER_START',
    message: /not ready after 1 ms/,
  });
});

t.test('a port taken between choosing and binding is retried on another port', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => blocker.close(resolve)));
  const busy = (blocker.address() as { port: number }).port;
  let attempts = 0;
  const server = await launch(t, {
    config: (port, dir) => [
      `port ${++attempts === 1 ? busy : port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      'logfile ""',
    ],
    options: {},
  });
  t.equal(attempts, 2);
  t.equal(await server.call('PING'), 'PONG');
});

t.test('a port that stays taken fails after three attempts', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => blocker.close(resolve)));
  const busy = (blocker.address() as { port: number }).port;
  let attempts = 0;
  await t.rejects(
    launch(t, {
      config: (_port, dir) => {
        attempts++;
        return [`port ${busy}`, 'bind 127.0.0.1', `dir ${dir}`, 'logfile ""'];
      },
      options: {},
    }),
    { code: 'E_SERVER_START', message: /Address already in use/ },
  );
  t.equal(attempts, 3);
});
