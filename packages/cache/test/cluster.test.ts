import { type Owner, startCluster, waitFor } from '@redis-infra/testing';
import t from 'tap';
import type { CacheOptions } from '../src/index.js';
import { busUp, cacheFor, configFor, counting, managerFor } from './helpers.js';

// One cluster (3 masters, 3 replicas) for the whole file: it takes seconds to start.
const cluster = await startCluster(t);
const config = await configFor(
  { host: '127.0.0.1', port: 1 },
  {
    clusterNodes: cluster.startupNodes,
    keyPrefix: 'app:',
    commandTimeoutMs: 2_000,
    connectTimeoutMs: 3_000,
  },
);

/** A manager and a cache on the cluster, the bus subscribed. */
async function clusterCache(t: Owner, options: Partial<CacheOptions> = {}) {
  const manager = await managerFor(t, config);
  const cache = cacheFor(t, manager, options);
  await busUp(cache);
  return { manager, cache };
}

/** Keys of the cluster matching `pattern`, from every master. */
async function keysOnMasters(pattern: string): Promise<string[][]> {
  const masters = await cluster.masters();
  return Promise.all(masters.map(async (m) => (await m.call('KEYS', pattern)) as string[]));
}

t.test('cluster: keys in every slot, many at once, without cross-slot calls', async (t) => {
  t.equal(config.roles.cache.mode, 'cluster');
  const { cache } = await clusterCache(t, { namespace: 'many' });
  const keys = Array.from({ length: 200 }, (_, i) => `key:${i}`);
  await cache.setMany(keys.map((key, i) => ({ key, value: i })));
  const other = (await clusterCache(t, { namespace: 'many' })).cache;
  t.same(await other.getMany([...keys, 'missing']), [...keys.map((_, i) => i), undefined]);
  t.equal(await other.get('key:7'), 7);
  await cache.deleteMany(keys.slice(0, 100));
  await waitFor(
    'the other instance to drop them',
    async () => (await other.get('key:0')) === undefined,
  );
  t.same(await other.getMany(['key:0', 'key:150']), [undefined, 150]);
  await cache.setMany([
    { key: '{user:1}:name', value: 'Ada' },
    { key: '{user:1}:role', value: 'admin' },
  ]);
  t.same(await other.getMany(['{user:1}:name', '{user:1}:role']), ['Ada', 'admin'], 'one slot');
  await cache.deleteMany(['{user:1}:name', '{user:1}:role']);
  const perMaster = await keysOnMasters('app:many:*');
  t.ok(
    perMaster.every((list) => list.length > 10),
    'spread over every master',
  );
});

t.test('cluster: tags across instances', async (t) => {
  const a = (await clusterCache(t, { namespace: 'tags' })).cache;
  const b = (await clusterCache(t, { namespace: 'tags' })).cache;
  await a.setMany(
    Array.from({ length: 30 }, (_, i) => ({
      key: `p${i}`,
      value: i,
      tags: [`group:${i % 3}`, 'all'],
    })),
  );
  t.equal(await b.get('p4'), 4);
  await a.invalidateTags(['group:1']);
  await waitFor('B to drop group 1', async () => (await b.get('p4')) === undefined);
  const values = await b.getMany(Array.from({ length: 30 }, (_, i) => `p${i}`));
  t.same(
    values,
    Array.from({ length: 30 }, (_, i) => (i % 3 === 1 ? undefined : i)),
  );
  await b.invalidateTags(['all']);
  await waitFor('A to drop everything', async () => (await a.get('p0')) === undefined);
  t.equal(await a.getOrSet('p0', () => 'reloaded', { tags: ['all'] }), 'reloaded');
  t.equal(await b.get('p0'), 'reloaded');
});

t.test('cluster: clear() scans every master, this namespace only', async (t) => {
  const { cache } = await clusterCache(t, { namespace: 'clear' });
  const keep = (await clusterCache(t, { namespace: 'kept' })).cache;
  await cache.setMany(
    Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: i, tags: ['t'] })),
  );
  await keep.set('x', 'x');
  const before = await keysOnMasters('app:clear:*');
  t.ok(
    before.every((list) => list.length > 0),
    'keys on every master',
  );
  await cache.clear();
  t.same(
    await keysOnMasters('app:clear:*'),
    before.map(() => []),
    'none left, tag keys included',
  );
  t.equal(await cache.get('k1'), undefined);
  t.equal(await keep.get('x'), 'x');
});

t.test('cluster: one loader call across instances with the lease', async (t) => {
  const options = { namespace: 'lock', distributedLock: { leaseMs: 2_000, pollMs: 20 } };
  const caches = [(await clusterCache(t, options)).cache, (await clusterCache(t, options)).cache];
  const loader = counting('v', 100);
  const values = await Promise.all(
    Array.from({ length: 200 }, (_, i) => caches[i % 2]?.getOrSet('k', loader.load)),
  );
  t.equal(loader.calls, 1);
  t.ok(values.every((v) => v === 'v'));
});

t.test('cluster: a stalled master fails only the reads of its keys, get and getMany', async (t) => {
  const short = await configFor(
    { host: '127.0.0.1', port: 1 },
    { clusterNodes: cluster.startupNodes, keyPrefix: 'app:', connectTimeoutMs: 3_000 },
  );
  // The breaker stays closed through the stall: each read below reaches its master.
  const manager = await managerFor(t, short, { breaker: { failureThreshold: 1_000 } });
  const cache = cacheFor(t, manager, { namespace: 'iso' });
  const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);
  await cache.setMany(keys.map((key, i) => ({ key, value: i })));
  const [master] = await cluster.masters();
  const held = new Set((await master?.call('KEYS', 'app:iso:*')) as string[]);
  t.ok(held.size > 0 && held.size < keys.length, `${held.size} of the keys on the first master`);

  // Other instances (empty L1) read every key while the first master stalls: `get`s of one
  // turn, and one `getMany`.
  const expected = keys.map((key, i) => (held.has(`app:iso:${key}`) ? undefined : i));
  const other = cacheFor(t, manager, { namespace: 'iso' });
  const many = cacheFor(t, manager, { namespace: 'iso' });
  await master?.call('CLIENT', 'PAUSE', 2_000, 'ALL');
  const started = performance.now();
  const answered: number[] = [];
  const [values, all] = await Promise.all([
    Promise.all(
      keys.map(async (key, i) => {
        const value = await other.get(key);
        answered[i] = performance.now() - started;
        return value;
      }),
    ),
    many.getMany(keys),
  ]);
  t.same(values, expected, "the stalled master's keys miss; the other masters' are served");
  const served = answered.filter((_, i) => expected[i] !== undefined);
  const failed = answered.filter((_, i) => expected[i] === undefined);
  t.ok(
    Math.max(...served) < Math.min(...failed),
    'no get waits for the stalled master but its own keys',
  );
  t.same(all, expected, 'getMany alike');
  t.equal(other.stats().l2.hits, keys.length - held.size);
  t.equal(other.stats().l2.errors, held.size, 'each get counts its failure');
  t.equal(many.stats().l2.errors, 1, 'a getMany counts one');
  await master?.call('PING');
});
