import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { TAG_MIN_TTL_MS } from '../src/tags.js';
import { busUp, cacheFor, configFor, counting, managerFor, standalone } from './helpers.js';

t.test('invalidateTags drops tagged entries, here and in L2; other entries stay', async (t) => {
  const { cache, redis } = await standalone(t);
  await cache.set('a', 1, { tags: ['red', 'round'] });
  await cache.set('b', 2, { tags: ['blue'] });
  await cache.set('c', 3);
  t.match(
    String(await redis.call('GET', 'cache:a')),
    /"t":\["red","round"\],"v":\[\d{16},\d{16}\]/,
  );
  const pttl = Number(await redis.call('PTTL', 'cache:#t:red'));
  t.ok(pttl > TAG_MIN_TTL_MS - 5_000, 'tag keys outlive their entries');
  await cache.invalidateTags(['round']);
  t.equal(await cache.get('a'), undefined);
  t.equal(await cache.get('b'), 2);
  t.equal(await cache.get('c'), 3);
  await cache.set('a', 'again', { tags: ['round'] });
  t.equal(await cache.get('a'), 'again', 'written after the invalidation: valid');
  await cache.invalidateTags([]);
});

t.test(
  'an L1 hit of a tagged entry needs no Redis call, here and on another instance',
  async (t) => {
    const redis = await startRedis(t);
    const config = await configFor(redis);
    const a = cacheFor(t, await managerFor(t, config));
    const b = cacheFor(t, await managerFor(t, config));
    await Promise.all([busUp(a), busUp(b)]);
    await a.set('x', 'x', { tags: ['t1'] });
    await a.set('y', 'y', { tags: ['t2'] });
    t.same(await b.getMany(['x', 'y']), ['x', 'y'], 'B checked the tag versions once');
    const received = b.stats().bus.received;
    await a.invalidateTags(['t1']);
    await waitFor('B to learn the new version', () => b.stats().bus.received > received);
    redis.pause();
    const hit = performance.now();
    t.equal(await b.get('y'), 'y', 'B: L1 hit of a tagged entry, Redis paused');
    t.ok(performance.now() - hit < 50);
    redis.resume();
    t.equal(await b.get('x'), undefined, 'invalidated on B');
    redis.pause();
    const started = performance.now();
    t.equal(await a.getOrSet('y', () => 'reloaded'), 'y', 'A: L1 hit, Redis paused');
    t.ok(performance.now() - started < 50);
    redis.resume();
  },
);

t.test('tags given up front: an invalidation while the loader runs wins', async (t) => {
  const { cache } = await standalone(t);
  const slow = cache.getOrSet('k', counting('before', 100).load, { tags: ['t'] });
  await sleep(30);
  await cache.invalidateTags(['t']);
  t.equal(await slow, 'before', 'the caller still gets its value');
  t.equal(await cache.get('k'), undefined, 'but it is not valid');
  t.equal(await cache.getOrSet('k', () => 'after', { tags: ['t'] }), 'after');
  t.equal(await cache.get('k'), 'after');
});

t.test('tags added by the loader: an invalidation while it runs keeps the value out', async (t) => {
  const { cache, redis } = await standalone(t);
  const slow = cache.getOrSet('k', async (ctx) => {
    await sleep(80);
    ctx.tags.push('late');
    return 'v';
  });
  await sleep(20);
  await cache.invalidateTags(['unrelated']);
  t.equal(await slow, 'v');
  t.equal(await redis.call('EXISTS', 'cache:k'), 0, 'not cached');
  await cache.getOrSet('k', (ctx) => {
    ctx.tags = ['late'];
    return 'v2';
  });
  t.equal(await cache.get('k'), 'v2', 'no invalidation meanwhile: cached');
});

t.test('a tag key lost in Redis (evicted, cleared) invalidates its entries', async (t) => {
  const redis = await startRedis(t);
  const config = await configFor(redis);
  const a = cacheFor(t, await managerFor(t, config));
  const b = cacheFor(t, await managerFor(t, config));
  await Promise.all([busUp(a), busUp(b)]);
  await a.set('k', 1, { tags: ['t'] });
  await redis.call('DEL', 'cache:#t:t');
  t.equal(await b.get('k'), undefined, 'B cannot check the tag: invalid');
  await b.set('k', 2, { tags: ['t'] });
  await waitFor('A to read the new entry', async () => (await a.get('k')) === 2);
  await redis.call('SET', 'cache:#t:t', 'garbage');
  await b.set('j', 3, { tags: ['u'] });
  const c = cacheFor(t, await managerFor(t, config));
  t.equal(await c.get('k'), undefined, 'a garbled version invalidates');
  t.equal(await c.get('j'), 3);
});

t.test('invalidateTags while Redis is down drops the local entries', async (t) => {
  const { cache, redis } = await standalone(t);
  await cache.set('a', 1, { tags: ['t'] });
  await cache.set('b', 2, { tags: ['u'] });
  await cache.set('c', 3);
  await redis.kill();
  await cache.invalidateTags(['t']);
  t.equal(await cache.get('a'), undefined);
  t.equal(await cache.get('b'), 2);
  await cache.set('d', 4, { tags: ['t', 'v'] });
  t.equal(await cache.get('d'), 4, 'an L1-only tagged entry');
  await cache.set('e', 5, { tags: ['u'] });
  t.equal(await cache.get('e'), 5, 'under a version known from before');
  await cache.invalidateTags(['v']);
  t.equal(await cache.get('d'), undefined);
});

t.test('getMany counts and reports one error however many of its tag checks fail', async (t) => {
  // This user reads entries but not tag versions (`cache:#t:<tag>`): every tag check fails.
  const reader = { name: 'reader', password: 'reader-secret', rules: '~cache:[^#]* &* +@all' };
  const redis = await startRedis(t, { users: [reader] });
  const writer = cacheFor(t, await managerFor(t, await configFor(redis)));
  await writer.setMany([
    { key: 'a', value: 1, tags: ['x'] },
    { key: 'b', value: 2, tags: ['y'] },
    { key: 'c', value: 3 },
  ]);
  const errors: unknown[] = [];
  const config = await configFor(redis, { username: reader.name, password: reader.password });
  const cache = cacheFor(t, await managerFor(t, config), { onError: (e) => errors.push(e) });
  await busUp(cache);
  t.same(await cache.getMany(['a', 'b', 'c']), [undefined, undefined, 3], 'the untagged entry');
  t.equal(cache.stats().l2.errors, 1, 'one error counted');
  t.equal(errors.length, 1, 'one error reported');
  t.match(errors[0], { code: 'E_L2', cause: { message: /NOPERM/ } });
  t.equal(await cache.get('a'), undefined, 'a get fails its own tag check');
  t.equal(cache.stats().l2.errors, 2);
});
