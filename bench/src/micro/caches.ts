import { type Cache, createCache } from '@redis-infra/cache';
import type { Owner } from '@redis-infra/testing';
import { createCache as createDedupe } from 'async-cache-dedupe';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis';
import { managerFor, rawClient, type Target } from './clients.js';

/** Keys every cache holds before the hit rounds. */
export const KEYS = 10_000;
/** L1 bound of every tiered cache: all keys fit. */
const L1_ENTRIES = 20_000;
/** TTL of the values read back (longer than any run). */
export const LONG_TTL_MS = 30 * 60_000;
/** TTL of the values written by the miss rounds (short, so Redis does not fill up). */
export const SHORT_TTL_MS = 5_000;

/** The cached value: a small product-like object (about 250 bytes of JSON). */
export const VALUE = Object.freeze({
  id: 42,
  sku: 'BENCH-0042',
  name: 'Benchmark widget',
  price: { amount: 1999, currency: 'EUR' },
  tags: ['bench', 'widget', 'blue'],
  stock: 17,
  description: 'A widget that exists to be cached. '.repeat(3).trim(),
});
export type Value = typeof VALUE;

/** A loader: what a miss costs apart from the cache (nothing, here). */
export const load = async (): Promise<Value> => VALUE;

let filling = false;
/** The loader of the hit rounds: loads while the caches are filled, throws afterwards (a hit round that misses is a broken contender). */
export const loadWhileFilling = async (): Promise<Value> => {
  if (!filling) throw new Error('@redis-infra/bench: a hit round missed and called its loader');
  return VALUE;
};

/** An async-cache-dedupe cache with one defined function. */
type Dedupe = { item(key: string): Promise<Value>; fresh(key: string): Promise<Value> };

/** Every cache of the cache suites, built the way each library's docs build it. */
export interface Caches {
  /** Ours with an L1 that holds every key: reads of warm keys are L1 hits. */
  ours: Cache;
  /** Ours with the smallest L1 allowed (1 entry): every read goes to Redis. */
  oursL2: Cache;
  /** bentocache, memory L1 (by default it keeps serialized copies) + Redis L2 + Redis bus. */
  bentoTiered: ReturnType<BentoCache<never>['use']>;
  /** bentocache, memory L1 storing the objects themselves (`serialize: false`) + L2 + bus. */
  bentoTieredRef: ReturnType<BentoCache<never>['use']>;
  /** bentocache, Redis only. */
  bentoL2: ReturnType<BentoCache<never>['use']>;
  /** async-cache-dedupe with its Redis storage (`item`: long TTL, `fresh`: short). */
  dedupe: Dedupe;
  /** A raw auto-pipelined ioredis client: the ceiling of anything that reads Redis. */
  raw: Awaited<ReturnType<typeof rawClient>>;
}

/** Builds every cache on `owner` (closed with it). The peers get auto-pipelined ioredis clients. */
export async function buildCaches(owner: Owner, target: Target): Promise<Caches> {
  const manager = await managerFor(owner, target);
  const ours = createCache({
    manager,
    namespace: 'bench-ours',
    ttl: LONG_TTL_MS,
    l1: { maxEntries: L1_ENTRIES },
  });
  owner.teardown(() => ours.close());
  const oursL2 = createCache({
    manager,
    namespace: 'bench-ours-l2',
    ttl: LONG_TTL_MS,
    l1: { maxEntries: 1 },
  });
  owner.teardown(() => oursL2.close());

  const connection = { host: target.host, port: target.port };
  const bento = new BentoCache({
    default: 'tiered',
    ttl: LONG_TTL_MS,
    stores: {
      tiered: bentostore()
        .useL1Layer(memoryDriver({ maxItems: L1_ENTRIES }))
        .useL2Layer(redisDriver({ connection: await rawClient(owner, target), prefix: 'bt' }))
        .useBus(redisBusDriver({ connection })),
      tieredRef: bentostore()
        .useL1Layer(memoryDriver({ maxItems: L1_ENTRIES, serialize: false }))
        .useL2Layer(redisDriver({ connection: await rawClient(owner, target), prefix: 'btr' }))
        .useBus(redisBusDriver({ connection })),
      l2: bentostore().useL2Layer(
        redisDriver({ connection: await rawClient(owner, target), prefix: 'b2' }),
      ),
    },
  });
  owner.teardown(() => bento.disconnectAll());

  const dedupe = createDedupe({
    ttl: LONG_TTL_MS / 1000,
    storage: { type: 'redis', options: { client: await rawClient(owner, target) } },
  })
    .define('item', loadWhileFilling)
    .define('fresh', { ttl: SHORT_TTL_MS / 1000 }, load) as unknown as Dedupe;

  return {
    ours,
    oursL2,
    bentoTiered: bento.use('tiered'),
    bentoTieredRef: bento.use('tieredRef'),
    bentoL2: bento.use('l2'),
    dedupe,
    raw: await rawClient(owner, target),
  };
}

/** The key names of a run with `count` keys: `bench:<n % count>`. */
export const keyNames =
  (count: number) =>
  (n: number): string =>
    `bench:${n % count}`;

/** Keys filled at a time. */
const FILL_SLICE = 500;

/** Puts the first `count` keys into every cache, so that the hit rounds hit. */
export async function fillCaches(caches: Caches, count: number): Promise<void> {
  const keyOf = keyNames(count);
  const keys = Array.from({ length: count }, (_, n) => keyOf(n));
  const json = JSON.stringify(VALUE);
  await caches.raw.mset(Object.fromEntries(keys.map((key) => [`raw:${key}`, json])));
  filling = true;
  try {
    // In slices: a command's deadline runs from its call, and tens of thousands of calls in
    // one tick would leave the last ones waiting past it behind the first.
    for (let start = 0; start < keys.length; start += FILL_SLICE) {
      await Promise.all(
        keys
          .slice(start, start + FILL_SLICE)
          .flatMap((key) => [
            caches.ours.getOrSet(key, loadWhileFilling),
            caches.oursL2.set(key, VALUE),
            caches.bentoTiered.getOrSet({ key, factory: loadWhileFilling }),
            caches.bentoTieredRef.getOrSet({ key, factory: loadWhileFilling }),
            caches.bentoL2.set({ key, value: VALUE }),
            caches.dedupe.item(key),
          ]),
      );
    }
  } finally {
    filling = false;
  }
}
