import type { LoaderContext } from './types.js';

/** The context a loader gets: it may change the TTL, grace and tags, skip caching, or mark a negative result. */
export class Context<T> implements LoaderContext<T> {
  /** The key being loaded. */
  readonly key: string;
  /** The stale value being refreshed, if any. */
  readonly stale: T | undefined;
  /** Freshness of the value, in ms. */
  ttl: number;
  /** Grace of the value, in ms. */
  grace: number;
  /** Tags of the value. */
  tags: string[];
  /** `skip()` was called. */
  skipped = false;
  /** `negative()` was called. */
  isNegative = false;

  constructor(key: string, stale: T | undefined, ttl: number, grace: number, tags: string[]) {
    this.key = key;
    this.stale = stale;
    this.ttl = ttl;
    this.grace = grace;
    this.tags = tags;
  }

  /** Do not cache the returned value. */
  skip(): void {
    this.skipped = true;
  }

  /** Cache the returned value for `negativeTtl`. */
  negative(): void {
    this.isNegative = true;
  }
}
