import type { CacheStats } from './types.js';

/** The counters behind `stats()`: plain fields, incremented in place (no allocation per call). */
export class Counters {
  l1Hits = 0;
  l1Misses = 0;
  l2Hits = 0;
  l2Misses = 0;
  l2Errors = 0;
  misses = 0;
  staleServed = 0;
  loaderCalls = 0;
  loaderErrors = 0;
  loaderTimeouts = 0;
  deduped = 0;
  published = 0;
  received = 0;
  gaps = 0;
  drops = 0;
  busErrors = 0;

  /** A snapshot, with the figures only the owner knows. */
  snapshot(l1: { entries: number; bytes: number }, busConnected: boolean): CacheStats {
    const hits = this.l1Hits + this.l2Hits;
    const lookups = hits + this.misses;
    return {
      hits,
      misses: this.misses,
      hitRatio: lookups === 0 ? 0 : hits / lookups,
      l1: { hits: this.l1Hits, misses: this.l1Misses, entries: l1.entries, bytes: l1.bytes },
      l2: { hits: this.l2Hits, misses: this.l2Misses, errors: this.l2Errors },
      staleServed: this.staleServed,
      loader: {
        calls: this.loaderCalls,
        errors: this.loaderErrors,
        timeouts: this.loaderTimeouts,
      },
      deduped: this.deduped,
      bus: {
        connected: busConnected,
        published: this.published,
        received: this.received,
        gaps: this.gaps,
        drops: this.drops,
        errors: this.busErrors,
      },
    };
  }
}
