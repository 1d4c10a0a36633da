export type { BackoffOptions } from './backoff.js';
export type { BreakerOptions, BreakerState } from './circuit-breaker.js';
export type { ReconnectPolicy } from './client-options.js';
export type { ConnectFailure } from './errors.js';
export {
  ManagerClosedError,
  PoolError,
  RedisConnectError,
  RedisManagerError,
  RedisUnavailableError,
  UnknownRoleError,
} from './errors.js';
export type { ManagedClient } from './managed-client.js';
export { ManagedCluster, ManagedRedis } from './managed-client.js';
export { createRedisManager, RedisManager } from './redis-manager.js';
export type {
  ClusterSlots,
  LastError,
  LeaseOptions,
  Logger,
  ManagerEvents,
  ManagerOptions,
  PoolStrategy,
  RoleHealth,
  RoleStatus,
} from './types.js';
