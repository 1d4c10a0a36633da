import { EventEmitter } from 'node:events';
import type { ResolvedConfig, ResolvedRole } from '@redis-infra/config-resolver';
import { Endpoint, type EndpointHost } from './endpoint.js';
import { ManagerClosedError, UnknownRoleError } from './errors.js';
import type { ManagedClient } from './managed-client.js';
import type { ManagerEvents, ManagerOptions, RoleHealth, RoleStatus } from './types.js';

type Level = 'debug' | 'info' | 'warn';
const LOG: Record<keyof ManagerEvents, [Level, string]> = {
  ready: ['info', 'redis role ready'],
  reconnecting: ['debug', 'redis role reconnecting'],
  breakerOpen: ['warn', 'redis circuit breaker open: calls fail fast'],
  breakerClose: ['info', 'redis circuit breaker closed'],
  fallback: ['warn', 'redis unavailable: serving from memory (fallback)'],
  recovered: ['info', 'redis role recovered'],
  error: ['debug', 'redis connection error'],
};

/**
 * Owns every Redis connection of an app, per role, built from a `ResolvedConfig`. Roles
 * that resolve to the same endpoint and credentials share their connections.
 */
export class RedisManager extends EventEmitter<ManagerEvents> {
  /** The config the manager was built from. */
  readonly config: ResolvedConfig;
  readonly #options: ManagerOptions;
  readonly #endpoints: Endpoint[] = [];
  readonly #byRole = new Map<string, Endpoint>();
  #connecting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  constructor(config: ResolvedConfig, options: ManagerOptions = {}) {
    super();
    this.config = config;
    this.#options = options;
    const host: EndpointHost = {
      fallback: config.fallback,
      healthCheckIntervalMs: config.healthCheckIntervalMs,
      options,
      emit: (event, ...args) => this.#report(event, ...args),
    };
    const byShareKey = new Map<string, Endpoint>();
    for (const [name, role] of Object.entries(config.roles)) {
      let endpoint = byShareKey.get(role.shareKey);
      if (!endpoint) {
        endpoint = new Endpoint(role, host);
        byShareKey.set(role.shareKey, endpoint);
        this.#endpoints.push(endpoint);
      }
      endpoint.roles.push(name);
      this.#byRole.set(name, endpoint);
    }
  }

  /** Role names, as the config defines them. */
  get roles(): string[] {
    return [...this.#byRole.keys()];
  }

  /**
   * Connects every role. With `fallback: 'off'` it rejects within the roles'
   * `connectTimeoutMs` with a redacted `RedisConnectError` (and closes what it opened);
   * with `fallback: 'memory'` it resolves, the unavailable roles report `fallback`, and
   * they keep reconnecting in the background. Calling it again returns the same promise.
   */
  connect(): Promise<void> {
    this.#connecting ??= this.#connect();
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    if (this.#closing) throw new ManagerClosedError();
    const results = await Promise.all(this.#endpoints.map((endpoint) => endpoint.connect()));
    const failure = results.find((error) => error !== undefined);
    // With the memory fallback, the endpoints that failed announced it and keep reconnecting.
    if (failure && this.config.fallback === 'off') {
      await this.close();
      throw failure;
    }
  }

  /** A client for plain commands on `role`, picked from its pool (auto-pipelined, with deadlines). */
  client(role = 'main'): ManagedClient {
    return this.#endpoint(role).pick();
  }

  /**
   * Runs `fn` with a connection leased to it alone (WATCH/MULTI, blocking commands), and
   * takes the connection back when `fn` settles, also when it throws.
   */
  async withConnection<T>(role: string, fn: (client: ManagedClient) => Promise<T> | T): Promise<T> {
    const { leases } = this.#endpoint(role);
    const client = await leases.acquire();
    let broken = true;
    try {
      const result = await fn(client);
      broken = false;
      return result;
    } finally {
      leases.release(client, broken);
    }
  }

  /** The dedicated pub/sub connection of `role` (shared by roles on one endpoint); resubscribes after reconnects. */
  subscriber(role = 'main'): ManagedClient {
    return this.#endpoint(role).subscriber();
  }

  /**
   * The resolved settings of `role` (mode, key prefix, timeouts). Roles that share
   * connections run on the pool of the first of them; its settings are the connection's.
   */
  settings(role = 'main'): ResolvedRole {
    this.#endpoint(role);
    return this.config.roles[role] as ResolvedRole;
  }

  /** The status of `role`, from cached state (cheap: no health report is built). */
  state(role = 'main'): RoleStatus {
    return this.#endpoint(role, true).status();
  }

  /** Every role's health, from cached state: never waits on Redis. */
  health(): Record<string, RoleHealth> {
    const health: Record<string, RoleHealth> = {};
    for (const [role, endpoint] of this.#byRole) health[role] = endpoint.health();
    return health;
  }

  /**
   * Lets pending commands finish (up to `closeTimeoutMs`), then disconnects every
   * connection and stops every timer. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= Promise.all(
      this.#endpoints.map((e) => e.close(this.#options.closeTimeoutMs ?? 2_000)),
    ).then(() => {});
    return this.#closing;
  }

  #endpoint(role: string, evenClosed = false): Endpoint {
    const endpoint = this.#byRole.get(role);
    if (!endpoint) throw new UnknownRoleError(role, this.roles);
    if (this.#closing && !evenClosed) throw new ManagerClosedError();
    return endpoint;
  }

  #report<K extends keyof ManagerEvents>(event: K, ...args: ManagerEvents[K]): void {
    const [level, message] = LOG[event];
    const [payload] = args as [Record<string, unknown>];
    const { error, ...fields } = payload;
    this.#options.logger?.[level](
      { ...fields, ...(error ? { err: (error as Error).message } : {}) },
      message,
    );
    if (event === 'error' && this.listenerCount('error') === 0) return;
    (this.emit as (event: K, ...args: ManagerEvents[K]) => boolean)(event, ...args);
  }
}

/** Creates a manager for `config`; call `connect()` before use and `close()` at shutdown. */
export function createRedisManager(
  config: ResolvedConfig,
  options: ManagerOptions = {},
): RedisManager {
  return new RedisManager(config, options);
}
