import { setTimeout as sleep } from 'node:timers/promises';
import { startProxy, startRedis, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { createRedisManager } from '../src/index.js';
import { configFor, connectedManager, managerFor, recordEvents } from './helpers.js';

t.test('standalone: roles on one endpoint share exactly poolSize connections', async (t) => {
  const redis = await startRedis(t, { password: 'main-secret' });
  const manager = await connectedManager(
    t,
    await configFor(redis.connection, { poolSize: 3, connectionName: 'mgr' }),
  );
  t.same(manager.roles, ['main', 'rateLimit', 'cache']);
  t.equal(await manager.client().set('k', 'v'), 'OK');
  t.equal(await manager.client('cache').get('k'), 'v');
  t.equal(await manager.client('rateLimit').incr('n'), 1);
  const list = String(await redis.call('CLIENT', 'LIST'));
  t.equal(
    list.split('\n').filter((line) => line.includes('name=mgr:pool')).length,
    3,
    'poolSize connections, not per role',
  );
  t.equal(manager.state('main'), 'up');
  t.equal(manager.settings('cache').name, 'cache', 'each role reports its own settings');
});

t.test('roles on different databases get their own connections', async (t) => {
  const redis = await startRedis(t);
  const manager = await connectedManager(
    t,
    await configFor(redis.connection, { roles: { cache: { db: 3 } } }),
  );
  await manager.client('cache').set('only-in-3', '1');
  t.equal(await manager.client('main').get('only-in-3'), null);
  t.equal(await manager.client('cache').get('only-in-3'), '1');
  t.equal(manager.settings('cache').redis.db, 3);
});

t.test('client() spreads commands over the ready connections, both strategies', async (t) => {
  const redis = await startRedis(t);
  for (const poolStrategy of ['round-robin', 'least-pending'] as const) {
    const manager = await connectedManager(
      t,
      await configFor(redis.connection, { poolSize: 2, connectionName: poolStrategy }),
      {
        poolStrategy,
      },
    );
    const picked = new Set(Array.from({ length: 4 }, () => manager.client()));
    t.equal(picked.size, poolStrategy === 'round-robin' ? 2 : 1, poolStrategy);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => manager.client().set(`k${i}`, i)),
    );
    t.equal(results.length, 100);

    // One connection drops: picks avoid it while it reconnects.
    const [id] = String(await redis.call('CLIENT', 'LIST'))
      .split('\n')
      .filter((line) => line.includes(`name=${poolStrategy}:pool`))
      .map((line) => /id=(\d+)/.exec(line)?.[1]);
    const down = waitFor(
      'one pooled connection to drop',
      () => manager.health().main?.pool.ready === 1,
      { intervalMs: 1 },
    );
    await redis.call('CLIENT', 'KILL', 'ID', String(id));
    await down;
    for (let i = 0; i < 4; i++)
      t.equal(manager.client().status, 'ready', `${poolStrategy} skips the dropped one`);
    await manager.close();
  }
});

t.test('withConnection: MULTI is not interleaved, the lease is released on throw', async (t) => {
  const redis = await startRedis(t);
  const manager = await connectedManager(t, await configFor(redis.connection), {
    lease: { max: 1, acquireTimeoutMs: 300, maxWaiting: 1 },
  });
  const result = await manager.withConnection('main', async (client) => {
    await client.watch('counter');
    const before = Number(await client.get('counter'));
    await manager.client().incr('counter'); // other traffic, on the pool
    return client.multi().set('snapshot', before).exec();
  });
  t.equal(result, null, 'the WATCHed key changed meanwhile: EXEC aborts, as it must');

  const noise = Promise.all(Array.from({ length: 200 }, () => manager.client().incr('noise')));
  const transaction = await manager.withConnection('main', (client) =>
    client.multi().set('t', '0').incr('t').incr('t').get('t').exec(),
  );
  await noise;
  t.same(
    transaction,
    [
      [null, 'OK'],
      [null, 1],
      [null, 2],
      [null, '2'],
    ],
    'no pool traffic inside the MULTI',
  );

  await t.rejects(
    manager.withConnection('main', async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  const value = await manager.withConnection('main', async (client) => {
    await client.multi().set('a', '1').set('b', '2').exec();
    return client.mget('a', 'b');
  });
  t.same(value, ['1', '2']);
  t.same(manager.health().main?.pool, { size: 1, ready: 1, busy: 0, waiting: 0 });
});

t.test('withConnection: bounded wait queue and acquire timeout', async (t) => {
  const redis = await startRedis(t);
  const manager = await connectedManager(t, await configFor(redis.connection), {
    lease: { max: 1, acquireTimeoutMs: 200, maxWaiting: 1 },
  });
  let release: () => void = () => {};
  const holding = manager.withConnection(
    'main',
    () => new Promise<void>((resolve) => (release = resolve)),
  );
  await sleep(50);
  const waiting = manager.withConnection('main', (client) => client.ping());
  await t.rejects(
    manager.withConnection('main', (client) => client.ping()),
    { code: 'E_POOL_QUEUE_FULL' },
  );
  t.equal(manager.health().main?.pool.waiting, 1);
  t.equal(manager.health().main?.pool.busy, 1);
  await t.rejects(waiting, { code: 'E_POOL_TIMEOUT' });
  const handedOver = manager.withConnection('main', (client) => client.ping());
  release();
  await holding;
  t.equal(await handedOver, 'PONG', 'a waiter gets the connection when it is released');
});

t.test('withConnection: blocking commands may wait past commandTimeoutMs', async (t) => {
  const redis = await startRedis(t);
  const manager = await connectedManager(
    t,
    await configFor(redis.connection, { commandTimeoutMs: 100 }),
  );
  const popped = manager.withConnection('main', (client) => client.blpop('queue', 1));
  await sleep(300);
  await manager.client().rpush('queue', 'job');
  t.same(await popped, ['queue', 'job']);
  const empty = await manager.withConnection('main', (client) => client.blpop('nothing', 0.3));
  t.equal(empty, null);
});

t.test('subscriber: messages arrive, and again after Redis restarts', async (t) => {
  const redis = await startRedis(t);
  const manager = await connectedManager(t, await configFor(redis.connection));
  const subscriber = manager.subscriber();
  t.equal(manager.subscriber('cache'), subscriber, 'one subscriber per endpoint');
  const messages: string[] = [];
  subscriber.on('message', (_channel: string, message: string) => messages.push(message));
  await subscriber.subscribe('news');
  await manager.client().publish('news', 'one');
  // PUBLISH is answered before the subscriber has read the message: a restart at once can
  // reset its connection with the message still unread.
  await waitFor('the first message', () => messages.includes('one'), { intervalMs: 5 });
  await redis.restart();
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline && !messages.includes('two')) {
    await manager
      .client()
      .publish('news', 'two')
      .catch(() => 0);
    await sleep(50);
  }
  t.same([...new Set(messages)], ['one', 'two']);
});

t.test('health reports pool, breaker, latency, server and success rate', async (t) => {
  const redis = await startRedis(t, { password: 'health-secret' });
  const manager = managerFor(t, await configFor(redis.connection, { poolSize: 2 }));
  t.equal(manager.state(), 'connecting');
  await manager.connect();
  await manager.client().get('x');
  await sleep(50);
  const health = manager.health().main;
  t.match(health, {
    status: 'up',
    latencyMs: Number,
    mode: 'standalone',
    endpoint: `redis://127.0.0.1:${redis.port}/0`,
    pool: { size: 2, ready: 2, busy: 0, waiting: 0 },
    breaker: 'closed',
    reconnects: 0,
    successRate: 1,
    lastError: null,
    server: { version: /^\d+\.\d+/, role: 'master' },
  });
  t.notOk(
    /health-secret/.test(JSON.stringify(manager.health())),
    'no password in it (asserted without printing it)',
  );
});

t.test('unknown roles and a closed manager are clear errors; close is idempotent', async (t) => {
  const redis = await startRedis(t);
  const manager = createRedisManager(await configFor(redis.connection));
  t.throws(() => manager.client('nope'), {
    code: 'E_UNKNOWN_ROLE',
    message: /unknown role "nope".*"main", "rateLimit", "cache"/,
  });
  await manager.connect();
  t.equal(manager.connect(), manager.connect(), 'connect is memoised');
  const events = recordEvents(manager);
  const pending = manager.client().get('k');
  await Promise.all([manager.close(), manager.close()]);
  t.equal(await pending, null, 'a command in flight finishes before the connections close');
  await sleep(50); // the sockets' close events
  t.strictSame(events, [], 'a shutdown is no outage: no breakerOpen, no fallback, no error');
  t.throws(() => manager.client(), { code: 'E_MANAGER_CLOSED' });
  t.equal(manager.state(), 'closed');
  await t.rejects(createClosed(), { code: 'E_MANAGER_CLOSED' });

  async function createClosed() {
    const other = createRedisManager(await configFor(redis.connection));
    await other.close();
    return other.connect();
  }
});

t.test(
  'withConnection: a broken lease is replaced for the next waiter; close fails the waiters',
  async (t) => {
    const redis = await startRedis(t);
    const manager = await connectedManager(t, await configFor(redis.connection), {
      lease: { max: 1, acquireTimeoutMs: 1_000 },
    });
    // Each holder runs once its lease is open (opening one takes a while on a loaded machine).
    let fail: (e: Error) => void = () => {};
    let taken = () => {};
    const isTaken = new Promise<void>((resolve) => (taken = resolve));
    const holding = manager.withConnection(
      'main',
      () =>
        new Promise((_, reject) => {
          fail = reject;
          taken();
        }),
    );
    await isTaken;
    const next = manager.withConnection('main', (client) => client.ping());
    fail(new Error('the caller broke it'));
    await t.rejects(holding, /broke it/);
    t.equal(await next, 'PONG', 'the waiter got a fresh connection');

    let release: () => void = () => {};
    const isBusy = new Promise<void>((resolve) => (taken = resolve));
    const busy = manager.withConnection(
      'main',
      () =>
        new Promise<void>((resolve) => {
          release = resolve;
          taken();
        }),
    );
    await isBusy;
    const waiter = manager.withConnection('main', (client) => client.ping());
    const closing = manager.close();
    await t.rejects(waiter, { code: 'E_REDIS_UNAVAILABLE', message: /closing/ });
    release();
    await busy;
    await closing;
  },
);

t.test(
  'withConnection: a dedicated connection that cannot connect in time fails clearly',
  async (t) => {
    const redis = await startRedis(t);
    const proxy = await startProxy(t, redis);
    const manager = await connectedManager(
      t,
      await configFor({ host: proxy.host, port: proxy.port }),
      {
        lease: { acquireTimeoutMs: 200 },
      },
    );
    proxy.blackhole();
    await t.rejects(
      manager.withConnection('main', (client) => client.ping()),
      {
        code: 'E_REDIS_UNAVAILABLE',
        message: /dedicated connection was not ready within 200 ms/,
      },
    );
    proxy.restore();
  },
);

t.test('periodic health checks measure latency and slot-free server info', async (t) => {
  const redis = await startRedis(t);
  const manager = await connectedManager(
    t,
    await configFor(redis.connection, { healthCheckIntervalMs: 20 }),
  );
  const first = manager.health().main?.latencyMs;
  await sleep(100);
  t.type(manager.health().main?.latencyMs, 'number');
  t.ok(first === null || typeof first === 'number');
  redis.pause();
  await sleep(400);
  redis.resume();
  t.ok((manager.health().main?.successRate ?? 1) < 1, 'failed checks count');
});

t.test('logger: transitions are logged, redacted', async (t) => {
  const redis = await startRedis(t, { password: 'log-secret' });
  const lines: string[] = [];
  const log = (level: string) => (obj: object, msg?: string) =>
    lines.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  const logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  await connectedManager(t, await configFor(redis.connection), { logger });
  await redis.kill();
  await sleep(100);
  await redis.restart();
  await sleep(400);
  const text = lines.join('\n');
  t.match(text, /warn redis circuit breaker open/);
  t.match(text, /info redis role recovered .*"downtimeMs"/);
  t.match(text, /debug redis connection error .*"err"/);
  t.notOk(/log-secret/.test(text), 'no password in it (asserted without printing it)');
});

t.test(
  'a write on a former master (now a replica) fails with READONLY and reconnects',
  async (t) => {
    const master = await startRedis(t);
    const replica = await startRedis(t, { replicaOf: master });
    const manager = await connectedManager(t, await configFor(replica.connection));
    const events = recordEvents(manager);
    await t.rejects(
      manager.client().set('k', 'v'),
      /^READONLY/,
      'the error Redis gave, not a stream error',
    );
    await waitFor('the connection to reconnect', () =>
      events.some(([event]) => event === 'reconnecting'),
    );
    t.match(manager.health().main?.lastError?.message, /^READONLY/);
    t.equal(await manager.client().get('k'), null, 'reads still work on it once it is back');
  },
);

t.test('a resubscribe cut short by close() is no unhandled rejection', async (t) => {
  const redis = await startRedis(t);
  const manager = await connectedManager(t, await configFor(redis.connection));
  const subscriber = manager.subscriber();
  await subscriber.subscribe('news');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.teardown(() => {
    process.off('unhandledRejection', onUnhandled);
  });
  // ioredis sends the resubscribe right after 'ready', with no handler of its own on it. The
  // connection drops before the reply comes (the resubscribe waits for the next connection),
  // and close() fails it.
  const closed = new Promise<void>((resolve) => {
    subscriber.once('ready', () =>
      process.nextTick(() => {
        (subscriber as unknown as { stream: { destroy(): void } }).stream.destroy();
        manager.close().then(resolve);
      }),
    );
  });
  await redis.restart();
  await closed;
  await sleep(50);
  t.same(unhandled, [], 'nothing unhandled');
});
