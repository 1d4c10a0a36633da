import { startRedis } from '@redis-infra/testing';
import t from 'tap';
import { createCache, DEFAULTS } from '../src/index.js';
import { jittered } from '../src/options.js';
import { configFor, managerFor, standalone } from './helpers.js';

t.test('invalid options are listed at once', async (t) => {
  const redis = await startRedis(t);
  const manager = await managerFor(t, await configFor(redis));
  t.throws(
    () =>
      createCache({
        manager,
        ttl: -1,
        role: 'nope',
        namespace: '#x',
        jitter: 2,
        grace: Number.NaN,
        l1: { maxEntries: -1 },
        distributedLock: { leaseMs: 1 },
        bus: { heartbeatMs: -5 },
        serializer: {} as never,
        readBatch: 0,
      }),
    {
      name: 'CacheOptionsError',
      code: 'E_INVALID_OPTION',
      problems: [
        'ttl must be a finite number > 0',
        'namespace "#x" must not start with "#" (reserved)',
        'jitter must be at most 1',
        'serializer must have serialize() and deserialize()',
        'grace must be a finite number >= 0',
        'l1.maxEntries must be an integer >= 0',
        'readBatch must be an integer >= 1',
        'distributedLock.leaseMs must be a finite number >= 3',
        'bus.heartbeatMs must be a finite number >= 0',
        'role "nope" is not a role of the manager (main, rateLimit, cache)',
      ],
    },
  );
  t.throws(() => createCache({} as never), {
    code: 'E_INVALID_OPTION',
    problems: ['manager must be a RedisManager', 'ttl is required (milliseconds)'],
  });
  t.throws(() => createCache({ manager, ttl: 1, readBatch: 2.5, l1: { maxEntries: 2.5 } }), {
    code: 'E_INVALID_OPTION',
    problems: ['l1.maxEntries must be an integer >= 0', 'readBatch must be an integer >= 1'],
  });
  t.throws(() => createCache({ manager, ttl: 1, jitter: 'x' as never, namespace: '' }), {
    code: 'E_INVALID_OPTION',
    problems: ['namespace must be a non-empty string', 'jitter must be a finite number >= 0'],
  });
});

t.test('defaults', async (t) => {
  t.match(DEFAULTS, {
    role: 'cache',
    namespace: 'cache',
    grace: 0,
    jitter: 0.1,
    negativeTtl: 5_000,
    maxEntries: 10_000,
    maxBytes: 67_108_864,
    clone: false,
    maxValueBytes: 1_048_576,
    readBatch: 100,
    leaseMs: 5_000,
    pollMs: 50,
    heartbeatMs: 5_000,
    suppressL2Errors: true,
  });
  t.ok(Object.isFrozen(DEFAULTS));
});

t.test('jitter: keys written together do not expire together', async (t) => {
  const values = Array.from({ length: 1_000 }, () => jittered(10_000, 0.1));
  t.ok(values.every((v) => v >= 9_000 && v <= 11_000 && Number.isInteger(v)));
  t.ok(new Set(values).size > 500, 'spread');
  t.ok(Math.min(...values) < 9_200 && Math.max(...values) > 10_800, 'over the whole ±10%');
  t.equal(jittered(10.4, 0), 10);
  t.equal(jittered(0.2, 0.5), 1, 'at least 1 ms');
  const { cache, redis } = await standalone(t);
  await cache.setMany(Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: i })));
  const ttls = await Promise.all(
    Array.from({ length: 50 }, (_, i) => redis.call('PTTL', `cache:k${i}`)),
  );
  t.ok(new Set(ttls).size > 25, 'in Redis too');
});

t.test('l1 bounds: entries and bytes', async (t) => {
  const { cache } = await standalone(t, { l1: { maxEntries: 3, maxBytes: 100_000 } });
  await cache.setMany(Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: i })));
  t.equal(cache.stats().l1.entries, 3);
  const small = (await standalone(t, { l1: { maxBytes: 2_000 } })).cache;
  await small.setMany(
    Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: 'x'.repeat(300) })),
  );
  t.ok(small.stats().l1.bytes <= 2_000, `${small.stats().l1.bytes} bytes`);
  t.ok(small.stats().l1.entries < 10);
  await small.set('huge', 'x'.repeat(5_000));
  t.equal(await small.get('huge'), 'x'.repeat(5_000), 'too big for L1: still in Redis');
  const bytesOnly = (await standalone(t, { l1: { maxEntries: 0, maxBytes: 20_000 } })).cache;
  await bytesOnly.setMany(Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: i })));
  const { entries, bytes } = bytesOnly.stats().l1;
  t.ok(
    entries > 50 && entries < 200 && bytes <= 20_000,
    `maxEntries 0: ${entries} entries in ${bytes} bytes`,
  );
});
