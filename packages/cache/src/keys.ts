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

/** The Redis keys of one namespace: `<keyPrefix><namespace>:` followed by the key, a tag or a lease. */
export class KeySpace {
  /** The namespace name. */
  readonly name: string;
  /** `<keyPrefix><namespace>:`: every key of the namespace (and of the namespaces under it) starts with it. */
  readonly prefix: string;
  readonly #tagPrefix: string;
  readonly #lockPrefix: string;
  readonly #keyPrefix: string;
  readonly #entries = new Map<string, string>();

  constructor(keyPrefix: string, name: string) {
    this.#keyPrefix = keyPrefix;
    this.name = name;
    this.prefix = `${keyPrefix}${name}:`;
    this.#tagPrefix = `${this.prefix}${RESERVED}t:`;
    this.#lockPrefix = `${this.prefix}${RESERVED}l:`;
  }

  /**
   * The Redis key (and L1 key) of a user key. Kept for the last `REMEMBERED_KEYS` keys seen
   * of up to `MAX_KEY_BYTES` characters (a few MB at most): a hot key's L1 lookup then uses
   * one string whose hash V8 has cached, instead of a new concatenation to flatten and hash
   * on every hit. Longer keys (a client's URL as a route cache key) are not kept.
   */
  entry(key: string): string {
    if (key.length > MAX_KEY_BYTES) return this.prefix + encodeKey(key);
    let redisKey = this.#entries.get(key);
    if (redisKey === undefined) {
      redisKey = this.prefix + encodeKey(key);
      if (this.#entries.size === REMEMBERED_KEYS) this.#entries.clear();
      this.#entries.set(key, redisKey);
    }
    return redisKey;
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
    return new KeySpace(this.#keyPrefix, `${this.name}:${name}`);
  }

  /** `SCAN MATCH` pattern of everything in this namespace. */
  pattern(): string {
    return `${escapeGlob(this.prefix)}*`;
  }
}
