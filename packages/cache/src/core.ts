import { randomUUID } from 'node:crypto';
import { ManagerClosedError } from '@redis-infra/redis-manager';
import { Bus, type BusMessage } from './bus.js';
import { decodeEnvelope } from './envelope.js';
import { type CacheError, L2Error } from './errors.js';
import type { KeySpace } from './keys.js';
import { entrySize, type L1Entry, MemoryTier } from './l1.js';
import { RedisTier } from './l2.js';
import { DEFAULTS } from './options.js';
import { Counters } from './stats.js';
import { TagVersions } from './tags.js';
import type { ResolvedOptions } from './types.js';

/**
 * A load running in this process. Its promise is dropped when it lands, before the entry
 * leaves `flights`. A Map's old table, once V8 has moved it to the old generation, is only
 * freed by a full collection, and until then it can hold the entries it had: through a
 * promise, the loaded value. Under load, holding the promises themselves kept settled L2
 * hits' values alive through scavenges (about 8% of young allocations surviving each,
 * 2.5% with the promise dropped).
 */
export interface Flight {
  promise: Promise<unknown> | undefined;
}

/** A Redis operation failed (counted and reported already). */
export const FAILED = Symbol('redis failed');
export type Failed = typeof FAILED;

/**
 * What every namespace of one cache shares: the tiers, tag versions, bus, counters and
 * in-flight loads, and the read path through both tiers (`write.ts` has the write path).
 */
export class CacheCore {
  readonly options: ResolvedOptions;
  readonly l1: MemoryTier;
  readonly redis: RedisTier;
  readonly tags: TagVersions;
  readonly stats = new Counters();
  readonly bus: Bus | undefined;
  /** The root namespace's keys: L1 keys are its Redis keys without its prefix. */
  readonly keys: KeySpace;
  /** Loads running in this process, by Redis key (single-flight). */
  readonly flights = new Map<string, Flight>();
  /** Lease renewals running (stopped by `close()`). */
  readonly renewals = new Set<NodeJS.Timeout>();
  /** Keys whose stale value is being refreshed in the background. */
  readonly refreshing = new Set<string>();
  /** Callers waiting for another instance's load, by Redis key; a bus message wakes them. */
  readonly waiters = new Map<string, Set<() => void>>();
  /** Owner of the leases this process takes. */
  readonly id = randomUUID();
  /** Counts tag invalidations seen, to notice one that ran while a loader did. */
  tagEpoch = 0;
  closed = false;
  /**
   * Counts a failed Redis step and reports it, or throws (`fail`). A read gathered before
   * the manager closed goes out after (`RedisTier.get`): it is skipped, as a call made after
   * the close is, not reported.
   */
  readonly #failed = (error: unknown): Failed =>
    this.fail(error, !(error instanceof ManagerClosedError));
  readonly #onRecovered = ({ role }: { role: string }): void => {
    if (role === this.redis.role) this.desync();
  };

  constructor(options: ResolvedOptions, channel: string, keys: KeySpace) {
    this.options = options;
    this.keys = keys;
    this.l1 = new MemoryTier(options.l1.maxEntries, options.l1.maxBytes);
    this.redis = new RedisTier(options.manager, options.role, options.readBatch);
    // Without a count bound on entries, tag versions keep the default one (an entry whose
    // tag version was dropped checks it in Redis once).
    this.tags = new TagVersions(options.l1.maxEntries || DEFAULTS.maxEntries, this.redis);
    options.manager.on('recovered', this.#onRecovered);
    if (options.bus) {
      const host = { apply: (m: BusMessage) => this.apply(m), desync: () => this.desync() };
      this.bus = new Bus(
        options.manager,
        this.redis,
        channel,
        options.bus.heartbeatMs,
        this.stats,
        host,
      );
      this.bus.start();
    }
  }

  /** L1 can no longer be trusted (reconnect, lost bus message, Redis back after an outage): drop it. */
  desync(): void {
    if (this.l1.entries > 0) this.stats.drops++;
    this.l1.clear();
    this.tags.clear();
    this.tagEpoch++;
  }

  /**
   * Applies another instance's message to L1. Caches whose root namespaces differ share the
   * bus (and may nest: `app` and `app:users`); what lies outside this one's root is not in its L1.
   */
  apply(message: BusMessage): void {
    const { keys } = this;
    if (message.op === 'c') {
      const l1Prefix = keys.l1PrefixOf(message.prefix);
      if (l1Prefix !== undefined) this.l1.deletePrefix(l1Prefix);
      return;
    }
    if (message.op === 't') {
      this.tagEpoch++;
      for (const [tagKey, version] of message.tags)
        if (version > 0) this.tags.learn(tagKey, version);
        else this.tags.forget(tagKey);
      return;
    }
    for (const key of message.keys) {
      const l1Key = keys.l1KeyOf(key);
      if (l1Key !== undefined) this.l1.delete(l1Key);
      const waiting = this.waiters.get(key);
      if (waiting) for (const wake of [...waiting]) wake();
    }
  }

  /** The value to hand out from an entry: the entry's own, or a copy with `clone`. */
  out(entry: L1Entry): unknown {
    return this.options.l1.clone ? structuredClone(entry.value) : entry.value;
  }

  /** Whether an entry may be served stale now: within its grace, with current tags. */
  usableStale(entry: L1Entry | undefined, now: number): entry is L1Entry {
    return (
      entry !== undefined &&
      entry.staleUntil > now &&
      (entry.tags === undefined || this.tags.current(entry.tags, entry.versions as number[]))
    );
  }

  /** Keeps an entry in L1 (an entry holding a copy of its value with `clone`); not once closed (a read or write in flight at `close()`). */
  keep(l1Key: string, entry: L1Entry): void {
    if (this.closed) return;
    this.l1.set(
      l1Key,
      this.options.l1.clone ? { ...entry, value: structuredClone(entry.value) } : entry,
    );
  }

  /**
   * Counts a Redis read that found no fresh value (`found`: nothing, or a stale entry) and
   * makes L1 agree: the entry dropped, or the stale one kept.
   */
  keepMissed(l1Key: string, found: L1Entry | undefined): void {
    this.stats.l2Misses++;
    if (found === undefined) this.l1.delete(l1Key);
    else this.keep(l1Key, found);
  }

  /** `found` (what `read` answered) when it is a fresh entry, kept in L1 (`keep`); else `undefined`. */
  keepFresh(l1Key: string, found: L1Entry | undefined | Failed): L1Entry | undefined {
    if (found === FAILED || found === undefined || found.expiresAt <= Date.now()) return undefined;
    this.keep(l1Key, found);
    return found;
  }

  /**
   * Runs a Redis operation. On failure (or while the role is down) counts it, reports it,
   * and resolves with `FAILED`, or throws an `L2Error` with `suppressL2Errors: false`.
   */
  async attempt<T>(operation: () => Promise<T>): Promise<T | Failed> {
    if (!this.redis.available())
      return this.fail(new Error('the role is down or in fallback: serving from memory'), false);
    try {
      return await operation();
    } catch (error) {
      return this.#failed(error);
    }
  }

  /**
   * Counts a Redis failure and reports it to `onError` (not a step skipped while the role is
   * down: the manager reports the outage once); throws unless errors are suppressed.
   */
  fail(cause: unknown, report = true): Failed {
    this.stats.l2Errors++;
    const error = new L2Error(this.redis.role, cause);
    if (report) this.report(error);
    if (!this.options.suppressL2Errors) throw error;
    return FAILED;
  }

  /** Runs a Redis operation nobody waits for (lease renewal, release): failures are counted and reported, never thrown. */
  quietly(operation: () => Promise<unknown>): void {
    void (async () => {
      try {
        await operation();
      } catch (cause) {
        this.stats.l2Errors++;
        this.report(new L2Error(this.redis.role, cause));
      }
    })();
  }

  /** Hands an absorbed error to `onError`. */
  report(error: CacheError): void {
    this.options.onError?.(error);
  }

  /** Reads one entry from Redis: the entry, `undefined` (missing, foreign, expired, tag invalidated) or `FAILED`. */
  read(ns: KeySpace, redisKey: string): Promise<L1Entry | undefined | Failed> {
    return this.attempt(() => this.redis.get(redisKey)).then((text) =>
      text === FAILED ? FAILED : this.#entry(ns, redisKey, text, this.#failed),
    );
  }

  /**
   * Reads several entries (one `MGET` per slot), in the order of `redisKeys`, each as `read`
   * answers. On Cluster, a slot whose call failed fails only its keys. However many slots and
   * tag checks fail, the call counts (and reports) one error.
   */
  async readMany(
    ns: KeySpace,
    redisKeys: readonly string[],
  ): Promise<Array<L1Entry | undefined | Failed>> {
    const texts = await this.attempt(() => this.redis.mget(redisKeys));
    if (texts === FAILED) return redisKeys.map(() => FAILED);
    let counted = false;
    const failed = (error: unknown): Failed => {
      if (counted) return FAILED;
      counted = true;
      return this.#failed(error);
    };
    const slotError = texts.find((text) => text instanceof Error);
    if (slotError) failed(slotError);
    return Promise.all(
      texts.map((text, i) =>
        text instanceof Error ? FAILED : this.#entry(ns, redisKeys[i] as string, text, failed),
      ),
    );
  }

  /**
   * What a stored string (or `null`) holds, as `read` answers; a tag check that fails
   * answers what `failed` says.
   */
  #entry(
    ns: KeySpace,
    redisKey: string,
    text: string | null,
    failed: (error: unknown) => Failed,
  ): L1Entry | undefined | Promise<L1Entry | undefined | Failed> {
    const entry = text === null ? undefined : this.decode(ns, redisKey, text);
    // Only a tagged entry takes a second step (its check may ask Redis, and fail).
    return entry?.tags ? this.#tagsCurrent(entry).catch(failed) : entry;
  }

  /**
   * A stored string as an entry, or `undefined` when it is not a valid entry of ours or past
   * its grace. Whether its tags are still current is `#tagsCurrent`'s to say.
   */
  decode(ns: KeySpace, redisKey: string, text: string): L1Entry | undefined {
    const envelope = decodeEnvelope(text);
    if (!envelope || envelope.staleUntil <= Date.now()) return undefined;
    let value: unknown;
    try {
      value = this.options.serializer.deserialize(envelope.payload);
    } catch {
      return undefined;
    }
    if (value === undefined) return undefined;
    const { expiresAt, staleUntil, versions } = envelope;
    const tags = envelope.tags?.map((tag) => ns.tag(tag));
    return {
      value,
      expiresAt,
      staleUntil,
      tags,
      versions,
      size: entrySize(redisKey, envelope.payload),
    };
  }

  /** `entry` if the versions of its tags are current (Redis is asked only for those this process lacks), else `undefined`. */
  async #tagsCurrent(entry: L1Entry): Promise<L1Entry | undefined> {
    const current = await this.tags.verify(entry.tags as string[], entry.versions as number[]);
    return current ? entry : undefined;
  }

  /** Stops listening; drops L1. The manager stays open (it is the caller's). */
  close(): void {
    this.closed = true;
    for (const renewal of this.renewals) clearInterval(renewal);
    this.options.manager.off('recovered', this.#onRecovered);
    this.bus?.close();
    this.l1.clear();
    this.tags.clear();
  }
}
