import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisServer } from '@redis-infra/testing';
import t from 'tap';
import { type CacheEvent, cacheChannel } from '../src/index.js';
import { cacheFor, standalone } from './helpers.js';

t.test('set, get, has, delete: L2 round trip, then L1 hits without Redis', async (t) => {
  const { redis, cache } = await standalone(t, { namespace: 'users' }, { keyPrefix: 'app:' });
  t.equal(cache.name, 'users');
  t.equal(await cache.get('u1'), undefined, 'a miss');
  await cache.set('u1', { name: 'Ada', tags: ['x'] });
  t.same(await cache.get('u1'), { name: 'Ada', tags: ['x'] });
  t.equal(await cache.has('u1'), true);
  const stored = String(await redis.call('GET', 'app:users:u1'));
  t.match(stored, /^RIC1\n\{"e":\d+,"s":\d+\}\n\{"name":"Ada","tags":\["x"\]\}$/, 'the envelope');
  const pttl = Number(await redis.call('PTTL', 'app:users:u1'));
  t.ok(pttl > 53_000 && pttl <= 66_000, `PX with ±10% jitter (${pttl})`);

  const before = cache.stats();
  redis.pause();
  t.same(await cache.get('u1'), { name: 'Ada', tags: ['x'] }, 'an L1 hit needs no Redis');
  redis.resume();
  t.equal(cache.stats().l1.hits, before.l1.hits + 1);

  redis.pause();
  t.same(cache.peek('u1'), { name: 'Ada', tags: ['x'] }, 'peek: L1, synchronously');
  t.equal(cache.peek('u2'), undefined, 'peek: not in L1, and no Redis call to find out');
  redis.resume();
  t.equal(cache.stats().l1.hits, before.l1.hits + 2, 'a peek that finds counts as an L1 hit');
  t.equal(cache.stats().l1.misses, before.l1.misses, 'one that does not counts nothing');

  await cache.delete('u1');
  t.equal(cache.peek('u1'), undefined, 'deleted');
  t.equal(await cache.get('u1'), undefined);
  t.equal(await cache.has('u1'), false);
  t.equal(await redis.call('EXISTS', 'app:users:u1'), 0);
});

t.test(
  'another process writing L2 is seen after L1 expires; values come back uncopied',
  async (t) => {
    // A long TTL for the identity check: a loaded machine may stall longer than a short one.
    const { redis, cache } = await standalone(t, { ttl: 60_000, jitter: 0 });
    const value = { n: 1 };
    await cache.set('k', value);
    t.equal(await cache.get('k'), value, 'the same object: no copy');
    await cache.set('short', 1, { ttl: 100 });
    await sleep(150);
    t.equal(await cache.get('short'), undefined, 'expired');
    t.equal(await redis.call('EXISTS', 'cache:short'), 0, 'no grace: Redis dropped it too');
  },
);

t.test('clone: callers get copies, so mutating them leaves the cache alone', async (t) => {
  const { cache } = await standalone(t, { l1: { clone: true } });
  const value = { list: [1] };
  await cache.set('k', value);
  value.list.push(2);
  const first = await cache.get<{ list: number[] }>('k');
  t.same(first, { list: [1] });
  first?.list.push(3);
  t.same(await cache.get('k'), { list: [1] });
  t.same(await cache.getOrSet('k', () => ({ list: [] })), { list: [1] });
});

t.test('getMany, setMany, deleteMany', async (t) => {
  const { cache, redis } = await standalone(t);
  await cache.setMany<unknown>([
    { key: 'a', value: 1 },
    { key: 'b', value: 'two', ttl: 5_000 },
    { key: 'c', value: null },
  ]);
  t.same(await cache.getMany(['a', 'b', 'c', 'd']), [1, 'two', null, undefined]);
  await redis.call('DEL', 'cache:a');
  const other = await cache.getMany(['a']);
  t.same(other, [1], 'from L1');
  await cache.deleteMany(['a', 'b']);
  t.same(await cache.getMany(['a', 'b', 'c']), [undefined, undefined, null]);
  t.same(await cache.getMany([]), []);
  await cache.deleteMany([]);
  await cache.namespace('empty').clear();
});

t.test('namespaces: prefixes, isolation, clear of one namespace only', async (t) => {
  const { cache, redis } = await standalone(t, { namespace: 'app' });
  const users = cache.namespace('users');
  const posts = cache.namespace('posts');
  t.equal(users.name, 'app:users');
  await users.set('1', 'ada');
  await posts.set('1', 'hello');
  await cache.set('1', 'root');
  t.equal(await redis.call('EXISTS', 'app:users:1'), 1);
  t.equal(await users.get('1'), 'ada');
  t.equal(await posts.get('1'), 'hello');
  await users.clear();
  t.equal(await users.get('1'), undefined);
  t.equal(await posts.get('1'), 'hello');
  t.equal(await cache.get('1'), 'root');
  t.equal(await redis.call('EXISTS', 'app:posts:1'), 1);
  await cache.clear();
  t.equal(await posts.get('1'), undefined, 'clearing a namespace clears those under it');
  t.equal(await cache.get('1'), undefined);
  t.throws(() => cache.namespace('#tags'), { code: 'E_INVALID_OPTION' });
  t.throws(() => cache.namespace(''), { code: 'E_INVALID_OPTION' });
});

t.test('any string is a key: unicode, spaces, __proto__, 10 KB', async (t) => {
  const { cache, redis } = await standalone(t);
  const keys = [
    'ключ 🔑',
    'with space',
    '__proto__',
    'constructor',
    '#hash',
    '',
    'x'.repeat(10_000),
  ];
  for (const [i, key] of keys.entries()) await cache.set(key, i);
  for (const [i, key] of keys.entries()) t.equal(await cache.get(key), i, `key ${i}`);
  const names = (await redis.call('KEYS', '*')) as string[];
  t.ok(
    names.every((name) => Buffer.byteLength(name) < 260),
    'long keys are hashed',
  );
  t.ok(names.includes('cache:__proto__'));
  t.ok(
    names.some((name) => name.startsWith('cache:#h:')),
    'reserved first character hashed',
  );
  t.equal(({} as Record<string, unknown>).polluted, undefined);
});

t.test('a key that is not a string: get, has and getOrSet reject, they do not throw', async (t) => {
  const { cache } = await standalone(t);
  const key = 42 as unknown as string;
  const calls = [() => cache.get(key), () => cache.has(key), () => cache.getOrSet(key, () => 1)];
  for (const call of calls) {
    let promise: Promise<unknown> | undefined;
    t.doesNotThrow(() => {
      promise = call();
    });
    await t.rejects(promise as Promise<unknown>, TypeError);
  }
});

t.test('stats and the diagnostics channel', async (t) => {
  const { cache } = await standalone(t);
  const events: CacheEvent[] = [];
  const listener = (event: unknown) => events.push(event as CacheEvent);
  subscribe('redis-infra:cache', listener);
  t.teardown(() => unsubscribe('redis-infra:cache', listener));
  t.equal(cacheChannel.hasSubscribers, true);
  t.equal(cache.stats().hitRatio, 0);
  await cache.get('k');
  await cache.set('k', 1);
  await cache.get('k');
  await cache.getOrSet('k', () => 2);
  await cache.invalidateTags(['t']);
  await cache.clear();
  const stats = cache.stats();
  t.match(stats, {
    hits: 2,
    misses: 1,
    l1: { hits: 2, misses: 1, entries: 0 },
    l2: { hits: 0, misses: 1, errors: 0 },
    bus: { connected: true, published: Number },
  });
  t.equal(stats.hitRatio, 2 / 3);
  t.same(
    events.map((e) => [e.op, e.hit, e.tier]),
    [
      ['get', false, 'none'],
      ['set', false, 'none'],
      ['get', true, 'l1'],
      ['getOrSet', true, 'l1'],
      ['invalidateTags', false, 'none'],
      ['clear', false, 'none'],
    ],
  );
  t.match(events[0], { namespace: 'cache', key: 'k' });
});

t.test('a read in flight at close() answers, and leaves nothing in L1', async (t) => {
  const { redis, manager, cache } = await standalone(t);
  await cacheFor(t, manager).set('k', 1); // in Redis, not in this cache's L1
  redis.pause();
  const reading = cache.get('k');
  await cache.close();
  redis.resume();
  t.equal(await reading, 1, 'the read went through');
  t.equal(cache.stats().l1.entries, 0, 'and did not fill the closed L1');
  t.equal(cache.peek('k'), undefined);
});

t.test('close: calls reject with E_CACHE_CLOSED; the manager stays open', async (t) => {
  const { cache, manager } = await standalone(t);
  await cache.set('k', 1);
  await cache.close();
  await cache.close();
  t.equal(cache.peek('k'), undefined, 'peek does not throw: L1 is gone');
  await t.rejects(cache.get('k'), { code: 'E_CACHE_CLOSED', message: /^@redis-infra\/cache: / });
  await t.rejects(cache.set('k', 1), { code: 'E_CACHE_CLOSED' });
  await t.rejects(
    cache.getOrSet('k', () => 1),
    { code: 'E_CACHE_CLOSED' },
  );
  await t.rejects(cache.getMany(['k']), { code: 'E_CACHE_CLOSED' });
  await t.rejects(cache.delete('k'), { code: 'E_CACHE_CLOSED' });
  t.equal(await manager.client('cache').ping(), 'PONG');
});

/** How many times the server ran `command` since its stats were reset. */
async function calls(redis: RedisServer, command: string): Promise<number> {
  const stats = String(await redis.call('INFO', 'commandstats'));
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
}

t.test('the Redis reads of one turn go out together: one MGET per 100 keys', async (t) => {
  const { redis, manager, cache } = await standalone(t, { namespace: 'batch' });
  const keys = Array.from({ length: 250 }, (_, i) => `k${i}`);
  await cache.setMany(keys.map((key, i) => ({ key, value: { i } })));
  await redis.call('SET', 'batch:foreign', '{"i":-1}');
  // Another instance: its L1 is empty, so each call below reads Redis.
  const other = cacheFor(t, manager, { namespace: 'batch' });
  await redis.call('CONFIG', 'RESETSTAT');
  const [values, has, loaded, foreign] = await Promise.all([
    Promise.all(keys.slice(0, 200).map((key) => other.get(key))),
    Promise.all(keys.slice(200, 240).map((key) => other.has(key))),
    Promise.all(keys.slice(240).map((key) => other.getOrSet(key, () => ({ i: -2 })))),
    other.get('foreign'),
  ]);
  t.same(
    values,
    keys.slice(0, 200).map((_, i) => ({ i })),
  );
  t.ok(has.every(Boolean));
  t.same(
    loaded,
    keys.slice(240).map((_, i) => ({ i: 240 + i })),
    'no loader ran',
  );
  t.equal(foreign, undefined, "another library's value in the batch is a miss");
  t.equal(await calls(redis, 'mget'), 3, '251 reads, 3 MGETs');
  t.equal(await calls(redis, 'get'), 0);
  t.equal(other.stats().l2.hits, 250);

  // A read called after a write in the same turn still reaches Redis after it.
  const [, written] = await Promise.all([cache.set('w', 'new'), other.get('w')]);
  t.equal(written, 'new', 'read after write');

  const single = cacheFor(t, manager, { namespace: 'batch', readBatch: 1 });
  await redis.call('CONFIG', 'RESETSTAT');
  const again = await Promise.all(keys.slice(0, 20).map((key) => single.get(key)));
  t.same(
    again,
    keys.slice(0, 20).map((_, i) => ({ i })),
  );
  t.equal(await calls(redis, 'get'), 20, 'readBatch 1: a GET each');
  t.equal(await calls(redis, 'mget'), 0);
});

t.test('a failed MGET is a miss for each of its reads, and an error each', async (t) => {
  const errors: unknown[] = [];
  const { redis, manager, cache } = await standalone(t, { namespace: 'fail' });
  await cache.setMany([
    { key: 'a', value: 1 },
    { key: 'b', value: 2 },
  ]);
  const other = cacheFor(t, manager, { namespace: 'fail', onError: (e) => errors.push(e) });
  await redis.call('CONFIG', 'RESETSTAT');
  // The server stops: the one MGET carrying both reads runs past its deadline.
  redis.pause();
  let values: unknown[];
  try {
    values = await Promise.all([other.get('a'), other.get('b')]);
  } finally {
    redis.resume();
  }
  t.same(values, [undefined, undefined], 'a miss each');
  t.equal(other.stats().l2.errors, 2);
  t.match(errors, [{ code: 'E_L2' }, { code: 'E_L2' }]);
  t.equal(await calls(redis, 'mget'), 1, 'one command');
  t.equal(await calls(redis, 'get'), 0);
});

t.test('a read gathered before the manager closes is skipped, not reported', async (t) => {
  const errors: unknown[] = [];
  const { manager, cache } = await standalone(t);
  await cache.set('a', 1);
  const other = cacheFor(t, manager, { onError: (e) => errors.push(e) });
  // Called before close(), sent after it: the manager refuses it.
  const read = other.get('a');
  await manager.close();
  t.equal(await read, undefined);
  t.equal(other.stats().l2.errors, 1, 'counted');
  t.same(errors, [], 'not reported: the manager closing is no Redis failure');
});
