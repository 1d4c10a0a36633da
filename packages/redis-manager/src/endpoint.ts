import type { EventEmitter } from 'node:events';
import type { Fallback, ResolvedRole } from '@redis-infra/config-resolver';
import { Command, type Redis } from 'ioredis';
import { connectInBackground, noop } from './background.js';
import { fullJitter } from './backoff.js';
import { type BreakerState, CircuitBreaker } from './circuit-breaker.js';
import { classifyConnectError, isAvailabilityFailure, redactedMessage } from './classify.js';
import { type ConnectionKind, clusterOptions, redisOptions } from './client-options.js';
import { failExpired, sweepPeriod } from './deadline.js';
import { guardFailoverDetector } from './detector-guard.js';
import { RedisConnectError, RedisUnavailableError } from './errors.js';
import { LeasePool } from './lease-pool.js';
import { LostMasters } from './lost-masters.js';
import {
  type CommandGuard,
  type ManagedClient,
  ManagedCluster,
  ManagedRedis,
  settle,
  TIMED_OUT,
} from './managed-client.js';
import { pendingCommands, waitUntil } from './pending.js';
import { leastPending, roundRobin } from './pick.js';
import { readClusterSlots, readServerInfo } from './server-info.js';
import { guardStream } from './stream-guard.js';
import { SuccessWindow } from './success-window.js';
import type {
  ClusterSlots,
  LastError,
  ManagerEvents,
  ManagerOptions,
  RoleHealth,
} from './types.js';

/** What an endpoint needs from its manager. */
export interface EndpointHost {
  readonly fallback: Fallback;
  readonly healthCheckIntervalMs: number;
  readonly options: ManagerOptions;
  /** Emits a manager event for one role. */
  emit<K extends keyof ManagerEvents>(event: K, ...args: ManagerEvents[K]): void;
}

const probes = new WeakSet<Command>();
const CONNECT_GRACE_MS = 50;
/** What the deadline sweep last heard from a connection. */
interface Heard {
  bytes: number | undefined;
  at: number;
}

/** Connect failures that say Redis is not there (rather than slow). */
const ABSENT = new Set(['refused', 'not-found']);
/**
 * The subscriber's guard: admits everything (it must resubscribe as soon as its connection is
 * back, breaker or not) and handles every command's rejection too. ioredis re-sends the
 * subscriptions after a reconnect with no handler on them: when the connection drops (or
 * close() comes) before the reply, that rejection would be unhandled and, by Node's default,
 * end the process. A caller's own handlers still see every rejection.
 */
const PASS_THROUGH: CommandGuard = {
  admit: (_client, command) => {
    command.promise.catch(noop);
    return undefined;
  },
  onFailure: noop,
};

/**
 * The connections of one Redis endpoint, shared by every role that resolves to it: the
 * pool behind `client()`, the leases behind `withConnection()`, the subscriber, and the
 * breaker, counts and health they share.
 */
export class Endpoint implements CommandGuard {
  /** Settings (of the first role; every role here has the same connection settings). */
  readonly settings: ResolvedRole;
  /** Roles served by this endpoint. */
  readonly roles: string[] = [];
  /** Pooled connections behind `client()`. */
  readonly clients: ManagedClient[];
  /** Per pooled connection: bytes its socket had read at the last sweep, and since when. */
  readonly #heard: Heard[];
  readonly breaker: CircuitBreaker;
  readonly leases: LeasePool;
  readonly #window = new SuccessWindow();
  readonly #host: EndpointHost;
  #subscriber: ManagedClient | undefined;
  #phase: 'idle' | 'connecting' | 'running' | 'closed' = 'idle';
  #available = false;
  #downSince: number | undefined;
  #authFailed = false;
  #cursor = 0;
  #reconnects = 0;
  #lastError: LastError | undefined;
  #latencyMs: number | undefined;
  #server: RoleHealth['server'] = null;
  #cluster: Omit<ClusterSlots, 'lostMasters'> | undefined;
  #healthTimer: NodeJS.Timeout | undefined;
  #secondTimer: NodeJS.Timeout | undefined;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #lastErrorObject: unknown;

  constructor(settings: ResolvedRole, host: EndpointHost) {
    this.settings = settings;
    this.#host = host;
    this.breaker = new CircuitBreaker(host.options.breaker ?? {}, (state) =>
      this.#onBreaker(state),
    );
    this.clients = Array.from({ length: settings.poolSize }, () => this.create('pool'));
    this.#heard = this.clients.map(() => ({ bytes: undefined, at: 0 }));
    this.leases = new LeasePool(this, host.options.lease ?? {});
  }

  /** Roles of this endpoint, for messages. */
  get label(): string {
    return this.roles.join(', ');
  }

  /** Whether commands can be served now. */
  get available(): boolean {
    return this.#available;
  }

  /** Creates a managed connection of this endpoint, wired to its breaker and counts. */
  create(kind: ConnectionKind): ManagedClient {
    const { settings } = this;
    const policy = this.#host.options.reconnect ?? {};
    const authFailed = () => this.#authFailed;
    const client =
      settings.mode === 'cluster'
        ? new ManagedCluster(
            (settings.nodes as NonNullable<ResolvedRole['nodes']>).map((n) => ({ ...n })),
            clusterOptions(settings, kind, policy, authFailed),
          )
        : new ManagedRedis(redisOptions(settings, kind, policy, authFailed));
    if (client instanceof ManagedRedis) guardFailoverDetector(client);
    client.managed = {
      guard: kind === 'subscriber' ? PASS_THROUGH : this,
      queueing: true,
      stamped: kind === 'pool' && client instanceof ManagedRedis,
      retryReadsOnTimeout: settings.retryOnTimeout && kind === 'pool',
      nonBlockingTimeoutMs:
        kind === 'lease' || client instanceof ManagedCluster
          ? settings.commandTimeoutMs
          : undefined,
      lostMasters:
        client instanceof ManagedCluster
          ? new LostMasters(client, (master) =>
              this.#record(new Error(`lost the cluster master ${master}; its slots fail fast`)),
            )
          : undefined,
    };
    client.on('error', (error: unknown) => {
      guardStream(client as { stream?: EventEmitter });
      this.#record(error);
    });
    if (client instanceof ManagedCluster) {
      client.on('+node', (node: Redis) => node.on('error', () => guardStream(node)));
    }
    client.on('ready', () => this.#onReady());
    client.on('close', () => this.#recompute());
    if (kind !== 'lease') client.on('end', () => this.#restart(client));
    client.on('reconnecting', (delayMs: number) => {
      this.#reconnects++;
      this.#emit('reconnecting', { delayMs });
    });
    return client;
  }

  // --- CommandGuard: on every command -------------------------------------------------

  admit(client: ManagedClient, command: Command, slot?: number): Error | undefined {
    const status = client.status;
    // `connect`: the handshake (AUTH, HELLO, SELECT, the ready check) must go through.
    if (status === 'connect' || client.managed.queueing) return undefined;
    const window = this.#window;
    const down = this.#down(command, status);
    if (down !== undefined) {
      window.sent();
      window.fail();
      return new RedisUnavailableError(this.label, down);
    }
    const master = client.managed.lostMasters?.of(command, slot);
    if (master === undefined) {
      window.sent();
      return undefined;
    }
    // One master lost is not the endpoint failing: the breaker does not weigh these.
    window.excuse();
    return new RedisUnavailableError(
      this.label,
      `the cluster master of its slot (${master}) is lost; waiting for a replica to take over`,
    );
  }

  /** Why the endpoint refuses `command` at once (breaker open, no connection), if it does. */
  #down(command: Command, status: string): string | undefined {
    const state = this.breaker.state;
    if (state !== 'closed')
      return probes.has(command) ? undefined : `its circuit breaker is ${state}`;
    return status === 'ready' ? undefined : 'no connection is up; reconnecting in the background';
  }

  readonly onFailure = (error: unknown, judged = true, count = 1): void => {
    // A shutdown is no outage: what close() cuts short says nothing (no event, no breaker).
    if (this.#phase === 'closed' || !isAvailabilityFailure(error)) return;
    const window = this.#window;
    window.fail(count);
    this.#record(error);
    // A backlog's timeout says nothing against a closed breaker; a probe's always decides.
    if (!judged && this.breaker.state === 'closed') return;
    // Commands still awaiting a reply have not succeeded: judge against the settled ones only.
    let pending = 0;
    for (const client of this.clients) pending += pendingCommands(client);
    this.breaker.failure(window.failedNow, window.sentNow - pending);
  };

  // --- client(), subscriber() ---------------------------------------------------------

  /** A pooled connection: the ready one with the fewest commands waiting (or round robin). */
  pick(): ManagedClient {
    const { clients } = this;
    if (clients.length === 1) return clients[0] as ManagedClient; // the default: nothing to choose
    if (this.#host.options.poolStrategy !== 'round-robin') return leastPending(clients);
    this.#cursor = roundRobin(clients, this.#cursor);
    return clients[this.#cursor] as ManagedClient;
  }

  /** The endpoint's pub/sub connection, created and connected on first use. */
  subscriber(): ManagedClient {
    if (!this.#subscriber) {
      this.#subscriber = this.create('subscriber');
      connectInBackground(this.#subscriber);
    }
    return this.#subscriber;
  }

  // --- lifecycle ----------------------------------------------------------------------

  /**
   * Connects the pool and waits until every connection is ready, an authentication
   * failure, or `connectTimeoutMs`. Resolves with the reason when the endpoint is not
   * available by then (the caller decides between failing and the fallback).
   */
  async connect(): Promise<RedisConnectError | undefined> {
    this.#phase = 'connecting';
    this.#secondTimer = setInterval(() => this.#window.rotate(), 1_000);
    this.#secondTimer.unref();
    const timeoutMs = this.settings.commandTimeoutMs;
    // Swept after the I/O of the loop turn (setImmediate): after a stalled event loop, the
    // replies already waiting in the sockets are read before anything is judged late.
    const sweep = () => this.#sweep(timeoutMs);
    this.#deadlineTimer = setInterval(() => setImmediate(sweep), sweepPeriod(timeoutMs));
    this.#deadlineTimer.unref();
    // The reason a connect fails with when nothing else is known by the deadline.
    this.#lastErrorObject = Object.assign(
      new Error(`no answer within ${this.settings.connectTimeoutMs} ms`),
      { code: 'ETIMEDOUT' },
    );
    for (const client of this.clients) connectInBackground(client);
    const allReady = () => this.clients.every((c) => c.status === 'ready');
    // With a memory fallback nothing is worth waiting for once Redis is known to be absent
    // (refused, no such host): the app starts now, and the manager recovers when it appears.
    const absent = () =>
      this.#host.fallback === 'memory' && ABSENT.has(classifyConnectError(this.#lastErrorObject));
    // The grace lets ioredis report its own connect timeout first, so a reason is always known.
    await waitUntil(
      () => allReady() || this.#authFailed || absent(),
      this.settings.connectTimeoutMs + CONNECT_GRACE_MS,
    );
    this.#phase = 'running';
    // Waiting for a connection was for the first connect only: from now on nothing waits.
    for (const client of this.clients) settle(client);
    this.#recompute();
    this.#startHealthChecks();
    if (this.#available) {
      await this.check(); // health has a latency and the server's version from the start
      return undefined;
    }
    this.#downSince = Date.now();
    const error = this.#lastErrorObject;
    const failure = new RedisConnectError(
      this.label,
      this.settings.endpoint,
      classifyConnectError(error),
      redactedMessage(error, this.settings),
    );
    this.#enterFallback(failure.message);
    return failure;
  }

  /** Announces the fallback, in a config that allows it. */
  #enterFallback(reason: string): void {
    if (this.#host.fallback === 'memory') this.#emit('fallback', { reason });
  }

  /**
   * Stops timers, lets pending commands finish (up to `timeoutMs`), then disconnects every
   * connection. Called once, by the manager.
   */
  async close(timeoutMs: number): Promise<void> {
    this.#phase = 'closed';
    clearInterval(this.#healthTimer);
    clearInterval(this.#secondTimer);
    clearInterval(this.#deadlineTimer);
    this.breaker.dispose();
    // The subscriber's commands wait for their connection by design: it is not waited for.
    this.#subscriber?.disconnect();
    const all = [...this.clients, ...this.leases.close()];
    await waitUntil(() => all.every((c) => pendingCommands(c) === 0), timeoutMs);
    for (const client of all) client.disconnect();
  }

  // --- health -------------------------------------------------------------------------

  /** This endpoint's health as one role reports it; reads cached state only. */
  health(): RoleHealth {
    const ready = this.#ready();
    const health: RoleHealth = {
      status: this.status(ready),
      latencyMs: this.#latencyMs ?? null,
      mode: this.settings.mode,
      endpoint: this.settings.endpoint,
      pool: {
        size: this.clients.length,
        ready,
        busy: this.leases.busy,
        waiting: this.leases.waiting,
      },
      breaker: this.breaker.state,
      reconnects: this.#reconnects,
      successRate: this.#window.rate(),
      lastError: this.#lastError ?? null,
      server: this.#server,
    };
    if (this.#cluster) health.cluster = { ...this.#cluster, lostMasters: this.#lostMasters() };
    return health;
  }

  /** The cluster masters some pooled connection has lost (`host:port`); cluster mode only. */
  #lostMasters(): string[] {
    const lost = new Set<string>();
    for (const client of this.clients)
      for (const master of (client.managed.lostMasters as LostMasters).keys) lost.add(master);
    return [...lost];
  }

  /** Pooled connections that are ready. */
  #ready(): number {
    let ready = 0;
    for (const client of this.clients) if (client.status === 'ready') ready++;
    return ready;
  }

  /** The role status from cached state. */
  status(ready = this.#ready()): RoleHealth['status'] {
    if (this.#phase === 'closed') return 'closed';
    if (this.#phase !== 'running') return 'connecting';
    if (!this.#available) return this.#host.fallback === 'memory' ? 'fallback' : 'down';
    const lostMaster =
      this.settings.mode === 'cluster' && this.clients.some((c) => c.managed.lostMasters?.size);
    return ready < this.clients.length || lostMaster ? 'degraded' : 'up';
  }

  #startHealthChecks(): void {
    const interval = this.#host.healthCheckIntervalMs;
    if (interval > 0) {
      this.#healthTimer = setInterval(() => void this.check(), interval);
      this.#healthTimer.unref();
    }
  }

  /** Measures a PING round trip and refreshes what the server says of itself. */
  async check(): Promise<void> {
    const client = this.clients.find((c) => c.status === 'ready');
    if (!client || !this.#available) return;
    try {
      const started = performance.now();
      await client.ping();
      this.#latencyMs = Math.round((performance.now() - started) * 100) / 100;
      this.#server = await readServerInfo(client);
      if (this.settings.mode === 'cluster') this.#cluster = await readClusterSlots(client);
    } catch {
      // Counted by the guard; health shows it through the breaker and the success rate.
    }
  }

  // --- state changes ------------------------------------------------------------------

  /**
   * The deadline sweep of the pooled connections. A command past its deadline on a
   * connection that has received data within the deadline waited in a backlog Redis is
   * working through: it fails (the caller's deadline is the caller's), but says nothing
   * against Redis, so the breaker does not count it. A connection that has received nothing
   * for a whole deadline while holding expired commands has stalled; when every one has,
   * Redis hangs (or the path to it does), and the second's failures are judged against no
   * successes (the replies before the hang say nothing about now): `failureThreshold`
   * timeouts open the breaker at once.
   */
  #sweep(timeoutMs: number): void {
    const now = Date.now();
    let stalled = 0;
    this.clients.forEach((client, i) => {
      if (!(client instanceof ManagedRedis)) return;
      const heard = this.#heard[i] as Heard;
      const bytes = (client.stream as { bytesRead: number } | undefined)?.bytesRead;
      if (bytes !== heard.bytes) {
        heard.bytes = bytes;
        heard.at = now;
      }
      const silent = now - heard.at >= timeoutMs;
      const expired = failExpired(client, now, timeoutMs);
      if (expired === 0) return;
      this.onFailure(new Error(TIMED_OUT), silent, expired);
      if (silent) stalled++;
    });
    if (stalled === this.clients.length) this.breaker.failure(this.#window.failedNow, 0);
  }

  #record(error: unknown): void {
    this.#lastErrorObject = error;
    const { code } = error as { code?: unknown };
    this.#lastError = {
      message: redactedMessage(error, this.settings),
      code: typeof code === 'string' ? code : undefined,
      at: new Date().toISOString(),
    };
    if (classifyConnectError(error) === 'auth') this.#authFailed = true;
    this.#emit('error', { error: new RedisUnavailableError(this.label, this.#lastError.message) });
  }

  /**
   * ioredis gives a connection up for good (`end`) when a reconnect attempt is cut short: on
   * Sentinel, a `+switch-master` that arrives while the attempt is asking the sentinels. A
   * pooled or pub/sub connection is started again after a backoff, until the endpoint
   * closes (leases are ended on purpose and replaced on demand).
   */
  #restart(client: ManagedClient): void {
    if (this.#phase === 'closed') return;
    const again = () => {
      if (this.#phase !== 'closed' && client.status === 'end') connectInBackground(client);
    };
    setTimeout(again, fullJitter(1, this.#host.options.reconnect)).unref();
  }

  #onReady(): void {
    this.#authFailed = false;
    this.breaker.success();
    this.#recompute();
  }

  #onBreaker(state: BreakerState): void {
    if (state === 'open') this.#emit('breakerOpen', {});
    else if (state === 'closed') this.#emit('breakerClose', {});
    else this.#probe();
    this.#recompute();
  }

  /** Half-open: one PING on a ready connection decides (through the guard's counts). */
  #probe(): void {
    const client = this.clients.find((c) => c.status === 'ready');
    if (!client) return;
    const ping = new Command('ping', []);
    probes.add(ping);
    ping.promise.then(() => this.breaker.success(), noop); // a failure re-opens it, through the guard
    client.sendCommand(ping);
  }

  #recompute(): void {
    // A shutdown is no outage: the connections closing say nothing (no breaker, no fallback).
    if (this.#phase === 'closed') {
      this.#available = false;
      return;
    }
    const available =
      this.#phase === 'running' &&
      this.breaker.state === 'closed' &&
      this.clients.some((c) => c.status === 'ready');
    if (available === this.#available) return;
    this.#available = available;
    if (available) {
      const downSince = this.#downSince;
      this.#downSince = undefined;
      this.#emit('ready', {});
      if (downSince !== undefined) this.#emit('recovered', { downtimeMs: Date.now() - downSince });
      void this.check();
      return;
    }
    this.#downSince = Date.now();
    // Every connection is gone (or the breaker opened): fail fast until one answers again.
    if (this.breaker.state === 'closed') this.breaker.open();
    this.#enterFallback(this.#lastError?.message ?? 'Redis stopped answering');
  }

  #emit<K extends keyof ManagerEvents>(event: K, payload: Omit<ManagerEvents[K][0], 'role'>): void {
    for (const role of this.roles)
      this.#host.emit(event, ...([{ ...payload, role }] as unknown as ManagerEvents[K]));
  }
}
