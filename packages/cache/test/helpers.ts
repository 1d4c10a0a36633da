import {
  type ConfigOptions,
  type ResolvedConfig,
  resolveConfig,
} from '@redis-infra/config-resolver';
import {
  createRedisManager,
  type ManagerOptions,
  type RedisManager,
} from '@redis-infra/redis-manager';
import { type Owner, type RedisServer, startRedis } from '@redis-infra/testing';
import { type Cache, type CacheOptions, createCache } from '../src/index.js';

/** Where a test manager connects. */
export interface Target {
  host: string;
  port: number;
}

/** A real config (through config-resolver) for `target`, with short deadlines for tests. */
export function configFor(
  target: Target,
  options: ConfigOptions = {},
  env: Record<string, string> = { ENVIRONMENT: 'production' },
): Promise<ResolvedConfig> {
  return resolveConfig({
    env,
    options: {
      host: target.host,
      port: target.port,
      connectTimeoutMs: 1_000,
      commandTimeoutMs: 300,
      healthCheckIntervalMs: 0,
      ...options,
    },
  });
}

/** A connected manager for `config` with fast reconnects, closed when the test ends. */
export async function managerFor(
  t: Owner,
  config: ResolvedConfig,
  options: ManagerOptions = {},
): Promise<RedisManager> {
  const manager = createRedisManager(config, {
    breaker: { failureThreshold: 3, cooldownMs: 200 },
    reconnect: { baseMs: 20, maxMs: 200, authRetryMs: 1_000 },
    // The subscriber's commands wait for its connection: do not wait long for them at the end.
    closeTimeoutMs: 100,
    ...options,
  });
  t.teardown(() => manager.close());
  await manager.connect();
  return manager;
}

/** A cache closed when the test ends. */
export function cacheFor(
  t: Owner,
  manager: RedisManager,
  options: Partial<CacheOptions> = {},
): Cache {
  const cache = createCache({ manager, ttl: 60_000, ...options });
  t.teardown(() => cache.close());
  return cache;
}

/** A server, a manager on it and a cache whose bus is subscribed. */
export async function standalone(
  t: Owner,
  options: Partial<CacheOptions> = {},
  config: ConfigOptions = {},
): Promise<{ redis: RedisServer; manager: RedisManager; cache: Cache }> {
  const redis = await startRedis(t);
  const manager = await managerFor(t, await configFor(redis, config));
  const cache = cacheFor(t, manager, options);
  await busUp(cache);
  return { redis, manager, cache };
}

/** Resolves once the cache's bus is subscribed. */
export async function busUp(cache: Cache): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!cache.stats().bus.connected) {
    if (Date.now() > deadline) throw new Error('the bus did not connect');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A loader that counts its calls and resolves with `value` after `ms`. */
export function counting<T>(value: T, ms = 0): { calls: number; load: () => Promise<T> } {
  const counter = {
    calls: 0,
    load: async () => {
      counter.calls++;
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      return value;
    },
  };
  return counter;
}
