import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, timed, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { L2Error } from '../src/index.js';
import { cacheFor, configFor, counting, managerFor, standalone } from './helpers.js';

t.test('Redis killed mid-test: no call throws; L1 and stale values are served', async (t) => {
  const errors: unknown[] = [];
  const { cache, redis, manager } = await standalone(t, {
    ttl: 80,
    grace: 60_000,
    jitter: 0,
    onError: (e) => errors.push(e),
  });
  await cache.set('fresh', 'f', { ttl: 60_000 });
  await cache.set('stale', 's');
  await cache.set('tagged', 't', { ttl: 60_000, tags: ['x'] });
  await sleep(100);
  await redis.kill();
  await waitFor('the role to go down', () => manager.state('cache') === 'down');

  const calls = {
    fresh: await timed(() => cache.get('fresh')),
    stale: await timed(() => cache.get('stale')),
    staleOrSet: await timed(() => cache.getOrSet('stale', () => 'new')),
    tagged: await timed(() => cache.get('tagged')),
    missing: await timed(() => cache.get('missing')),
    loaded: await timed(() => cache.getOrSet('loaded', () => 'from the loader')),
    tagged2: await timed(() => cache.getOrSet('t2', () => 'tagged', { tags: ['x'] })),
    has: await timed(() => cache.has('fresh')),
    many: await timed(() => cache.getMany(['fresh', 'stale', 'missing'])),
    set: await timed(() => cache.set('written', 'w', { tags: ['y'] })),
    setMany: await timed(() => cache.setMany([{ key: 'm', value: 1 }])),
    delete: await timed(() => cache.delete('m')),
    deleteMany: await timed(() => cache.deleteMany(['m'])),
    tags: await timed(() => cache.invalidateTags(['none'])),
    clear: await timed(() => cache.namespace('other').clear()),
  };
  for (const [name, call] of Object.entries(calls)) {
    t.equal(call.error, undefined, `${name} does not throw`);
    t.ok(call.ms < 50, `${name} does not wait (${call.ms.toFixed(1)} ms)`);
  }
  t.equal(calls.fresh.value, 'f', 'L1');
  t.equal(calls.stale.value, 's', 'stale while Redis is down');
  t.equal(calls.staleOrSet.value, 's');
  t.equal(calls.tagged.value, 't');
  t.equal(calls.missing.value, undefined);
  t.equal(calls.loaded.value, 'from the loader');
  t.equal(calls.tagged2.value, 'tagged');
  t.equal(await cache.get('t2'), 'tagged');
  t.equal(calls.has.value, true);
  t.same(calls.many.value, ['f', 'new', undefined], 'the refresh landed in L1');
  t.equal(await cache.get('written'), 'w', 'a write lands in L1');
  t.equal(
    await cache.getOrSet('loaded', () => 'again'),
    'from the loader',
    'L1 is the whole cache',
  );
  t.ok(cache.stats().l2.errors > 5, 'skipped Redis steps are counted');
  t.ok(errors.length < cache.stats().l2.errors, 'but not each one reported');
  t.ok(cache.stats().staleServed >= 2);

  const drops = cache.stats().bus.drops;
  await redis.restart();
  await waitFor('the role to recover', () => manager.state('cache') === 'up', { timeoutMs: 5_000 });
  await waitFor('L1 to be dropped', () => cache.stats().bus.drops > drops);
  t.equal(await cache.get('fresh'), undefined, 'Redis came back empty: so is the cache');
  await cache.set('k', 1);
  t.equal(await cache.get('k'), 1);
});

t.test(
  'a hung Redis: nothing waits past commandTimeoutMs, then nothing waits at all',
  async (t) => {
    const { cache, redis } = await standalone(t, {}, { commandTimeoutMs: 100 });
    await cache.set('k', 1);
    redis.pause();
    const first = await Promise.all([
      timed(() => cache.get('a')),
      timed(() => cache.set('b', 1)),
      timed(() => cache.getOrSet('c', () => 'c')),
    ]);
    for (const call of first) {
      t.equal(call.error, undefined);
      t.ok(call.ms < 300, `bounded by the deadline (${call.ms.toFixed(0)} ms)`);
    }
    const later = await timed(() => cache.getOrSet('d', () => 'd'));
    t.equal(later.value, 'd');
    t.ok(later.ms < 50, `breaker open: at once (${later.ms.toFixed(1)} ms)`);
    t.equal(await cache.get('k'), 1, 'L1');
    redis.resume();
  },
);

t.test('suppressL2Errors: false hands Redis errors to the caller as E_L2', async (t) => {
  const { cache, redis } = await standalone(t, { suppressL2Errors: false });
  await cache.set('k', 1);
  await redis.kill();
  const loader = counting('x');
  for (const call of [
    () => cache.get('missing'),
    () => cache.getMany(['missing']),
    () => cache.set('k', 2),
    () => cache.getOrSet('j', loader.load),
    () => cache.delete('k'),
    () => cache.invalidateTags(['t']),
    () => cache.clear(),
  ])
    await t.rejects(call(), {
      name: 'L2Error',
      code: 'E_L2',
      message: /^@redis-infra\/cache: a Redis operation for role "cache" failed/,
    });
  await t.rejects(cache.set('w', 2), { code: 'E_L2' });
  t.equal(await cache.get('w'), 2, 'the write still landed in L1');
  const error = await cache.get('x').catch((e: unknown) => e);
  t.ok(error instanceof L2Error);
  t.match((error as L2Error).cause, { message: /down or in fallback/ });
});

t.test('memory fallback: Redis never came up, L1 is the whole cache', async (t) => {
  const redis = await startRedis(t);
  await redis.kill();
  const config = await configFor(redis, { connectTimeoutMs: 200 }, { ENVIRONMENT: 'development' });
  const manager = await managerFor(t, config);
  t.equal(manager.state('cache'), 'fallback');
  const cache = cacheFor(t, manager, { distributedLock: true });
  const loader = counting('v');
  t.same(await Promise.all([cache.getOrSet('k', loader.load), cache.getOrSet('k', loader.load)]), [
    'v',
    'v',
  ]);
  t.equal(loader.calls, 1);
  t.equal(await cache.get('k'), 'v');
  await cache.set('j', 1);
  t.equal(await cache.get('j'), 1);
  t.equal(cache.stats().bus.connected, false);
});
