import { coarseNow } from './clock.js';
import { type CacheCore, FAILED, type Failed } from './core.js';
import { CacheClosedError, CacheOptionsError } from './errors.js';
import type { KeySpace } from './keys.js';
import type { L1Entry } from './l1.js';
import { load } from './load.js';
import { checkNamespace } from './options.js';
import { trace } from './tracing.js';
import type {
  CacheEvent,
  CacheStats,
  GetOrSetOptions,
  Loader,
  SetManyEntry,
  SetOptions,
} from './types.js';
import { prepare, write } from './write.js';

/** `getOrSet` without options: shared, so that a call without them allocates no object. */
const NO_OPTIONS: GetOrSetOptions = Object.freeze({});

/**
 * A two-tier cache over one namespace: L1 in this process, L2 in Redis. Made by
 * `createCache`; `namespace()` gives views of sub-namespaces that share its memory, bus,
 * counters and lifetime. Redis errors never reach the caller (unless `suppressL2Errors`
 * is off): reads fall back to L1 and stale values, writes land in L1.
 */
export class Cache {
  readonly #core: CacheCore;
  readonly #ns: KeySpace;

  /** @internal use `createCache()` or `namespace()`. */
  constructor(core: CacheCore, ns: KeySpace) {
    this.#core = core;
    this.#ns = ns;
  }

  /** This namespace's full name (`parent:child` for a sub-namespace). */
  get name(): string {
    return this.#ns.name;
  }

  /** The fresh value of `key`, or `undefined`. Served from L1 without touching Redis when it can be. */
  get<T = unknown>(key: string): Promise<T | undefined> {
    return this.#read('get', key) as Promise<T | undefined>;
  }

  /**
   * The fresh L1 value of `key`, synchronously, or `undefined`: never calls Redis, never
   * loads, never throws for a string key (`undefined` once closed). For a hot path that has
   * something better to do than wait for a promise when memory holds the answer; on
   * `undefined`, go on with `get` or `getOrSet`, which count the miss. A value found counts as
   * an L1 hit.
   */
  peek<T = unknown>(key: string): T | undefined {
    const entry = this.#fresh(this.#ns.l1Key(key));
    return entry === undefined ? undefined : (this.#l1Hit('peek', key, entry) as T);
  }

  /** Whether `get(key)` would return a value. */
  has(key: string): Promise<boolean> {
    return this.#read('has', key).then((value) => value !== undefined);
  }

  /** The values of `keys` (in order, `undefined` for misses): L1 first, then one `MGET` per slot. */
  async getMany<T = unknown>(keys: readonly string[]): Promise<Array<T | undefined>> {
    const core = this.#core;
    const values = new Array<T | undefined>(keys.length);
    const missing: number[] = [];
    const l1Keys: string[] = [];
    keys.forEach((key, i) => {
      const l1Key = this.#ns.l1Key(key);
      const entry = this.#fresh(l1Key);
      if (entry !== undefined) values[i] = this.#l1Hit('get', key, entry) as T;
      else {
        core.stats.l1Misses++;
        missing.push(i);
        l1Keys.push(l1Key);
      }
    });
    if (missing.length === 0) return values;
    this.#open();
    const found = await core.readMany(
      this.#ns,
      l1Keys.map((l1Key) => this.#ns.redisKey(l1Key)),
    );
    missing.forEach((i, j) => {
      values[i] = this.#settle('get', keys[i] as string, l1Keys[j] as string, found[j]) as T;
    });
    return values;
  }

  /**
   * The value of `key`, loading it with `loader` on a miss. Concurrent calls for one key
   * share one load (across instances too, with `distributedLock`); within grace a stale
   * value is served at once while one refresh runs; a stale value also stands in when the
   * loader fails. Rejects with `E_LOADER_FAILED` or `E_LOADER_TIMEOUT` when nothing can.
   */
  getOrSet<T>(key: string, loader: Loader<T>, options?: GetOrSetOptions): Promise<T> {
    // Not `async`: the miss path hands out the load's own promise rather than one that adopts it.
    let l1Key: string;
    try {
      l1Key = this.#ns.l1Key(key);
    } catch (error) {
      return Promise.reject(error); // a key that is not a string
    }
    const entry = this.#fresh(l1Key);
    if (entry !== undefined) return Promise.resolve(this.#l1Hit('getOrSet', key, entry) as T);
    if (this.#core.closed) return Promise.reject(new CacheClosedError());
    this.#core.stats.l1Misses++;
    const redisKey = this.#ns.redisKey(l1Key);
    return load({
      core: this.#core,
      ns: this.#ns,
      key,
      l1Key,
      redisKey,
      loader,
      options: options ?? NO_OPTIONS,
    });
  }

  /** Stores `value` in Redis and L1 and tells the other instances; throws only for an unstorable value (`E_SERIALIZE`, `E_VALUE_TOO_LARGE`). */
  async set<T>(key: string, value: T, options: SetOptions = {}): Promise<void> {
    await this.setMany([{ ...options, key, value }]);
  }

  /** Stores several entries (one round trip on standalone Redis) and tells the other instances in one message. */
  async setMany<T>(entries: ReadonlyArray<SetManyEntry<T>>): Promise<void> {
    this.#open();
    const core = this.#core;
    const prepared = entries.map((entry) =>
      prepare(core, this.#ns, entry.key, entry.value, {
        ttl: entry.ttl ?? core.options.ttl,
        grace: entry.grace ?? core.options.grace,
        tags: entry.tags ?? [],
      }),
    );
    await write(core, this.#ns, prepared);
    for (const entry of entries) trace('set', this.#ns.name, entry.key, false, 'none');
  }

  /** Deletes `key` here, in Redis and in the other instances' L1. */
  delete(key: string): Promise<void> {
    return this.deleteMany([key]);
  }

  /** Deletes several keys (one `UNLINK` per slot) and tells the other instances in one message. */
  async deleteMany(keys: readonly string[]): Promise<void> {
    this.#open();
    const core = this.#core;
    const l1Keys = keys.map((key) => this.#ns.l1Key(key));
    const redisKeys = l1Keys.map((l1Key) => this.#ns.redisKey(l1Key));
    for (const l1Key of l1Keys) core.l1.delete(l1Key);
    try {
      await core.attempt(() => core.redis.unlink(redisKeys));
    } finally {
      // Again: a read that raced the UNLINK may have put the old value back.
      for (const l1Key of l1Keys) core.l1.delete(l1Key);
      core.bus?.publish({ op: 'd', keys: redisKeys });
    }
    for (const key of keys) trace('delete', this.#ns.name, key, false, 'none');
  }

  /**
   * Invalidates every entry of this namespace carrying one of `tags`, in every instance:
   * each tag's version in Redis moves on (one small script per tag, no multi-key call), and
   * the new versions go over the bus, so L1 entries stop matching without a Redis call.
   */
  async invalidateTags(tags: readonly string[]): Promise<void> {
    this.#open();
    const core = this.#core;
    const tagKeys = tags.map((tag) => this.#ns.tag(tag));
    core.tagEpoch++;
    let versions: number[] | Failed = FAILED;
    try {
      versions = await core.attempt(() => Promise.all(tagKeys.map((k) => core.tags.bump(k))));
    } finally {
      const bumped = versions === FAILED ? undefined : versions;
      if (!bumped) {
        // Redis could not record it: forget the versions and drop the L1 entries carrying them.
        core.l1.deleteTagged(new Set(tagKeys));
        for (const tagKey of tagKeys) core.tags.forget(tagKey);
      }
      const sent = tagKeys.map((tagKey, i): [string, number] => [tagKey, bumped?.[i] ?? 0]);
      core.bus?.publish({ op: 't', tags: sent });
    }
    for (const tag of tags) trace('invalidateTags', this.#ns.name, tag, false, 'none');
  }

  /**
   * Deletes every key of this namespace (and of the namespaces under it), in Redis and in
   * every instance's L1: `SCAN` + `UNLINK` on every master, never `KEYS` or `FLUSHALL`.
   */
  async clear(): Promise<void> {
    this.#open();
    const core = this.#core;
    const { prefix, l1Prefix } = this.#ns;
    core.l1.deletePrefix(l1Prefix);
    try {
      await core.attempt(() => core.redis.deleteMatching(this.#ns.pattern()));
    } finally {
      core.l1.deletePrefix(l1Prefix);
      core.bus?.publish({ op: 'c', prefix });
    }
    trace('clear', this.#ns.name, '', false, 'none');
  }

  /** A view of the sub-namespace `name` (keys `<prefix><this namespace>:<name>:<key>`), sharing this cache's memory, bus and lifetime. */
  namespace(name: string): Cache {
    const problem = checkNamespace(name);
    if (problem) throw new CacheOptionsError([problem]);
    return new Cache(this.#core, this.#ns.child(name));
  }

  /** Counters since creation, shared by every namespace of this cache. */
  stats(): CacheStats {
    const core = this.#core;
    return core.stats.snapshot(core.l1, core.bus?.connected ?? false);
  }

  /** Stops the bus and heartbeat, drops L1; further calls reject with `E_CACHE_CLOSED`. Leaves the manager open. Idempotent; closes every namespace of this cache. */
  async close(): Promise<void> {
    if (!this.#core.closed) this.#core.close();
  }

  /** The L1 entry of `l1Key` if it is fresh and its tags are current. */
  #fresh(l1Key: string): L1Entry | undefined {
    const core = this.#core;
    const entry = core.l1.get(l1Key);
    if (
      entry !== undefined &&
      entry.expiresAt > coarseNow() &&
      (entry.tags === undefined || core.tags.current(entry.tags, entry.versions as number[]))
    )
      return entry;
    return undefined;
  }

  #l1Hit(op: CacheEvent['op'], key: string, entry: L1Entry): unknown {
    this.#core.stats.l1Hits++;
    trace(op, this.#ns.name, key, true, 'l1');
    return this.#core.out(entry);
  }

  /**
   * `get` and `has`. Not `async`, as `getOrSet`: an L1 hit allocates no async frame, only
   * the promise it answers with.
   */
  #read(op: 'get' | 'has', key: string): Promise<unknown> {
    try {
      const l1Key = this.#ns.l1Key(key);
      const entry = this.#fresh(l1Key);
      if (entry !== undefined) return Promise.resolve(this.#l1Hit(op, key, entry));
      return this.#lookUp(op, key, l1Key);
    } catch (error) {
      return Promise.reject(error); // a key that is not a string
    }
  }

  async #lookUp(op: CacheEvent['op'], key: string, l1Key: string): Promise<unknown> {
    this.#core.stats.l1Misses++;
    this.#open();
    return this.#settle(op, key, l1Key, await this.#core.read(this.#ns, this.#ns.redisKey(l1Key)));
  }

  /** What a lookup answers once Redis has (or has not): a fresh value, a stale one when Redis failed, or `undefined`. */
  #settle(
    op: CacheEvent['op'],
    key: string,
    l1Key: string,
    found: L1Entry | undefined | Failed,
  ): unknown {
    const core = this.#core;
    const { stats } = core;
    const fresh = core.keepFresh(l1Key, found);
    if (fresh !== undefined) {
      stats.l2Hits++;
      trace(op, this.#ns.name, key, true, 'l2');
      return fresh.value;
    }
    stats.misses++;
    if (found === FAILED) {
      const stale = core.l1.get(l1Key);
      if (core.usableStale(stale, Date.now())) {
        stats.staleServed++;
        trace(op, this.#ns.name, key, true, 'stale');
        return core.out(stale);
      }
    } else core.keepMissed(l1Key, found);
    trace(op, this.#ns.name, key, false, 'none');
    return undefined;
  }

  #open(): void {
    if (this.#core.closed) throw new CacheClosedError();
  }
}
