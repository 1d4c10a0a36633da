import { setTimeout as sleep } from 'node:timers/promises';
import { startProxy, startRedis, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { createRedisManager, RedisUnavailableError } from '../src/index.js';
import { configFor, connectedManager, managerFor, recordEvents, timed } from './helpers.js';

t.test(
  'kill: calls fail fast while Redis is gone; restart brings the role back within 2 s',
  async (t) => {
    const redis = await startRedis(t);
    // The shipped reconnect policy (full jitter, capped at 2 s), not the tests' faster one.
    const manager = createRedisManager(await configFor(redis.connection, { poolSize: 2 }));
    t.teardown(() => manager.close());
    await manager.connect();
    const events = recordEvents(manager);
    await redis.kill();
    await waitFor('the role to go down', () => manager.state() === 'down');
    const calls = await Promise.all(
      Array.from({ length: 20 }, () => timed(() => manager.client().get('k'))),
    );
    for (const call of calls) {
      t.ok(call.error instanceof RedisUnavailableError, 'E_REDIS_UNAVAILABLE');
      t.ok(call.ms < 50, `failed in ${call.ms.toFixed(1)} ms`);
    }
    t.match(manager.health().main, { status: 'down', breaker: /open/, successRate: Number });
    t.ok((manager.health().main?.successRate ?? 1) < 1);
    t.ok(events.some(([event, payload]) => event === 'breakerOpen' && payload.role === 'main'));

    await redis.restart();
    const restarted = performance.now();
    await waitFor('the role to be up', () => manager.state() === 'up', { timeoutMs: 5_000 });
    const recoveryMs = performance.now() - restarted;
    t.ok(recoveryMs < 2_000, `up again ${recoveryMs.toFixed(0)} ms after the restart`);
    t.equal(await manager.client().set('k', 'v'), 'OK');
    t.equal(
      events.filter(([event, payload]) => event === 'recovered' && payload.role === 'main').length,
      1,
    );
    t.ok((manager.health().main?.reconnects ?? 0) > 0);
    t.match(manager.health().main?.lastError, { message: String, at: String });
  },
);

t.test(
  'pause (a hung Redis): nothing waits past commandTimeoutMs, the breaker opens, then closes',
  async (t) => {
    const redis = await startRedis(t);
    const manager = await connectedManager(
      t,
      await configFor(redis.connection, { commandTimeoutMs: 200 }),
    );
    const events = recordEvents(manager);
    // Successes earlier in the same second do not hold the breaker closed on a hang.
    await Promise.all(Array.from({ length: 2_000 }, (_, i) => manager.client().get(`warm${i}`)));
    redis.pause();
    const pending = [];
    for (let tick = 0; tick < 5; tick++) {
      for (let i = 0; i < 2; i++) {
        const n = tick * 2 + i;
        pending.push(timed(() => manager.client().set(`k${n}`, n)));
      }
      // The next tick's calls make a new auto-pipeline, which ioredis holds back until the
      // one before it is answered: their deadline runs from the call all the same.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const calls = await Promise.all(pending);
    for (const call of calls) {
      t.ok(call.error, 'rejects');
      t.ok(call.ms < 250, `settled in ${call.ms.toFixed(0)} ms (deadline 200 ms)`);
    }
    t.equal(manager.health().main?.breaker, 'open');
    const fast = await timed(() => manager.client().get('k'));
    t.match(fast.error, { code: 'E_REDIS_UNAVAILABLE', message: /circuit breaker is open/ });
    t.ok(fast.ms < 20);
    t.equal(manager.state(), 'down');

    redis.resume();
    await waitFor('the probe to close the breaker', () => manager.state() === 'up', {
      timeoutMs: 3_000,
    });
    t.equal(await manager.client().get('k0'), '0');
    const explicit = manager.client().pipeline().set('late', '1');
    await sleep(250);
    t.same(
      await explicit.exec(),
      [[null, 'OK']],
      "an explicit pipeline's deadline runs from exec()",
    );
    t.ok(events.some(([event]) => event === 'breakerClose'));
    t.ok(events.some(([event]) => event === 'recovered'));
  },
);

t.test(
  'a backlog Redis works through: the tail misses its deadline, the breaker stays closed',
  async (t) => {
    const redis = await startRedis(t);
    const manager = await connectedManager(
      t,
      await configFor(redis.connection, { commandTimeoutMs: 100 }),
    );
    const events = recordEvents(manager);
    // A few calls, written at once; then, a tick later, far more calls in one tick than one
    // connection answers within the deadline. (Queued in the same tick as the tail, the head
    // would share its fate on a machine slow enough to take 100 ms to queue 50,000 calls.)
    const head = Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => manager.client().get(`backlog${i}`)),
    );
    await new Promise((resolve) => setImmediate(resolve));
    const tail = await Promise.allSettled(
      Array.from({ length: 50_000 }, (_, i) => manager.client().get(`backlog${i % 100}`)),
    );
    t.ok(
      (await head).every((r) => r.status === 'fulfilled'),
      'the head was answered',
    );
    const late = tail.filter((r) => r.status === 'rejected');
    t.ok(late.length > 0, `${late.length} of 50,000 waited past their deadline and failed`);
    t.match((late[0] as PromiseRejectedResult).reason, /timed out/);
    t.equal(manager.health().main?.breaker, 'closed', 'Redis answered all along: not its failure');
    t.notOk(events.some(([event]) => event === 'breakerOpen'));
    // Those commands were written all the same: once their replies are read, Redis is quick again.
    await waitFor('the backlog to drain', async () => {
      const { error } = await timed(() => manager.client().set('after', '1'));
      return error === undefined;
    });
  },
);

t.test(
  'latency past the deadline: the breaker opens, and closes once the latency goes',
  async (t) => {
    const redis = await startRedis(t);
    const proxy = await startProxy(t, redis);
    const manager = await connectedManager(
      t,
      await configFor({ ...redis.connection, port: proxy.port }, { commandTimeoutMs: 200 }),
      { breaker: { cooldownMs: 100 } },
    );
    const events = recordEvents(manager);
    let running = true;
    const load = async () => {
      while (running)
        await manager
          .client()
          .incr('n')
          .catch(() => sleep(1));
    };
    const loops = Array.from({ length: 10 }, load);
    // Replies keep coming, each too late: the probes of the half-open breaker time out on a
    // connection that is not silent, and must still re-open it (else it stays half-open).
    proxy.setLatency(200);
    await waitFor('the breaker to open', () => manager.health().main?.breaker === 'open');
    await sleep(1_000);
    proxy.setLatency(0);
    await waitFor('the breaker to close', () => manager.state() === 'up', { timeoutMs: 2_000 });
    running = false;
    await Promise.all(loops);
    t.ok(
      events.filter(([event]) => event === 'breakerOpen').length >= 2,
      'failed probes re-opened it',
    );
    t.equal(await manager.client().set('after', '1'), 'OK');
  },
);

t.test(
  'blackhole at start-up: connect() rejects within connectTimeoutMs with E_REDIS_CONNECT',
  async (t) => {
    const redis = await startRedis(t, { password: 'never-printed' });
    const proxy = await startProxy(t, redis);
    proxy.blackhole();
    const manager = managerFor(
      t,
      await configFor({ ...redis.connection, port: proxy.port }, { connectTimeoutMs: 500 }),
    );
    const { ms, error } = await timed(() => manager.connect());
    t.ok(ms < 600, `rejected after ${ms.toFixed(0)} ms`);
    t.match(error, {
      name: 'RedisConnectError',
      code: 'E_REDIS_CONNECT',
      reason: 'timeout',
      role: 'main, rateLimit, cache',
      endpoint: `redis://127.0.0.1:${proxy.port}/0`,
      message:
        /cannot connect role "main, rateLimit, cache" to redis:\/\/127\.0\.0\.1:\d+\/0: it did not answer in time/,
    });
    t.notMatch(String((error as Error).message), /never-printed/);
    t.equal(manager.state(), 'closed', 'a failed start closes what it opened');
  },
);

t.test('refused at start-up, fallback off: E_REDIS_CONNECT says refused', async (t) => {
  const redis = await startRedis(t);
  await redis.kill();
  const manager = managerFor(t, await configFor(redis.connection, { connectTimeoutMs: 300 }));
  await t.rejects(manager.connect(), {
    code: 'E_REDIS_CONNECT',
    reason: 'refused',
    message: /refused/,
  });
});

t.test('wrong password: a clear authentication error, few attempts, no secret', async (t) => {
  const redis = await startRedis(t, { password: 'right-one' });
  const manager = managerFor(t, await configFor({ ...redis.connection, password: 'wrong-one' }));
  const events = recordEvents(manager);
  const { ms, error } = await timed(() => manager.connect());
  t.match(error, {
    code: 'E_REDIS_CONNECT',
    reason: 'auth',
    message: /role "main, rateLimit, cache".*authentication failed/,
  });
  t.ok(ms < 500, `gave up after ${ms.toFixed(0)} ms, not at the deadline`);
  const attempts = events.filter(
    ([event, payload]) => event === 'reconnecting' && payload.role === 'main',
  );
  t.ok(attempts.length <= 1, `no retry storm (${attempts.length} reconnects)`);
  t.notMatch(
    JSON.stringify([String(error), events.map(([, p]) => String(p.error))]),
    /wrong-one|right-one/,
  );
});

t.test('ACL user and TLS with client certificates', async (t) => {
  const acl = await startRedis(t, {
    users: [{ name: 'app', password: 'app-pass' }],
    config: ['user default off'],
  });
  const aclManager = managerFor(
    t,
    await configFor(acl.connection, { username: 'app', password: 'app-pass' }),
  );
  await aclManager.connect();
  t.equal(await aclManager.client().set('k', 'acl'), 'OK');

  const tls = await startRedis(t, { tls: { clientAuth: true } });
  const files = tls.tls as NonNullable<typeof tls.tls>;
  const tlsManager = managerFor(
    t,
    await configFor(
      { host: 'localhost', port: tls.port },
      { tls: true, tlsCa: files.ca, tlsCert: files.clientCert, tlsKey: files.clientKey },
    ),
  );
  await tlsManager.connect();
  t.equal(await tlsManager.client().set('k', 'tls'), 'OK');
  t.equal(await tlsManager.withConnection('main', (client) => client.get('k')), 'tls');
  t.match(tlsManager.health().main?.endpoint, /^rediss:\/\//);

  const untrusted = managerFor(
    t,
    await configFor({ host: 'localhost', port: tls.port }, { tls: true, connectTimeoutMs: 500 }),
  );
  await t.rejects(untrusted.connect(), { code: 'E_REDIS_CONNECT', reason: 'tls' });
});

t.test('fallback memory: start without Redis, recover by itself when it appears', async (t) => {
  const redis = await startRedis(t);
  await redis.kill();
  const config = await configFor(
    redis.connection,
    { connectTimeoutMs: 3_000 },
    { ENVIRONMENT: 'development' },
  );
  t.equal(config.fallback, 'memory');
  const manager = managerFor(t, config);
  const events = recordEvents(manager);
  const { ms } = await timed(() => manager.connect());
  t.ok(ms < 1_000, `refused: in the fallback after ${ms.toFixed(0)} ms, not the 3 s timeout`);
  t.equal(manager.state(), 'fallback');
  t.match(manager.health().main, {
    status: 'fallback',
    latencyMs: null,
    server: null,
    lastError: { code: 'ECONNREFUSED' },
  });
  t.ok(events.some(([event, payload]) => event === 'fallback' && payload.role === 'cache'));
  await t.rejects(manager.client().get('k'), { code: 'E_REDIS_UNAVAILABLE' });
  await t.rejects(
    manager.withConnection('main', (c) => c.ping()),
    { code: 'E_REDIS_UNAVAILABLE' },
  );

  await redis.restart();
  await waitFor('recovery', () => manager.state() === 'up', { timeoutMs: 3_000 });
  t.equal(
    events.filter(([event, payload]) => event === 'recovered' && payload.role === 'main').length,
    1,
  );
  t.equal(await manager.client().incr('n'), 1);
});

t.test('retryOnTimeout: a timed-out read is retried once, writes are not', async (t) => {
  const redis = await startRedis(t);
  const manager = await connectedManager(
    t,
    await configFor(redis.connection, { commandTimeoutMs: 150, retryOnTimeout: true }),
    {
      breaker: { failureThreshold: 100 },
    },
  );
  await manager.client().hset('h', { a: '1', b: '2' });
  redis.pause();
  const read = timed(() => manager.client().hgetall('h'));
  const write = timed(() => manager.client().set('w', '1'));
  await sleep(200);
  redis.resume();
  t.same(
    (await read).value,
    { a: '1', b: '2' },
    'the read answers once Redis does, transformed once',
  );
  t.match((await write).error, /timed out/);

  redis.pause();
  const twice = timed(() => manager.client().get('w'));
  await sleep(400);
  redis.resume();
  t.match((await twice).error, /timed out/, 'a read that times out twice fails');
});

t.test('the error event carries redacted errors, and only while someone listens', async (t) => {
  const redis = await startRedis(t, { password: 'sekrit' });
  const manager = await connectedManager(t, await configFor(redis.connection));
  const errors: Error[] = [];
  manager.on('error', ({ error }) => errors.push(error));
  await redis.kill();
  await waitFor('an error', () => errors.length > 0);
  manager.removeAllListeners('error');
  await sleep(100);
  t.match(errors[0], { code: 'E_REDIS_UNAVAILABLE' });
  t.notMatch(errors.map(String).join('\n'), /sekrit/);
});

t.test('retryOnTimeout: a read that fails for another reason is not retried', async (t) => {
  const redis = await startRedis(t);
  const manager = await connectedManager(
    t,
    await configFor(redis.connection, { retryOnTimeout: true }),
  );
  redis.pause();
  const read = timed(() => manager.client().get('k'));
  await sleep(50);
  await redis.kill();
  t.notMatch(String((await read).error), /timed out/, 'failed with the lost connection, at once');
});
