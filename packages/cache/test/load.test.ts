import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { type LoaderContext, LoaderError } from '../src/index.js';
import { cacheFor, configFor, counting, managerFor, standalone } from './helpers.js';

t.test('1,000 concurrent getOrSet of one key run the loader once', async (t) => {
  const { cache } = await standalone(t);
  const loader = counting({ id: 7 }, 50);
  const values = await Promise.all(
    Array.from({ length: 1_000 }, () => cache.getOrSet('hot', loader.load)),
  );
  t.equal(loader.calls, 1);
  t.ok(
    values.every((value) => value === values[0]),
    'everyone gets the one value',
  );
  t.match(cache.stats(), { deduped: 999, loader: { calls: 1 }, misses: 1 });
  t.same(await cache.getOrSet('hot', loader.load), { id: 7 });
  t.equal(loader.calls, 1);
});

t.test('a value another instance stored is read from L2, not loaded', async (t) => {
  const { cache, manager, redis } = await standalone(t);
  await manager.client('cache').set('cache:k', 'not an envelope');
  t.equal(await cache.getOrSet('k', () => 'loaded'), 'loaded', 'a foreign value is a miss');
  const other = cacheFor(t, await managerFor(t, await configFor(redis)));
  await other.set('shared', 'from the other instance');
  const loader = counting('never');
  t.equal(await cache.getOrSet('shared', loader.load), 'from the other instance');
  t.equal(loader.calls, 0);
  t.match(cache.stats(), { l2: { hits: 1 } });
  t.equal(await cache.getOrSet('k', () => 'reloaded'), 'loaded', 'L1');
});

t.test('grace: a stale value is served at once while one refresh runs', async (t) => {
  const { cache } = await standalone(t, { ttl: 100, grace: 5_000, jitter: 0 });
  let version = 0;
  const seen: Array<LoaderContext<number>['stale']> = [];
  const loader = async (ctx: LoaderContext<number>) => {
    seen.push(ctx.stale);
    await sleep(80);
    return ++version;
  };
  t.equal(await cache.getOrSet('k', loader), 1);
  await sleep(120);
  const started = performance.now();
  const stale = await Promise.all(Array.from({ length: 20 }, () => cache.getOrSet('k', loader)));
  t.ok(performance.now() - started < 50, 'served at once');
  t.ok(
    stale.every((v) => v === 1),
    'stale value',
  );
  t.equal(await cache.getOrSet('k', loader), 1, 'still stale while the refresh runs');
  await sleep(120);
  t.equal(await cache.getOrSet('k', loader), 2, 'refreshed');
  t.equal(version, 2, 'one refresh');
  t.same(seen, [undefined, 1], 'the loader saw the stale value');
  t.match(cache.stats(), { staleServed: 2, deduped: 19 }, 'joined calls count as deduped');
});

t.test('grace: the refresh takes a value another instance stored instead of loading', async (t) => {
  // No bus: this instance does not hear of the other's write, and keeps its stale L1 copy.
  const redis = await startRedis(t);
  const solo = { ttl: 100, grace: 5_000, jitter: 0, bus: false };
  const cache = cacheFor(t, await managerFor(t, await configFor(redis)), solo);
  t.equal(await cache.getOrSet('k', () => 'old'), 'old');
  await sleep(120);
  const other = cacheFor(t, await managerFor(t, await configFor(redis)), solo);
  await other.set('k', 'new');
  const loader = counting('loaded');
  t.equal(await cache.getOrSet('k', loader.load), 'old', 'stale at once, without waiting on Redis');
  await waitFor('the refresh', async () => (await cache.getOrSet('k', loader.load)) === 'new');
  t.equal(loader.calls, 0, 'the other instance had refreshed it: no load');
});

t.test(
  'grace: a stale value found in Redis is served while this instance refreshes it',
  async (t) => {
    const { cache, redis } = await standalone(t, { ttl: 50, grace: 5_000, jitter: 0 });
    await cache.set('k', 'old');
    await sleep(70);
    const fresh = cacheFor(t, await managerFor(t, await configFor(redis)), { jitter: 0 });
    const loader = counting('new');
    t.equal(
      await fresh.getOrSet('k', loader.load),
      'old',
      'an instance with an empty L1 serves it',
    );
    await waitFor('the refresh', async () => (await fresh.getOrSet('k', loader.load)) === 'new');
    t.equal(loader.calls, 1, 'one load, without reading Redis again first');
  },
);

t.test('grace: a failing refresh keeps serving the stale value', async (t) => {
  const errors: unknown[] = [];
  const { cache } = await standalone(t, {
    ttl: 50,
    grace: 5_000,
    jitter: 0,
    onError: (e) => errors.push(e),
  });
  await cache.set('k', 'old');
  await sleep(70);
  const failing = () => Promise.reject(new Error('db down'));
  t.equal(await cache.getOrSet('k', failing), 'old');
  await sleep(10);
  t.equal(await cache.getOrSet('k', failing), 'old', 'after the failed refresh');
  t.equal(await cache.get('k'), undefined, 'get returns fresh values only');
  t.match(cache.stats(), { loader: { errors: 2 }, staleServed: 2 });
});

t.test(
  'a stale value still refreshing but evicted from L1 comes from L2, one refresh',
  async (t) => {
    const { cache } = await standalone(t, {
      ttl: 50,
      grace: 5_000,
      jitter: 0,
      l1: { maxEntries: 1 },
    });
    await cache.set('k', 'old');
    await sleep(70);
    const slow = counting('new', 100);
    t.equal(await cache.getOrSet('k', slow.load), 'old');
    await cache.set('other', 1);
    t.equal(await cache.getOrSet('k', slow.load), 'old', 'stale from L2');
    await sleep(150);
    t.equal(slow.calls, 1);
    t.equal(await cache.getOrSet('k', slow.load), 'new');
  },
);

t.test(
  'loader errors without a stale value reject with E_LOADER_FAILED and its cause',
  async (t) => {
    const { cache } = await standalone(t);
    const cause = new Error('boom');
    const calls = Array.from({ length: 3 }, () =>
      cache.getOrSet('k', () => {
        throw cause;
      }),
    );
    for (const call of calls)
      await t.rejects(call, { code: 'E_LOADER_FAILED', cause, message: /key "k" failed: boom/ });
    const error = await cache.getOrSet('k', () => Promise.reject('plain')).catch((e: unknown) => e);
    t.ok(error instanceof LoaderError);
    t.equal((error as LoaderError).cause, 'plain');
    t.equal(await cache.getOrSet('k', () => 'fine'), 'fine', 'nothing cached by a failure');
  },
);

t.test('timeout: E_LOADER_TIMEOUT, and the late value is still cached', async (t) => {
  const { cache } = await standalone(t);
  const slow = counting('late', 150);
  const started = performance.now();
  await t.rejects(cache.getOrSet('k', slow.load, { timeout: 50 }), {
    code: 'E_LOADER_TIMEOUT',
    timeoutMs: 50,
  });
  t.ok(performance.now() - started < 120);
  await sleep(150);
  t.equal(await cache.getOrSet('k', slow.load, { timeout: 50 }), 'late');
  t.equal(slow.calls, 1);
  t.equal(cache.stats().loader.timeouts, 1);
  t.equal(await cache.getOrSet('fast', () => 'quick', { timeout: 1_000 }), 'quick');
  await t.rejects(
    cache.getOrSet('bad', () => Promise.reject(new Error('no')), { timeout: 1_000 }),
    { code: 'E_LOADER_FAILED' },
  );
});

t.test('timeout with a stale value: the stale value, at once', async (t) => {
  const { cache } = await standalone(t, { ttl: 50, grace: 5_000, jitter: 0 });
  await cache.set('k', 'old');
  await sleep(70);
  t.equal(await cache.getOrSet('k', counting('new', 500).load, { timeout: 10 }), 'old');
});

t.test('the loader context: ttl, tags, skip, negative', async (t) => {
  const { cache, redis } = await standalone(t, { negativeTtl: 1_000, jitter: 0 });
  t.equal(
    await cache.getOrSet('ttl', (ctx) => {
      t.equal(ctx.key, 'ttl');
      t.equal(ctx.ttl, 60_000);
      ctx.ttl = 2_000;
      return 'v';
    }),
    'v',
  );
  const pttl = Number(await redis.call('PTTL', 'cache:ttl'));
  t.ok(pttl > 1_500 && pttl <= 2_000, `ttl from the loader (${pttl})`);

  const skipped = counting('x');
  await cache.getOrSet('skip', (ctx) => {
    ctx.skip();
    return skipped.load();
  });
  await cache.getOrSet('skip', skipped.load);
  t.equal(skipped.calls, 2, 'a skipped value is not cached');

  t.equal(
    await cache.getOrSet('missing', (ctx) => {
      ctx.negative();
      return null;
    }),
    null,
  );
  const negative = Number(await redis.call('PTTL', 'cache:missing'));
  t.ok(negative > 500 && negative <= 1_000, `negative results get negativeTtl (${negative})`);
  t.equal(await cache.getOrSet('missing', () => 'found'), null, 'cached');

  t.equal(await cache.getOrSet('undef', () => undefined), undefined, 'undefined is not cached');
  t.equal(await cache.getOrSet('undef', () => 1), 1);

  await cache.getOrSet(
    'tagged',
    (ctx) => {
      ctx.tags.push('late');
      return 'v';
    },
    { tags: ['early'] },
  );
  t.match(String(await redis.call('GET', 'cache:tagged')), /"t":\["early","late"\]/);
});

t.test('values that cannot be stored', async (t) => {
  const errors: Array<{ code: string }> = [];
  const { cache } = await standalone(t, { maxValueBytes: 1_000, onError: (e) => errors.push(e) });
  await t.rejects(cache.set('big', 'x'.repeat(2_000)), {
    name: 'ValueTooLargeError',
    code: 'E_VALUE_TOO_LARGE',
    bytes: 2_002,
    maxBytes: 1_000,
    message: /key "big" is 2002 bytes serialized, over maxValueBytes \(1000\)/,
  });
  await t.rejects(cache.set('multibyte', 'é'.repeat(600)), { code: 'E_VALUE_TOO_LARGE' });
  await cache.set('fits', 'é'.repeat(400));
  t.equal(await cache.get('fits'), 'é'.repeat(400), '802 bytes fit');
  await t.rejects(cache.set('bigint', 1n), { code: 'E_SERIALIZE', message: /BigInt/ });
  await t.rejects(cache.set('undefined', undefined), { code: 'E_SERIALIZE' });
  t.equal(await cache.getOrSet('big', () => 'y'.repeat(2_000)), 'y'.repeat(2_000), 'returned');
  t.equal(await cache.get('big'), undefined, 'not cached');
  t.match(errors, [{ code: 'E_VALUE_TOO_LARGE' }]);
  await t.rejects(cache.set('k'.repeat(200), 'x'.repeat(2_000)), { message: /"k{80}…"/ });
});
