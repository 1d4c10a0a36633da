import { resolveConfig } from '@redis-infra/config-resolver';
import {
  createRedisManager,
  type PoolStrategy,
  type RedisManager,
} from '@redis-infra/redis-manager';
import type { Owner } from '@redis-infra/testing';
import { Redis } from 'ioredis';

/** Where the bench's Redis listens. */
export interface Target {
  host: string;
  port: number;
}

/**
 * A plain ioredis client with auto-pipelining: the ceiling every Redis-backed row is held
 * against, and the client the peers get (so they are measured on the best client setup, too).
 * Closed with `owner`.
 */
export async function rawClient(owner: Owner, target: Target): Promise<Redis> {
  const client = new Redis({ host: target.host, port: target.port, enableAutoPipelining: true });
  owner.teardown(() => client.quit().catch(() => client.disconnect()));
  await client.ping();
  return client;
}

/** Pool settings of a bench manager. */
export interface ManagerShape {
  /** Connections in the role's pool. @default 1 (the config's default) */
  poolSize?: number;
  /** How `client()` picks among them. @default 'round-robin' */
  poolStrategy?: PoolStrategy;
}

/**
 * A connected manager built the way an app builds one: a real config through config-resolver
 * (production, so no memory fallback can hide a failure), every other setting its default.
 * Closed with `owner`.
 */
export async function managerFor(
  owner: Owner,
  target: Target,
  shape: ManagerShape = {},
): Promise<RedisManager> {
  const config = await resolveConfig({
    env: { ENVIRONMENT: 'production' },
    options: {
      host: target.host,
      port: target.port,
      ...(shape.poolSize === undefined ? {} : { poolSize: shape.poolSize }),
    },
  });
  const manager = createRedisManager(
    config,
    shape.poolStrategy === undefined ? {} : { poolStrategy: shape.poolStrategy },
  );
  owner.teardown(() => manager.close());
  await manager.connect();
  return manager;
}
