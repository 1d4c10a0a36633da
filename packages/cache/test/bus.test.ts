import { setTimeout as sleep } from 'node:timers/promises';
import { type Owner, startProxy, startRedis, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { parse } from '../src/bus.js';
import { type CacheOptions, createCache } from '../src/index.js';
import { busUp, cacheFor, configFor, managerFor } from './helpers.js';

const CHANNEL = '#cache:bus';

/** Two app instances: two managers on one server, a cache on each. */
async function twoInstances(t: Owner, options: Partial<CacheOptions> = {}) {
  const redis = await startRedis(t);
  const config = await configFor(redis);
  const [managerA, managerB] = await Promise.all([managerFor(t, config), managerFor(t, config)]);
  const a = cacheFor(t, managerA, options);
  const b = cacheFor(t, managerB, options);
  if (options.bus !== false) await Promise.all([busUp(a), busUp(b)]);
  return { redis, a, b };
}

t.test('two instances stay coherent through set, delete, clear and tags', async (t) => {
  const { a, b } = await twoInstances(t);
  await a.set('k', 1);
  t.equal(await b.get('k'), 1, 'B reads it from L2 into its L1');
  await a.set('k', 2);
  await waitFor('B to see the write', async () => (await b.get('k')) === 2);
  await a.delete('k');
  await waitFor('B to see the delete', async () => (await b.get('k')) === undefined);

  await a.setMany([
    { key: 'x', value: 'x', tags: ['red'] },
    { key: 'y', value: 'y', tags: ['blue'] },
  ]);
  t.same(await b.getMany(['x', 'y']), ['x', 'y']);
  await a.invalidateTags(['red']);
  await waitFor('B to drop red entries', async () => (await b.get('x')) === undefined);
  t.equal(await b.get('y'), 'y');

  await b.set('z', 'z');
  t.equal(await a.get('z'), 'z');
  await b.clear();
  // 'y' sits in A's L1 (A wrote it): only the bus can take it away.
  await waitFor('A to see the clear', async () => (await a.get('y')) === undefined);
  t.equal(await a.get('z'), undefined);
  t.ok(b.stats().bus.received > 0 && a.stats().bus.published > 0);
  t.equal(a.stats().bus.gaps, 0);
});

t.test(
  'a partitioned instance serves nothing older than the last write once its bus is back',
  async (t) => {
    const redis = await startRedis(t);
    const proxy = await startProxy(t, redis);
    const managerA = await managerFor(t, await configFor({ host: proxy.host, port: proxy.port }));
    const managerB = await managerFor(t, await configFor(redis));
    const a = cacheFor(t, managerA);
    const b = cacheFor(t, managerB);
    await Promise.all([busUp(a), busUp(b)]);
    await b.set('k', 'v1');
    t.equal(await a.get('k'), 'v1');

    proxy.cut();
    await waitFor('A to notice', () => !a.stats().bus.connected);
    await b.set('k', 'v2');
    await b.set('other', 'o2');
    t.equal(await a.get('k'), 'v1', 'during the partition A serves its L1');
    const drops = a.stats().bus.drops;
    proxy.restore();
    await waitFor(
      'the bus to be back',
      () => a.stats().bus.connected && a.stats().bus.drops > drops,
      {
        timeoutMs: 5_000,
      },
    );
    t.not(
      await a.get('k'),
      'v1',
      'no value older than the last write (a miss while the pool reconnects)',
    );
    await waitFor('the pool to be back', () => managerA.state('cache') === 'up');
    t.equal(await a.get('k'), 'v2');
    await b.set('k', 'v3');
    await waitFor('A to follow again', async () => (await a.get('k')) === 'v3');
  },
);

t.test(
  'caches whose root namespaces nest (app, app:users) share keys and stay coherent',
  async (t) => {
    const redis = await startRedis(t);
    const config = await configFor(redis);
    const [managerA, managerB] = await Promise.all([managerFor(t, config), managerFor(t, config)]);
    const app = cacheFor(t, managerA, { namespace: 'app' });
    const users = cacheFor(t, managerB, { namespace: 'app:users' });
    const other = cacheFor(t, managerB, { namespace: 'other' });
    await Promise.all([busUp(app), busUp(users), busUp(other)]);

    // `users:x` of app is `x` of app:users: one Redis key, dropped from both L1s by either write.
    await users.set('x', 1);
    await app.set('users:x', 2);
    await waitFor('app:users to drop its copy', () => users.peek('x') === undefined);
    t.equal(await users.get('x'), 2);
    await users.set('x', 3);
    await waitFor('app to drop its copy', () => app.peek('users:x') === undefined);
    t.equal(await app.get('users:x'), 3);

    // A clear of app:users drops only those keys from app's L1; a clear of app, all of app:users.
    await app.set('kept', 'kept');
    await other.set('x', 'other');
    await users.clear();
    await waitFor('app to drop users:x', () => app.peek('users:x') === undefined);
    t.equal(app.peek('kept'), 'kept');
    await users.set('y', 'y');
    await app.clear();
    await waitFor('app:users to drop everything', () => users.peek('y') === undefined);
    t.equal(await users.get('y'), undefined, 'gone from Redis too');
    t.equal(other.peek('x'), 'other', 'an unrelated root keeps its L1');
    t.equal(await other.get('x'), 'other');
  },
);

t.test('a skipped sequence number or a heartbeat ahead of us drops L1', async (t) => {
  const { redis, a } = await twoInstances(t, { bus: { heartbeatMs: 40 } });
  const fill = async () => {
    await a.set('k', 1);
    t.equal(a.stats().l1.entries, 1);
  };
  await fill();
  await redis.call('PUBLISH', CHANNEL, JSON.stringify(['peer', [1, 'd', ['nothing']]]));
  await redis.call('PUBLISH', CHANNEL, JSON.stringify(['peer', [2, 'd', ['nothing']]]));
  await sleep(20);
  t.equal(a.stats().l1.entries, 1, 'in order: nothing lost');
  await redis.call('PUBLISH', CHANNEL, JSON.stringify(['peer', [4, 'd', ['nothing']]]));
  await waitFor('the gap', () => a.stats().bus.gaps === 1);
  t.equal(a.stats().l1.entries, 0, 'L1 dropped');

  await fill();
  await redis.call('PUBLISH', CHANNEL, JSON.stringify(['peer', [4, 'h']]));
  await sleep(20);
  t.equal(a.stats().l1.entries, 1, 'a heartbeat with the last number: fine');
  await redis.call('PUBLISH', CHANNEL, JSON.stringify(['peer', [5, 'h']]));
  await waitFor('the heartbeat gap', () => a.stats().bus.gaps === 2);
  t.equal(a.stats().l1.entries, 0);

  await sleep(200);
  await fill();
  await redis.call('PUBLISH', CHANNEL, JSON.stringify(['peer', [9, 'd', ['nothing']]]));
  await sleep(20);
  t.equal(a.stats().bus.gaps, 2, 'a silent peer was forgotten: its next number is a new start');
  t.equal(a.stats().l1.entries, 1);
});

t.test('hostile or foreign messages on the channel are ignored', async (t) => {
  const { redis, a } = await twoInstances(t);
  await a.set('k', 1);
  const received = a.stats().bus.received;
  for (const message of [
    'not json',
    '{"__proto__":{"polluted":1}}',
    '[1, [1, "d", []]]',
    '["x", "nope"]',
    '["x", [1, "d", [1]]]',
    '["x", [1, "c", 5]]',
    '["x", [1, "t", [["tag"]]]]',
    '["x", [1, "t", "no"]]',
    '["x", [1, "?"]]',
    '["__proto__", [1, "d", ["cache:k"]], {"__proto__": {"polluted": 1}}]',
  ])
    await redis.call('PUBLISH', CHANNEL, message);
  await redis.call('PUBLISH', 'another-channel', '["x", [1, "c", ""]]');
  await sleep(30);
  t.equal(a.stats().bus.received, received, 'none counted');
  t.equal(await a.get('k'), 1);
  t.equal(({} as Record<string, unknown>).polluted, undefined);
  t.same(parse('["id",[3,"c","p:"],[4,"t",[["p:#t:x",7]]],[5,"h"]]'), {
    id: 'id',
    entries: [
      { seq: 3, message: { op: 'c', prefix: 'p:' } },
      { seq: 4, message: { op: 't', tags: [['p:#t:x', 7]] } },
      { seq: 5, message: undefined },
    ],
  });
});

t.test('a tag version of 0 means: look it up again', async (t) => {
  const { redis, a } = await twoInstances(t);
  await a.set('k', 1, { tags: ['t'] });
  await redis.call('PUBLISH', CHANNEL, JSON.stringify(['peer', [1, 't', [['cache:#t:t', 0]]]]));
  await waitFor('the message', () => a.stats().bus.received === 1);
  redis.pause();
  const started = performance.now();
  t.equal(await a.get('k'), undefined, 'the entry cannot be checked: Redis is asked');
  t.ok(performance.now() - started >= 250);
  redis.resume();
  t.equal(await a.get('k'), 1, 'Redis says the version is current');
});

t.test('caches on two prefixes share one subscriber; each hears its own channel', async (t) => {
  const redis = await startRedis(t);
  const config = await configFor(redis, { roles: { cache: { keyPrefix: 'other:' } } });
  const [one, two] = await Promise.all([managerFor(t, config), managerFor(t, config)]);
  const plain = cacheFor(t, one, { role: 'main' });
  const prefixed = cacheFor(t, one);
  const writer = cacheFor(t, two);
  await Promise.all([busUp(plain), busUp(prefixed), busUp(writer)]);
  await prefixed.set('k', 1);
  await plain.set('k', 'main');
  await writer.set('k', 2);
  await waitFor('the prefixed cache to follow', async () => (await prefixed.get('k')) === 2);
  t.equal(await plain.get('k'), 'main');
  t.equal(plain.stats().bus.received, 0, 'nothing on its channel');
  t.equal(await redis.call('GET', 'k'), null);
  t.match(String(await redis.call('GET', 'other:cache:k')), /\n2$/);
});

t.test('bus: false leaves each L1 to its TTL', async (t) => {
  const { a, b } = await twoInstances(t, { bus: false });
  t.equal(a.stats().bus.connected, false);
  await a.set('k', 1);
  t.equal(await b.get('k'), 1);
  await a.set('k', 2);
  await sleep(30);
  t.equal(await b.get('k'), 1, 'B keeps its copy');
  await a.invalidateTags(['x']);
  await a.clear();
  await a.delete('k');
});

t.test('caches sharing a subscriber: closing one keeps the other listening', async (t) => {
  const redis = await startRedis(t);
  const manager = await managerFor(t, await configFor(redis));
  const other = await managerFor(t, await configFor(redis));
  const first = cacheFor(t, manager);
  const second = cacheFor(t, manager, { namespace: 'second' });
  const writer = cacheFor(t, other, { namespace: 'second' });
  await Promise.all([busUp(first), busUp(second), busUp(writer)]);
  await first.close();
  await second.set('k', 1);
  await writer.set('k', 2);
  await waitFor('second to see the write', async () => (await second.get('k')) === 2);
});

t.test('messages that cannot be sent are counted (and show as gaps to the others)', async (t) => {
  const { redis, a, b } = await twoInstances(t);
  redis.pause();
  await Promise.all([a.set('k', 1), a.set('j', 2)]);
  await waitFor('publish errors', () => a.stats().bus.errors > 0);
  redis.resume();
  await waitFor('B to notice the lost message', async () => {
    await a.set('k', 3);
    return b.stats().bus.gaps > 0;
  });
});

t.test('closing after the manager: leaving the channel fails quietly', async (t) => {
  const redis = await startRedis(t);
  const manager = await managerFor(t, await configFor(redis));
  const cache = cacheFor(t, manager);
  await busUp(cache);
  await manager.close();
  await cache.close();
  t.pass('no throw');
  await sleep(20);
  t.ok(cache.stats().bus.errors >= 1);
});

t.test('a cache closed before its subscription is acknowledged stays closed', async (t) => {
  const redis = await startRedis(t);
  const manager = await managerFor(t, await configFor(redis));
  const cache = createCache({ manager, ttl: 1_000 });
  await cache.close();
  await sleep(50);
  t.equal(cache.stats().bus.connected, false);
});
