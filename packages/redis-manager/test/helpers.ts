import {
  type ConfigOptions,
  type ResolvedConfig,
  resolveConfig,
} from '@redis-infra/config-resolver';
import type { Owner } from '@redis-infra/testing';
import { createRedisManager, type ManagerOptions, type RedisManager } from '../src/index.js';

/** Where a test manager connects: a server, a proxy, or any host and port. */
export interface Target {
  host: string;
  port: number;
  password?: string | undefined;
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
      ...(target.password ? { password: target.password } : {}),
      connectTimeoutMs: 1_000,
      commandTimeoutMs: 300,
      healthCheckIntervalMs: 0,
      ...options,
    },
  });
}

/** A manager for `config`, closed when the test ends. */
export function managerFor(
  t: Owner,
  config: ResolvedConfig,
  options: ManagerOptions = {},
): RedisManager {
  const manager = createRedisManager(config, {
    breaker: { failureThreshold: 3, cooldownMs: 200 },
    reconnect: { baseMs: 20, maxMs: 200, authRetryMs: 1_000 },
    ...options,
  });
  t.teardown(() => manager.close());
  return manager;
}

/** `managerFor`, connected. */
export async function connectedManager(
  t: Owner,
  config: ResolvedConfig,
  options: ManagerOptions = {},
): Promise<RedisManager> {
  const manager = managerFor(t, config, options);
  await manager.connect();
  return manager;
}

export { timed } from '@redis-infra/testing';

/** Records every event a manager emits, in order. */
export function recordEvents(manager: RedisManager): Array<[string, Record<string, unknown>]> {
  const seen: Array<[string, Record<string, unknown>]> = [];
  for (const event of [
    'ready',
    'reconnecting',
    'breakerOpen',
    'breakerClose',
    'fallback',
    'recovered',
    'error',
  ] as const) {
    manager.on(event, (payload: Record<string, unknown>) => seen.push([event, payload]));
  }
  return seen;
}

/** Subscribes the role's subscriber to a channel, publishes through the pool, and resolves with what arrived. */
export async function publishAndReceive(manager: RedisManager, role = 'main'): Promise<string> {
  const subscriber = manager.subscriber(role);
  const received = new Promise<string>((resolve) =>
    subscriber.once('message', (_c: string, m: string) => resolve(m)),
  );
  await subscriber.subscribe('ch');
  await manager.client(role).publish('ch', 'hello');
  return received;
}
