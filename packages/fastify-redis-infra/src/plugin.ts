// Kept in the emitted plugin.d.ts: users get `fastify.redis` typed without importing @fastify/redis.
/// <reference types="@fastify/redis" preserve="true" />
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyRedis from '@fastify/redis';
import { type Cache, createCache } from '@redis-infra/cache';
import { resolveConfig } from '@redis-infra/config-resolver';
import { createRedisManager, type RedisManager } from '@redis-infra/redis-manager';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AlreadyRegisteredError } from './errors.js';
import type { HealthCheck } from './health/report.js';
import { addHealthRoutes } from './health/routes.js';
import type { RedisInfraOptions } from './options.js';
import { addDraftHeaders } from './rate-limit/draft-headers.js';
import { InsuranceLimiter } from './rate-limit/insurance.js';
import { createStore } from './rate-limit/store.js';
import { addRouteCache, type RouteCacheConfig } from './route-cache.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The Redis manager of fastify-redis-infra: clients per role, leases, health. */
    redisManager: RedisManager;
    /** The two-tier cache (L1 memory + L2 Redis) of fastify-redis-infra. */
    cache: Cache;
  }
  interface FastifyContextConfig {
    /** fastify-redis-infra: serve this GET route's responses from `fastify.cache`. */
    cache?: RouteCacheConfig;
  }
}

declare module '@fastify/rate-limit' {
  interface RateLimitOptions {
    /** fastify-redis-infra: how this route counts. @default the plugin's `rateLimit.algorithm` */
    algorithm?: 'fixed-window' | 'sliding-window';
  }
}

/** How long after its last use the insurance limiter still shows in health (and when a new episode is logged). */
const INSURANCE_VISIBLE_MS = 1_000;

async function redisInfraPlugin(
  fastify: FastifyInstance,
  options: RedisInfraOptions,
): Promise<void> {
  if (fastify.hasDecorator('redisManager')) throw new AlreadyRegisteredError();
  const log = fastify.log.child(
    { plugin: 'fastify-redis-infra' },
    options.logLevel ? { level: options.logLevel } : {},
  );

  const config = await resolveConfig({
    env: options.env ?? process.env,
    options: options.config ?? {},
  });
  const manager = createRedisManager(config, { ...options.manager, logger: log });
  await manager.connect(); // rejects within connectTimeoutMs with a redacted E_REDIS_CONNECT (fallback off)
  let cache: Cache | undefined;
  try {
    cache =
      options.cache === false ? undefined : createCache({ ttl: 60_000, ...options.cache, manager });
  } catch (error) {
    await manager.close(); // bad cache options: leave nothing open behind the failed boot
    throw error;
  }
  fastify.addHook('onClose', async () => {
    await cache?.close();
    await manager.close();
  });
  fastify.decorate('redisManager', manager);
  if (cache) {
    fastify.decorate('cache', cache);
    addRouteCache(fastify, cache);
  }
  const main = manager.client('main');
  if (main.status === 'ready') {
    await fastify.register(fastifyRedis, { client: main, closeClient: false });
  } else {
    // @fastify/redis waits for 'ready' before it lets the app boot; in the fallback that could
    // be forever. The app gets the same client; it serves again once Redis is back.
    fastify.decorate('redis', main as never);
    log.warn(
      '@fastify/redis not registered: Redis is unavailable at start-up; fastify.redis is the main client',
    );
  }

  let insuranceAt = 0;
  if (options.rateLimit !== false) {
    const {
      algorithm = 'fixed-window',
      role = 'rateLimit',
      instances = 1,
      blockCacheSize = 10_000,
      insuranceKeys = 10_000,
      draftHeaders = false,
      ...rateLimit
    } = options.rateLimit ?? {};
    const store = createStore({
      manager,
      role,
      algorithm,
      keyPrefix: `${manager.settings(role).keyPrefix}rl:`,
      blockCacheSize,
      insurance: new InsuranceLimiter(insuranceKeys, instances),
      onInsurance: (error) => {
        if (Date.now() - insuranceAt > INSURANCE_VISIBLE_MS) {
          log.warn(
            { err: (error as Error).message },
            'rate limiting in memory (insurance) while Redis is unavailable',
          );
        }
        insuranceAt = Date.now();
      },
    });
    await fastify.register(fastifyRateLimit, { ...rateLimit, store: store as never });
    if (draftHeaders) addDraftHeaders(fastify, rateLimit.timeWindow ?? 60_000);
  }

  if (options.health !== false) {
    const extra = (): Record<string, HealthCheck> => {
      if (options.rateLimit === false) return {};
      const active = Date.now() - insuranceAt < INSURANCE_VISIBLE_MS;
      return {
        'rateLimit:store': {
          componentType: 'component',
          status: active ? 'warn' : 'pass',
          time: new Date().toISOString(),
          ...(active
            ? { output: 'counting in memory (insurance limiter) while Redis is unavailable' }
            : {}),
        },
      };
    };
    addHealthRoutes(fastify, manager, options.health ?? {}, extra);
  }

  const roles = Object.fromEntries(
    Object.entries(manager.health()).map(([role, health]) => [
      role,
      { status: health.status, mode: health.mode, endpoint: health.endpoint },
    ]),
  );
  log.info(
    { environment: config.environment, fallback: config.fallback, roles, notes: config.notes },
    'redis-infra ready',
  );
}

/**
 * fastify-redis-infra: one register for a resolved config, self-healing Redis connections
 * (`fastify.redisManager`, `fastify.redis`), distributed rate limiting and health routes.
 */
export const redisInfra = fp(redisInfraPlugin, { name: 'fastify-redis-infra', fastify: '5.x' });
