import { setTimeout as sleep } from 'node:timers/promises';
import { type Owner, type RedisServer, startProxy, startRedis } from '@redis-infra/testing';
import t from 'tap';
import type { Cache, CacheOptions } from '../src/index.js';
import { busUp, cacheFor, configFor, counting, managerFor } from './helpers.js';

const LOCK = { distributedLock: { leaseMs: 3_000, pollMs: 50 } } as const;

/** `n` app instances (a manager and a cache each) on one server. */
async function instances(
  t: Owner,
  n: number,
  options: Partial<CacheOptions> = LOCK,
  redis?: RedisServer,
): Promise<{ redis: RedisServer; caches: Cache[] }> {
  const server = redis ?? (await startRedis(t));
  const config = await configFor(server);
  const caches: Cache[] = [];
  for (let i = 0; i < n; i++) caches.push(cacheFor(t, await managerFor(t, config), options));
  await Promise.all(caches.map(busUp));
  return { redis: server, caches };
}

t.test('1,000 concurrent getOrSet across 3 instances: one loader call', async (t) => {
  const { caches } = await instances(t, 3);
  const loader = counting({ answer: 42 }, 150);
  const values = await Promise.all(
    Array.from({ length: 1_000 }, (_, i) => (caches[i % 3] as Cache).getOrSet('hot', loader.load)),
  );
  t.equal(loader.calls, 1, 'one loader call in all');
  t.ok(values.every((value) => JSON.stringify(value) === '{"answer":42}'));
  const calls = caches.map((cache) => cache.stats().loader.calls);
  t.same(calls.toSorted(), [0, 0, 1]);
});

t.test('a lease renewed while a long loader runs; the lease is released after', async (t) => {
  const { caches, redis } = await instances(t, 2, {
    distributedLock: { leaseMs: 150, pollMs: 20 },
  });
  const [a, b] = caches as [Cache, Cache];
  const loader = counting('slow', 500);
  const first = a.getOrSet('k', loader.load);
  await sleep(50);
  const second = b.getOrSet('k', loader.load);
  t.same(await Promise.all([first, second]), ['slow', 'slow']);
  t.equal(loader.calls, 1, 'the waiter never took over');
  await sleep(20);
  t.equal(await redis.call('EXISTS', 'cache:#l:k'), 0, 'released');
});

t.test('a dead holder: its lease expires and a waiter runs the loader', async (t) => {
  const { caches, redis } = await instances(t, 1);
  await redis.call('SET', 'cache:#l:k', 'someone-else', 'PX', '200');
  const loader = counting('mine');
  const started = performance.now();
  t.equal(await (caches[0] as Cache).getOrSet('k', loader.load), 'mine');
  t.ok(performance.now() - started >= 150, 'waited for the lease to expire');
  t.equal(loader.calls, 1);
});

t.test('waiting for a lease counts against the timeout', async (t) => {
  const { caches, redis } = await instances(t, 1);
  await redis.call('SET', 'cache:#l:k', 'someone-else', 'PX', '5000');
  await t.rejects(
    (caches[0] as Cache).getOrSet('k', () => 'x', { timeout: 120 }),
    {
      code: 'E_LOADER_TIMEOUT',
    },
  );
  t.equal((caches[0] as Cache).stats().loader.calls, 0);
  await redis.call('SET', 'cache:#l:j', 'someone-else', 'PX', '100');
  t.equal(await (caches[0] as Cache).getOrSet('j', () => 'j', { timeout: 2_000 }), 'j');
});

t.test(
  'a waiter that finds the value takes it; a refresh leaves the lease to its holder',
  async (t) => {
    const { caches, redis } = await instances(t, 2, {
      ...LOCK,
      ttl: 100,
      grace: 10_000,
      jitter: 0,
    });
    const [a, b] = caches as [Cache, Cache];
    await redis.call('SET', 'cache:#l:k', 'someone-else', 'PX', '5000');
    const waiting = b.getOrSet('k', () => 'b');
    await sleep(60);
    await a.set('k', 'a');
    t.equal(await waiting, 'a', 'woken by the bus');
    await sleep(120);
    const refresh = counting('refreshed');
    t.equal(await b.getOrSet('k', refresh.load), 'a', 'stale');
    await sleep(50);
    t.equal(refresh.calls, 0, 'another instance holds the lease');
    await redis.call('DEL', 'cache:#l:k');
    t.equal(await b.getOrSet('k', refresh.load), 'a', 'stale');
    await sleep(50);
    t.equal(refresh.calls, 1);
    t.equal(await b.getOrSet('k', refresh.load), 'refreshed');
  },
);

t.test('a value stored just before the lease is taken is not loaded again', async (t) => {
  const redis = await startRedis(t);
  const proxy = await startProxy(t, redis);
  const a = cacheFor(t, await managerFor(t, await configFor(redis)), LOCK);
  const slowLink = await managerFor(t, await configFor(proxy, { commandTimeoutMs: 2_000 }));
  const b = cacheFor(t, slowLink, { ...LOCK, bus: false });
  await busUp(a);
  proxy.setLatency(200);
  const loader = counting('once', 400);
  const both = Promise.all([a.getOrSet('k', loader.load), b.getOrSet('k', loader.load)]);
  t.same(await both, ['once', 'once']);
  t.equal(loader.calls, 1, 'B took the lease after A released it, and found the value');
  proxy.setLatency(0);
});

t.test('Redis failing during a locked load: the loader runs here', async (t) => {
  const { caches, redis } = await instances(t, 1);
  const cache = caches[0] as Cache;
  await redis.call('SET', 'cache:#l:k', 'someone-else', 'PX', '5000');
  const waiting = cache.getOrSet('k', () => 'local');
  await sleep(30);
  redis.pause();
  t.equal(await waiting, 'local', 'the read failed: loaded here');
  redis.resume();
  await sleep(300);
  redis.pause();
  t.equal(await cache.getOrSet('j', () => 'j'), 'j', 'the lease could not be taken: loaded here');
  redis.resume();
});

t.test('Redis dying while the holder loads: renewal and release fail quietly', async (t) => {
  const errors: unknown[] = [];
  const { caches, redis } = await instances(t, 1, {
    distributedLock: { leaseMs: 60 },
    onError: (e) => errors.push(e),
  });
  const loading = (caches[0] as Cache).getOrSet('k', counting('v', 150).load);
  await sleep(30);
  await redis.kill();
  t.equal(await loading, 'v');
  await sleep(20);
  t.ok(errors.length >= 2, 'renewal, store and release failures reported');
});

t.test('closing while waiting for a lease', async (t) => {
  const { caches, redis } = await instances(t, 1);
  await redis.call('SET', 'cache:#l:k', 'someone-else', 'PX', '5000');
  const waiting = (caches[0] as Cache).getOrSet('k', () => 'x');
  await sleep(30);
  await (caches[0] as Cache).close();
  await t.rejects(waiting, { code: 'E_CACHE_CLOSED' });
});

t.test('closing stops renewing a lease (the loader may hang)', async (t) => {
  const { caches, redis } = await instances(t, 1, { distributedLock: { leaseMs: 150 } });
  const cache = caches[0] as Cache;
  const loading = cache.getOrSet('k', counting('v', 500).load);
  await sleep(50);
  await cache.close();
  await sleep(300);
  t.equal(await redis.call('EXISTS', 'cache:#l:k'), 0, 'the lease expired');
  t.equal(await loading, 'v', 'the caller still gets the value');
  t.equal(await redis.call('EXISTS', 'cache:k'), 0, 'not stored after close');
});
