import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { CacheOptions } from '@redis-infra/cache';
import type { ConfigOptions } from '@redis-infra/config-resolver';
import type { ManagerOptions } from '@redis-infra/redis-manager';
import type { LogLevel } from 'fastify';
import type { HealthOptions } from './health/routes.js';
import type { Algorithm } from './rate-limit/store.js';

/** Rate limiting: `@fastify/rate-limit`'s options (but its `store`/`redis`), plus the suite's. */
export interface RateLimitOptions
  extends Omit<RateLimitPluginOptions, 'store' | 'redis' | 'nameSpace'> {
  /** How counts are kept; a route's `config.rateLimit.algorithm` wins. @default 'fixed-window' */
  algorithm?: Algorithm;
  /** Manager role of the counters (`RATE_LIMIT_STORAGE_URL` points it elsewhere). @default 'rateLimit' */
  role?: string;
  /** App instances behind the balancer: while Redis is down each allows `max / instances`. @default 1 */
  instances?: number;
  /** Keys over their limit remembered per route and rejected without Redis. @default 10000 */
  blockCacheSize?: number;
  /** Keys the in-memory insurance limiter tracks while Redis is down. @default 10000 */
  insuranceKeys?: number;
  /** Also send the IETF draft `RateLimit` and `RateLimit-Policy` headers (structured fields). @default false */
  draftHeaders?: boolean;
}

/** The cache behind `fastify.cache` and `config.cache` routes: `createCache`'s options but the manager. */
export interface CacheSettings extends Omit<CacheOptions, 'manager' | 'ttl'> {
  /** Freshness of an entry, in ms. @default 60000 */
  ttl?: number;
}

/** Options of `fastify.register(redisInfra, options)`. */
export interface RedisInfraOptions {
  /** Environment variables to resolve the config from. @default process.env */
  env?: Record<string, string | undefined>;
  /** config-resolver options; each wins over its environment variable. @default {} */
  config?: ConfigOptions;
  /** Manager options (breaker, reconnect, leases, pool strategy); its logger is Fastify's. @default {} */
  manager?: Omit<ManagerOptions, 'logger'>;
  /** Distributed rate limiting through `@fastify/rate-limit`, or `false`. @default {} (its defaults: 1000 a minute per IP) */
  rateLimit?: false | RateLimitOptions;
  /** The two-tier cache (`fastify.cache`, `config.cache` routes), or `false`. @default {} (ttl 60 s) */
  cache?: false | CacheSettings;
  /** Health routes, or `false`. @default {} */
  health?: false | HealthOptions;
  /** Level of the plugin's own log lines. @default the app's level */
  logLevel?: LogLevel;
}
