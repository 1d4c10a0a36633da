import { LRUCache } from 'lru-cache';

/** One key's count in the current fixed window. */
interface Window {
  count: number;
  resetAt: number;
}

/** The answer a store gives `@fastify/rate-limit`. */
export interface Count {
  current: number;
  ttl: number;
}

/**
 * The in-memory limiter that takes over while Redis is unavailable: a fixed window per key,
 * per instance, bounded in keys. `share` divides each limit (one instance's share when
 * `instances` of them run behind a balancer).
 */
export class InsuranceLimiter {
  readonly #windows: LRUCache<string, Window>;
  readonly #instances: number;

  constructor(maxKeys: number, instances: number) {
    this.#windows = new LRUCache({ max: maxKeys });
    this.#instances = instances;
  }

  /** Counts one request for `key` (or only reads, with `increment: false`). */
  count(key: string, windowMs: number, max: number, increment: boolean, now = Date.now()): Count {
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
    }
    if (increment) window.count++;
    // Scale the count so that `@fastify/rate-limit` compares it with the full `max`.
    const share = Math.max(1, Math.floor(max / this.#instances));
    return { current: Math.ceil((window.count * max) / share), ttl: window.resetAt - now };
  }
}
