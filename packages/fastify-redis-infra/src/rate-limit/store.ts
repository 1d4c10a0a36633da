import type { ManagedClient, RedisManager } from '@redis-infra/redis-manager';
import { LRUCache } from 'lru-cache';
import type { Count, InsuranceLimiter } from './insurance.js';
import { FIXED_WINDOW, SLIDING_WINDOW } from './scripts.js';

/** How a limiter counts: `fixed-window` (as `@fastify/rate-limit`) or a weighted `sliding-window`. */
export type Algorithm = 'fixed-window' | 'sliding-window';

/** What every store of one plugin shares. */
export interface StoreContext {
  manager: RedisManager;
  /** Manager role the counters live on. */
  role: string;
  /** Default algorithm; a route's `config.rateLimit.algorithm` wins. */
  algorithm: Algorithm;
  /** Prefix of every counter key (the role's key prefix + `rl:`). */
  keyPrefix: string;
  /** Keys over their limit remembered per limiter, rejected without a Redis call. */
  blockCacheSize: number;
  /** Counts while Redis is unavailable. */
  insurance: InsuranceLimiter;
  /** Told each time a count falls back to the insurance limiter. */
  onInsurance(error: unknown): void;
}

/** The slice of `@fastify/rate-limit`'s params a store reads. */
interface StoreParams {
  algorithm?: Algorithm;
  continueExceeding?: boolean;
  exponentialBackoff?: boolean;
  ban?: number;
  routeInfo?: { method: string; url: string };
}

type Callback = (error: Error | null, result: Count) => void;
type Script = (
  key: string,
  window: number,
  max: number,
  mode: string,
  ce: string,
  eb: string,
) => Promise<[number, number]>;
interface LimiterCommands {
  redisInfraFixedWindow: Script;
  redisInfraSlidingWindow: Script;
}

const defined = new WeakSet<ManagedClient>();

/** The client with the limiter scripts defined (EVALSHA, with EVAL on NOSCRIPT). */
function limiterCommands(client: ManagedClient): LimiterCommands {
  if (!defined.has(client)) {
    client.defineCommand('redisInfraFixedWindow', { numberOfKeys: 1, lua: FIXED_WINDOW });
    client.defineCommand('redisInfraSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
    defined.add(client);
  }
  return client as unknown as LimiterCommands;
}

/** A key known to be over its limit until `until`. */
interface Block {
  until: number;
  current: number;
}

/**
 * Builds the `store` class `@fastify/rate-limit` instantiates: one Redis round trip per
 * request, a local block cache for keys already over their limit, and the insurance
 * limiter while Redis is unavailable. Each route's limiter (`child`) has its own key prefix.
 */
export function createStore(context: StoreContext) {
  return class RedisInfraStore {
    readonly #script: keyof LimiterCommands;
    readonly #prefix: string;
    readonly #flags: [string, string];
    /** Only where rejected requests change nothing in Redis is a local rejection exact. */
    readonly #blocks: LRUCache<string, Block> | undefined;

    constructor(params: StoreParams, scope = '') {
      const algorithm = params.algorithm ?? context.algorithm;
      this.#script =
        algorithm === 'sliding-window' ? 'redisInfraSlidingWindow' : 'redisInfraFixedWindow';
      this.#prefix = `${context.keyPrefix}${scope}`;
      const extends_ = params.continueExceeding === true || params.exponentialBackoff === true;
      this.#flags = [params.continueExceeding ? '1' : '0', params.exponentialBackoff ? '1' : '0'];
      this.#blocks = extends_ ? undefined : new LRUCache({ max: context.blockCacheSize });
    }

    /** Counts a request for `key`. */
    incr(key: string, done: Callback, timeWindow: number, max: number): void {
      const block = this.#blocks?.get(key);
      const now = Date.now();
      if (block && block.until > now) {
        block.current++;
        done(null, { current: block.current, ttl: block.until - now });
        return;
      }
      this.#count(key, done, timeWindow, max, 'incr');
    }

    /** Reads `key`'s count without counting (`increment: false`). */
    read(key: string, done: Callback, timeWindow: number, max: number): void {
      this.#count(key, done, timeWindow, max, 'read');
    }

    /** The store of one route: its own key prefix (method and URL). */
    child(params: StoreParams & { routeInfo: { method: string; url: string } }): RedisInfraStore {
      return new RedisInfraStore(params, `${params.routeInfo.method}:${params.routeInfo.url}:`);
    }

    #count(key: string, done: Callback, window: number, max: number, mode: 'incr' | 'read'): void {
      let reply: Promise<[number, number]>;
      try {
        const client = limiterCommands(context.manager.client(context.role));
        reply = client[this.#script](`${this.#prefix}{${key}}`, window, max, mode, ...this.#flags);
      } catch (error) {
        reply = Promise.reject(error); // the manager is closed: requests still in flight get an answer
      }
      reply.then(
        ([current, ttl]) => {
          if (current > max && this.#blocks)
            this.#blocks.set(key, { until: Date.now() + ttl, current });
          done(null, { current, ttl });
        },
        (error: unknown) => {
          context.onInsurance(error);
          done(null, context.insurance.count(this.#prefix + key, window, max, mode === 'incr'));
        },
      );
    }
  };
}
