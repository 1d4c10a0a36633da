import { connectInBackground } from './background.js';
import type { Endpoint } from './endpoint.js';
import { PoolError, RedisUnavailableError } from './errors.js';
import { type ManagedClient, settle } from './managed-client.js';
import { waitUntil } from './pending.js';
import type { LeaseOptions } from './types.js';

interface Waiter {
  resolve(client: ManagedClient): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * Dedicated connections for `withConnection` (WATCH/MULTI, blocking commands): created on
 * demand up to `max`, one caller at a time each, with a bounded, timed wait queue.
 */
export class LeasePool {
  readonly #endpoint: Endpoint;
  readonly #max: number;
  readonly #acquireTimeoutMs: number;
  readonly #maxWaiting: number;
  readonly #all = new Set<ManagedClient>();
  readonly #idle: ManagedClient[] = [];
  readonly #waiters: Waiter[] = [];
  #closed = false;

  constructor(endpoint: Endpoint, options: LeaseOptions) {
    this.#endpoint = endpoint;
    this.#max = options.max ?? 4;
    this.#acquireTimeoutMs = options.acquireTimeoutMs ?? 2_000;
    this.#maxWaiting = options.maxWaiting ?? 100;
  }

  /** Leased connections in use. */
  get busy(): number {
    return this.#all.size - this.#idle.length;
  }

  /** Callers waiting for a connection. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** A connection for the caller alone; give it back with `release`. */
  async acquire(): Promise<ManagedClient> {
    const endpoint = this.#endpoint;
    if (!endpoint.available) throw new RedisUnavailableError(endpoint.label, 'no connection is up');
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#all.size < this.#max) return this.#open();
    if (this.#waiters.length >= this.#maxWaiting) {
      throw new PoolError(
        'E_POOL_QUEUE_FULL',
        `${this.#maxWaiting} callers already wait for a connection of role "${endpoint.label}"`,
      );
    }
    return new Promise<ManagedClient>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(
            new PoolError(
              'E_POOL_TIMEOUT',
              `no connection of role "${endpoint.label}" was free within ${this.#acquireTimeoutMs} ms (all ${this.#max} leased)`,
            ),
          );
        }, this.#acquireTimeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  /**
   * Takes a connection back. One that failed its caller (`broken`) or is not ready is
   * closed rather than handed on: it may hold a WATCH, a MULTI or a subscription.
   */
  release(client: ManagedClient, broken: boolean): void {
    if (broken || this.#closed || client.status !== 'ready') {
      this.#all.delete(client);
      client.disconnect();
      const waiter = this.#waiters.shift();
      if (waiter) {
        clearTimeout(waiter.timer);
        this.#open().then(waiter.resolve, waiter.reject);
      }
      return;
    }
    const waiter = this.#waiters.shift();
    if (!waiter) {
      this.#idle.push(client);
      return;
    }
    clearTimeout(waiter.timer);
    waiter.resolve(client);
  }

  /** Fails every waiter and returns every connection, for the endpoint to disconnect. */
  close(): ManagedClient[] {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new RedisUnavailableError(this.#endpoint.label, 'the manager is closing'));
    }
    return [...this.#all];
  }

  /** Opens a new dedicated connection and waits until it is ready. */
  async #open(): Promise<ManagedClient> {
    const client = this.#endpoint.create('lease');
    this.#all.add(client);
    connectInBackground(client);
    if (await waitUntil(() => client.status === 'ready', this.#acquireTimeoutMs)) {
      settle(client);
      return client;
    }
    this.#all.delete(client);
    client.disconnect();
    throw new RedisUnavailableError(
      this.#endpoint.label,
      `a dedicated connection was not ready within ${this.#acquireTimeoutMs} ms`,
    );
  }
}
