import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCache } from '@redis-infra/cache';
import { resolveConfig } from '@redis-infra/config-resolver';
import { createRedisManager } from '@redis-infra/redis-manager';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';

/** Caches the memory suite fills. */
export const MEMORY_CACHES = ['ours', 'bentocache'] as const;
/** One of {@link MEMORY_CACHES}. */
export type MemoryCache = (typeof MEMORY_CACHES)[number];

/** Longer than any fill: nothing expires while it is measured. */
const TTL_MS = 60 * 60_000;

/** The key of entry `n`. */
export const entryKey = (n: number): string => `mem:${n}`;

/**
 * The value of entry `n`: a small object, about 100 bytes of JSON (92 to 102), with strings
 * of its own, like a row read from a database (only the tag strings are shared).
 */
export const entryValue = (n: number) => ({
  id: n,
  sku: `SKU-${String(n).padStart(7, '0')}`,
  name: `Item number ${n}`,
  price: n % 10_000,
  tags: ['bench', 'memory'],
});

/** A cache ready to be filled. */
export interface Fillable {
  /** Writes entry `n` through the cache's public API. */
  write(n: number): Promise<unknown>;
  /** Entries held now, and the bytes the cache counts for them (when it says). */
  held(entries: number): Promise<{ kept: number; countedBytes: number | null }>;
  /** Closes everything the fill opened. */
  close(): Promise<void>;
}

/**
 * A cache no one has written to yet, bounded by `maxBytes` only: `entries` (what the fill
 * writes) is the count bound of a cache that must have one.
 */
export type Setup = (entries: number, maxBytes: number) => Promise<Fillable>;

/** What happens before the empty cache is made (a manager for ours), so the baseline holds it. */
export type Prepare = () => Promise<Setup>;

/**
 * Ours: `createCache` with `l1: { maxEntries: 0, maxBytes }` (bounded by bytes only, as a
 * byte budget is meant), every other option its default,
 * over a manager in the memory fallback (its Redis is a Unix socket that does not exist),
 * so that `set` fills L1 only and no Redis holds a million keys. L1 keeps what `set` keeps
 * with Redis up: the same entry, the same size.
 */
const prepareOurs: Prepare = async () => {
  const config = await resolveConfig({
    env: {},
    options: {
      environment: 'development',
      fallback: 'memory',
      path: join(tmpdir(), `redis-infra-bench-no-redis-${process.pid}.sock`),
      connectTimeoutMs: 200,
    },
  });
  const manager = createRedisManager(config);
  await manager.connect();
  if (manager.state('cache') !== 'fallback') {
    throw new Error(`@redis-infra/bench: the memory manager is ${manager.state('cache')}`);
  }
  return async (_entries, maxBytes) => {
    const cache = createCache({ manager, ttl: TTL_MS, l1: { maxEntries: 0, maxBytes } });
    return {
      write: (n) => cache.set(entryKey(n), entryValue(n)),
      held: async () => {
        const { l1 } = cache.stats();
        return { kept: l1.entries, countedBytes: l1.bytes };
      },
      close: async () => {
        await cache.close();
        await manager.close();
      },
    };
  };
};

/** bentocache: a memory-only store, `memoryDriver({ maxItems, maxSize })`, its defaults otherwise. */
const prepareBento: Prepare = async () => async (entries, maxBytes) => {
  const bento = new BentoCache({
    default: 'memory',
    ttl: TTL_MS,
    stores: {
      memory: bentostore().useL1Layer(memoryDriver({ maxItems: entries, maxSize: maxBytes })),
    },
  });
  // bentocache builds its stores on first use: one read, so the empty cache exists too.
  await bento.has({ key: entryKey(-1) });
  return {
    write: (n) => bento.set({ key: entryKey(n), value: entryValue(n) }),
    held: async (entries) => {
      // It reports no count. Written in order and never read, its LRU evicted the oldest
      // first: what it holds is the newest entries, from the first one `has` finds on.
      const has = (n: number): Promise<boolean> => bento.has({ key: entryKey(n) });
      let [low, high] = [0, entries];
      while (low < high) {
        const middle = Math.floor((low + high) / 2);
        if (await has(middle)) high = middle;
        else low = middle + 1;
      }
      const kept = entries - low;
      if (kept > 0 && !(await has(entries - 1)))
        throw new Error('@redis-infra/bench: bentocache lost its newest entry');
      return { kept, countedBytes: null };
    },
    close: () => bento.disconnectAll(),
  };
};

/** How to build each cache. */
export const PREPARE: Readonly<Record<MemoryCache, Prepare>> = {
  ours: prepareOurs,
  bentocache: prepareBento,
};
