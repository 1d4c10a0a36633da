import type { RedisManager } from '@redis-infra/redis-manager';
import type { CacheError } from './errors.js';

/** Turns values into strings for Redis and back. */
export interface Serializer {
  /** A string for `value`; throwing (or returning a non-string) fails the write with `E_SERIALIZE`. */
  serialize(value: unknown): string;
  /** The value of a stored string; throwing makes the read a miss, never an error. */
  deserialize(text: string): unknown;
}

/** Bounds and behaviour of the in-process tier. */
export interface L1Options {
  /**
   * Most entries kept in memory (least recently used go first); `0`: no count bound, only
   * `maxBytes`. A count bound reserves about 100 bytes per slot up front (lru-cache's
   * index arrays), so a large one costs memory before anything is cached. @default 10000
   */
  maxEntries?: number;
  /** Most bytes kept in memory, as the sum of the entries' approximate sizes. @default 67108864 (64 MiB) */
  maxBytes?: number;
  /** Hand out (and keep) copies made with `structuredClone`, so callers may mutate what they get. @default false */
  clone?: boolean;
}

/** Settings of the cross-instance loader lease. */
export interface LockOptions {
  /** How long a lease lasts unless renewed; the holder renews it every third of this while its loader runs. @default 5000 */
  leaseMs?: number;
  /** How often a waiting instance looks for the value (a bus message wakes it sooner). @default 50 */
  pollMs?: number;
}

/** Settings of the invalidation bus. */
export interface BusOptions {
  /** How often an instance announces its last sequence number, so that peers notice lost messages. `0` turns heartbeats off. @default 5000 */
  heartbeatMs?: number;
}

/** Options of `createCache`. TTLs and durations are in milliseconds. */
export interface CacheOptions {
  /** The redis-manager that owns the connections (the cache never closes it). */
  manager: RedisManager;
  /** Manager role to use; its `keyPrefix` starts every key. @default 'cache' */
  role?: string;
  /** Namespace of this cache: keys are `<keyPrefix><namespace>:<key>`. Must not start with `#`. @default 'cache' */
  namespace?: string;
  /** How long a value is fresh, in ms (before jitter). */
  ttl: number;
  /** How long after expiry a stale value may still be served (at once, while one refresh runs; and when the loader or Redis fails), in ms. @default 0 */
  grace?: number;
  /** Random spread of each TTL, as a fraction: `0.1` is ±10%. @default 0.1 */
  jitter?: number;
  /** TTL of results a loader marks with `ctx.negative()` (not found and the like), in ms. @default 5000 */
  negativeTtl?: number;
  /** In-process tier bounds. @default { maxEntries: 10000, maxBytes: 67108864, clone: false } */
  l1?: L1Options;
  /** How values become strings. @default JSON, parsed with prototype-poisoning protection */
  serializer?: Serializer;
  /** Largest serialized value accepted, in bytes (`E_VALUE_TOO_LARGE` beyond). @default 1048576 (1 MiB) */
  maxValueBytes?: number;
  /** Run each key's loader once across all instances (a Redis lease). `true` uses the defaults. @default false */
  distributedLock?: boolean | LockOptions;
  /** Keep instances' L1 coherent over Redis pub/sub. `false` leaves each L1 to its TTLs. @default true */
  bus?: boolean | BusOptions;
  /**
   * The most keys one `MGET` carries when the single-key Redis reads of one turn (every read
   * of one entry or of a tag version) go out together; `1` sends each read its own `GET`.
   * Not on Cluster, where each read sends its own `GET`.
   * @default 100
   */
  readBatch?: number;
  /** Keep Redis errors from callers (count them, call `onError`, carry on with L1). @default true */
  suppressL2Errors?: boolean;
  /** Called with every error the cache absorbs (Redis failures, values it could not store); not for each step skipped while the role is down. @default none */
  onError?: (error: CacheError) => void;
}

/** Options of `set` and `setMany` entries. */
export interface SetOptions {
  /** Freshness of this entry, in ms. @default the cache's `ttl` */
  ttl?: number;
  /** Grace of this entry, in ms. @default the cache's `grace` */
  grace?: number;
  /** Tags that `invalidateTags` can drop this entry by. @default [] */
  tags?: readonly string[];
}

/** Options of `getOrSet`. */
export interface GetOrSetOptions extends SetOptions {
  /** Longest wait for the loader (or another instance's), in ms: then a stale value, or `E_LOADER_TIMEOUT`. @default none */
  timeout?: number;
}

/** One entry of `setMany`. */
export interface SetManyEntry<T = unknown> extends SetOptions {
  /** The key. */
  key: string;
  /** The value. */
  value: T;
}

/** What a loader can read and decide about the value it returns. */
export interface LoaderContext<T = unknown> {
  /** The key being loaded. */
  readonly key: string;
  /** The stale value being refreshed, if any. */
  readonly stale: T | undefined;
  /** Freshness of the returned value, in ms; the loader may change it. */
  ttl: number;
  /** Grace of the returned value, in ms; the loader may change it. */
  grace: number;
  /** Tags of the returned value; the loader may add some. */
  tags: string[];
  /** Do not cache the returned value. */
  skip(): void;
  /** Cache the returned value as a negative result, for `negativeTtl`. */
  negative(): void;
}

/** Computes a value on a miss. */
export type Loader<T> = (ctx: LoaderContext<T>) => T | Promise<T>;

/** Counters since the cache was created (shared by all its namespaces). */
export interface CacheStats {
  /** Lookups answered with a fresh value. */
  hits: number;
  /** Lookups that found no fresh value. */
  misses: number;
  /** `hits / (hits + misses)`, 0 before the first lookup. */
  hitRatio: number;
  /** In-process tier. */
  l1: { hits: number; misses: number; entries: number; bytes: number };
  /** Redis tier. */
  l2: { hits: number; misses: number; errors: number };
  /** Stale values served (grace, loader failure, Redis down). */
  staleServed: number;
  /** Loader runs. */
  loader: { calls: number; errors: number; timeouts: number };
  /** `getOrSet` calls that joined a load already running in this process. */
  deduped: number;
  /** Invalidation bus. */
  bus: {
    /** Whether the bus is subscribed now. */
    connected: boolean;
    /** Messages sent. */
    published: number;
    /** Messages received from other instances. */
    received: number;
    /** Lost messages noticed (sequence gaps). */
    gaps: number;
    /** Times a non-empty L1 was dropped as a whole (subscription back after a reconnect, lost messages, role recovered). */
    drops: number;
    /** Messages that could not be sent. */
    errors: number;
  };
}

/** What the `redis-infra:cache` diagnostics channel publishes. */
export interface CacheEvent {
  /** The operation. */
  op: 'get' | 'peek' | 'getOrSet' | 'has' | 'set' | 'delete' | 'invalidateTags' | 'clear';
  /** The cache namespace. */
  namespace: string;
  /** The key (or tag, for `invalidateTags`); empty for `clear`. */
  key: string;
  /** Whether a value was found (lookups only). */
  hit: boolean;
  /** Where the answer came from. */
  tier: 'l1' | 'l2' | 'stale' | 'loader' | 'none';
}

/** The cache's options as `createCache` resolved them. */
export interface ResolvedOptions {
  manager: RedisManager;
  role: string;
  namespace: string;
  ttl: number;
  grace: number;
  jitter: number;
  negativeTtl: number;
  l1: Required<L1Options>;
  serializer: Serializer;
  maxValueBytes: number;
  readBatch: number;
  distributedLock: Required<LockOptions> | undefined;
  bus: Required<BusOptions> | undefined;
  suppressL2Errors: boolean;
  onError: ((error: CacheError) => void) | undefined;
}
