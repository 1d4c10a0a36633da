import type { Mode } from '@redis-infra/config-resolver';
import type { BreakerOptions, BreakerState } from './circuit-breaker.js';
import type { ReconnectPolicy } from './client-options.js';

/** A pino-compatible logger; the manager only logs redacted text. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** How `client()` picks among a role's pooled connections. */
export type PoolStrategy = 'round-robin' | 'least-pending';

/** Settings of `withConnection` leases. */
export interface LeaseOptions {
  /** Dedicated connections per endpoint, created on demand. @default 4 */
  max?: number;
  /** How long `withConnection` waits for a free connection. @default 2000 */
  acquireTimeoutMs?: number;
  /** Callers that may wait at once; more fail with `E_POOL_QUEUE_FULL`. @default 100 */
  maxWaiting?: number;
}

/** Options of `createRedisManager`. */
export interface ManagerOptions {
  /** Where the manager reports connection changes (redacted). @default no logging */
  logger?: Logger;
  /** Circuit breaker settings. @default { failureThreshold: 5, cooldownMs: 1000 } */
  breaker?: BreakerOptions;
  /** Reconnect backoff (full jitter). @default { baseMs: 50, maxMs: 2000, authRetryMs: 10000 } */
  reconnect?: ReconnectPolicy;
  /** Lease settings of `withConnection`. @default { max: 4, acquireTimeoutMs: 2000, maxWaiting: 100 } */
  lease?: LeaseOptions;
  /** How `client()` picks a pooled connection (least-pending measured 1.09-1.24x round-robin at pool 4). @default 'least-pending' */
  poolStrategy?: PoolStrategy;
  /** How long `close()` lets pending commands finish before it disconnects. @default 2000 */
  closeTimeoutMs?: number;
}

/** A role's state: `fallback` is `down` in a config that allows the memory fallback. */
export type RoleStatus = 'connecting' | 'up' | 'degraded' | 'down' | 'fallback' | 'closed';

/** The last availability failure of a role, redacted. */
export interface LastError {
  /** Redacted message. */
  message: string;
  /** The error's code, when it has one (`ECONNREFUSED`, `E_REDIS_UNAVAILABLE`). */
  code: string | undefined;
  /** When it happened (ISO 8601). */
  at: string;
}

/** Cluster slot coverage as `CLUSTER INFO` reports it. */
export interface ClusterSlots {
  state: string;
  slotsAssigned: number;
  slotsOk: number;
  slotsFail: number;
  knownNodes: number;
  /**
   * Masters this instance has lost the connection to (`host:port`): commands for their slots
   * fail at once until a replica takes over. Not from `CLUSTER INFO`: live.
   */
  lostMasters: string[];
}

/** One role's health, from cached state: reading it never waits on Redis. */
export interface RoleHealth {
  status: RoleStatus;
  /** Last measured PING round trip, in ms; `null` before the first. */
  latencyMs: number | null;
  mode: Mode;
  /** Redacted endpoint. */
  endpoint: string;
  pool: {
    /** Pooled connections. */
    size: number;
    /** Pooled connections that are ready. */
    ready: number;
    /** Leased connections in use. */
    busy: number;
    /** Callers waiting for a lease. */
    waiting: number;
  };
  breaker: BreakerState;
  /** Reconnect attempts since start. */
  reconnects: number;
  /** Share of commands that succeeded over the last 60 s, 0..1. */
  successRate: number;
  lastError: LastError | null;
  /** What the server said of itself at the last check. */
  server: { version: string; role: string } | null;
  /** Slot coverage, cluster mode only. */
  cluster?: ClusterSlots;
}

/** The manager's events and their payloads. */
export interface ManagerEvents {
  /** A role can serve commands (at start, and again after an outage). */
  ready: [{ role: string }];
  /** A connection of a role schedules a reconnect. */
  reconnecting: [{ role: string; delayMs: number }];
  /** A role's breaker opened: its calls fail at once. */
  breakerOpen: [{ role: string }];
  /** A role's breaker closed again. */
  breakerClose: [{ role: string }];
  /** A role went down in a config with the memory fallback: the layers above serve from memory. */
  fallback: [{ role: string; reason: string }];
  /** A role that was down (or in fallback) serves again. */
  recovered: [{ role: string; downtimeMs: number }];
  /** A connection error (redacted). Emitted only while someone listens. */
  error: [{ role: string; error: Error }];
}
