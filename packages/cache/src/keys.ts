import { createHash } from 'node:crypto';
import { DEFAULTS } from './options.js';

/** Keys up to this many UTF-8 bytes are used as they are; longer ones are hashed. */
export const MAX_KEY_BYTES = 200;
/** Below this many UTF-16 units a key cannot exceed `MAX_KEY_BYTES` (3 bytes per unit at most). */
const SHORT = Math.floor(MAX_KEY_BYTES / 3);
/** User keys whose Redis key a namespace remembers, as many as L1 holds by default (all forgotten at once when full). */
export const REMEMBERED_KEYS = DEFAULTS.maxEntries;
/** Marks the cache's own keys (tags, leases, hashed keys); user keys never start with it. */
const RESERVED = '#';

/**
 * A user key (or tag) as it appears in a Redis key: itself, unless it is longer than
 * `MAX_KEY_BYTES` or starts with `#` (reserved for the cache's own keys), in which case it
 * becomes `#h:` + its SHA-256 (base64url). Any string works: unicode, spaces, `__proto__`.
 */
export function encodeKey(key: string): string {
  if (key.length <= SHORT ? key[0] !== RESERVED : safeLength(key)) return key;
  return `${RESERVED}h:${createHash('sha256').update(key).digest('base64url')}`;
}

function safeLength(key: string): boolean {
  return key[0] !== RESERVED && Buffer.byteLength(key) <= MAX_KEY_BYTES;
}

/** Escapes the glob characters of `text` for `SCAN MATCH`. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * The keys of one namespace. Redis keys are `<keyPrefix><root>:` (the cache's root namespace,
 * its `root` prefix) followed by the namespace's path under the root, if any, and the key.
 * L1 keys are the Redis keys without the root prefix: a plain key of the root namespace is
 * its own L1 key, so an L1 hit there builds and looks up no other string.
 */
export class KeySpace {
  /** The namespace name. */
  readonly name: string;
  /** `<keyPrefix><root>:`: the Redis prefix of the cache's root namespace. */
  readonly root: string;
  /** This namespace's path under the root, with a trailing `:` (`''` for the root itself): the start of its L1 keys. */
  readonly l1Prefix: string;
  /** `<keyPrefix><namespace>:`: every key of the namespace (and of the namespaces under it) starts with it. */
  readonly prefix: string;
  readonly #tagPrefix: string;
  readonly #lockPrefix: string;
  readonly #keyPrefix: string;
  readonly #rootName: string;
  readonly #entries = new Map<string, string>();

  /** The root namespace `name` (`path`: a sub-namespace's path under it). */
  constructor(keyPrefix: string, name: string, path = '') {
    this.#keyPrefix = keyPrefix;
    this.#rootName = name;
    this.root = `${keyPrefix}${name}:`;
    this.l1Prefix = path === '' ? '' : `${path}:`;
    this.name = path === '' ? name : `${name}:${path}`;
    this.prefix = this.root + this.l1Prefix;
    this.#tagPrefix = `${this.prefix}${RESERVED}t:`;
    this.#lockPrefix = `${this.prefix}${RESERVED}l:`;
  }

  /**
   * The L1 key of a user key. In the root namespace, the key itself (`encodeKey`): nothing
   * to build or remember. A sub-namespace keeps those of the last `REMEMBERED_KEYS` keys seen
   * of up to `MAX_KEY_BYTES` characters (a few MB at most): a hot key's L1 lookup then uses
   * one string whose hash V8 has cached, instead of a new concatenation to flatten and hash
   * on every hit. Longer keys (a client's URL as a route cache key) are not kept.
   */
  l1Key(key: string): string {
    if (this.l1Prefix === '') return encodeKey(key);
    if (key.length > MAX_KEY_BYTES) return this.l1Prefix + encodeKey(key);
    let l1Key = this.#entries.get(key);
    if (l1Key === undefined) {
      l1Key = this.l1Prefix + encodeKey(key);
      if (this.#entries.size === REMEMBERED_KEYS) this.#entries.clear();
      this.#entries.set(key, l1Key);
    }
    return l1Key;
  }

  /** The Redis key of an L1 key (`l1Key`). */
  redisKey(l1Key: string): string {
    return this.root + l1Key;
  }

  /**
   * The L1 key of a Redis key another instance names (a bus message), or `undefined` when it
   * lies outside this root namespace (caches with other roots share the bus).
   */
  l1KeyOf(redisKey: string): string | undefined {
    return redisKey.startsWith(this.root) ? redisKey.slice(this.root.length) : undefined;
  }

  /**
   * The L1 prefix of what lies under the Redis prefix of a cleared namespace: `''` when that
   * holds this whole root (roots may nest: `app` holds `app:users`), `undefined` when it holds
   * none of it.
   */
  l1PrefixOf(prefix: string): string | undefined {
    if (prefix.startsWith(this.root)) return prefix.slice(this.root.length);
    return this.root.startsWith(prefix) ? '' : undefined;
  }

  /** The Redis key holding a tag's version. */
  tag(tag: string): string {
    return this.#tagPrefix + encodeKey(tag);
  }

  /** The Redis key of a key's loader lease. */
  lock(key: string): string {
    return this.#lockPrefix + encodeKey(key);
  }

  /** The sub-namespace `name` of this one. */
  child(name: string): KeySpace {
    return new KeySpace(this.#keyPrefix, this.#rootName, `${this.l1Prefix}${name}`);
  }

  /** `SCAN MATCH` pattern of everything in this namespace. */
  pattern(): string {
    return `${escapeGlob(this.prefix)}*`;
  }
}
