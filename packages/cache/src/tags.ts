import { LRUCache } from 'lru-cache';
import type { RedisTier } from './l2.js';
import { TAG_BUMP, TAG_VERSION } from './scripts.js';

/** A tag key lives at least this long in Redis (and at least as long as the entries written under it). */
export const TAG_MIN_TTL_MS = 24 * 60 * 60 * 1000;

/** Version recorded for a tag while Redis cannot say (L1-only entries); below every real version. */
const LOCAL = 0;

/**
 * Tag versions. In Redis each tag key holds a version that only grows (the server's clock
 * in µs at its last invalidation); an entry records the version of each of its tags when
 * it was written, and is valid while they are all current. This process keeps the versions
 * it has seen (from Redis and from the bus) in a bounded map, so that checking an L1 entry
 * takes no Redis call.
 */
export class TagVersions {
  readonly #known: LRUCache<string, number>;
  readonly #redis: RedisTier;

  constructor(max: number, redis: RedisTier) {
    this.#known = new LRUCache({ max });
    this.#redis = redis;
  }

  /** Whether every tag of an entry is still at the version it recorded, as far as this process knows. */
  current(tagKeys: readonly string[], versions: readonly number[]): boolean {
    for (let i = 0; i < tagKeys.length; i++)
      if (this.#known.get(tagKeys[i] as string) !== versions[i]) return false;
    return true;
  }

  /** Remembers `version` of a tag unless a newer one is known (versions only grow). */
  learn(tagKey: string, version: number): void {
    const known = this.#known.get(tagKey);
    if (known === undefined || version > known) this.#known.set(tagKey, version);
  }

  /** Forgets a tag: the next entry that has it is checked against Redis. */
  forget(tagKey: string): void {
    this.#known.delete(tagKey);
  }

  /** Forgets every tag. */
  clear(): void {
    this.#known.clear();
  }

  /**
   * Whether an entry read from Redis is valid: every recorded version equals the current
   * one. Asks Redis only for tags this process does not know, or knows an older version of
   * (reads gathered with the turn's others, `RedisTier.get`); a tag key missing in Redis
   * invalidates. Throws on Redis errors.
   */
  async verify(tagKeys: readonly string[], versions: readonly number[]): Promise<boolean> {
    const ask: number[] = [];
    for (let i = 0; i < tagKeys.length; i++) {
      const known = this.#known.get(tagKeys[i] as string);
      const recorded = versions[i] as number;
      if (known === undefined || known < recorded) ask.push(i);
      else if (known > recorded) return false;
    }
    if (ask.length === 0) return true;
    const found = await Promise.all(ask.map((i) => this.#redis.get(tagKeys[i] as string)));
    let valid = true;
    ask.forEach((i, j) => {
      const version = Number(found[j] ?? Number.NaN);
      if (Number.isSafeInteger(version) && version > LOCAL)
        this.learn(tagKeys[i] as string, version);
      if (version !== versions[i]) valid = false;
    });
    return valid;
  }

  /**
   * The versions to record for an entry written now: known ones, else from Redis (created
   * when the tag has none, kept alive `lifetimeMs` at least). Throws on Redis errors.
   */
  forWrite(tagKeys: readonly string[], lifetimeMs: number): Promise<number[]> {
    const ttl = Math.max(lifetimeMs, TAG_MIN_TTL_MS);
    return Promise.all(
      tagKeys.map(async (tagKey) => {
        const known = this.#known.get(tagKey);
        if (known !== undefined && known > LOCAL) return known;
        const version = Number(await this.#redis.script(TAG_VERSION, tagKey, ttl));
        this.learn(tagKey, version);
        return version;
      }),
    );
  }

  /** Versions for an L1-only entry (Redis unavailable): the known ones, or a local placeholder. */
  local(tagKeys: readonly string[]): number[] {
    return tagKeys.map((tagKey) => {
      const known = this.#known.get(tagKey);
      if (known !== undefined) return known;
      this.#known.set(tagKey, LOCAL);
      return LOCAL;
    });
  }

  /** Invalidates a tag in Redis: resolves with its new version (and remembers it). Throws on Redis errors. */
  async bump(tagKey: string): Promise<number> {
    const version = Number(await this.#redis.script(TAG_BUMP, tagKey, TAG_MIN_TTL_MS));
    this.learn(tagKey, version);
    return version;
  }
}
