import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { removeDir, trackDir, trackProcess, untrackProcess } from './cleanup.js';
import { ServerStartError } from './errors.js';
import { freePort } from './free-port.js';
import type { Owner } from './owner.js';
import { redisServerBinary, redisServerVersion } from './redis-binary.js';
import { configLines } from './redis-conf.js';
import { type TlsFiles, tlsFiles } from './tls.js';

/** An ACL user created on the server. */
export interface AclUser {
  /** User name. */
  name: string;
  /** The user's password. */
  password: string;
  /** ACL rules after `on >password`. @default '~* &* +@all' */
  rules?: string;
}

/** Options of {@link startRedis}. */
export interface RedisServerOptions {
  /** `requirepass` of the default user; unset means no password. */
  password?: string;
  /** ACL users to create besides `default`. @default [] */
  users?: AclUser[];
  /** Serve TLS only (the plain port is closed). `clientAuth` requires client certificates. @default false */
  tls?: boolean | { clientAuth?: boolean };
  /** Start as a replica of this server. */
  replicaOf?: RedisServer;
  /** Start as a Redis Cluster node (`cluster-enabled yes`). @default false */
  cluster?: boolean;
  /** Extra config lines, e.g. `['maxmemory 10mb']`. @default [] */
  config?: string[];
  /** Give up when the server is not ready after this long. @default 10000 */
  startTimeoutMs?: number;
}

/** What a client needs to reach a server: host, port and, where set, password and TLS. */
export interface ConnectionInfo {
  host: string;
  port: number;
  password?: string;
  tls?: { ca: string; cert?: string; key?: string; servername: string };
}

const READY = /Ready to accept connections|Sentinel ID is/;

/**
 * One real `redis-server` process on a free port of 127.0.0.1 in its own temp dir,
 * with the faults tests need: `kill()`, `pause()`/`resume()`, `restart()`.
 */
export class RedisServer {
  /** The port the server listens on (TLS port when TLS is on). */
  readonly port: number;
  /** Always `127.0.0.1`. */
  readonly host = '127.0.0.1';
  /** The server's temp dir (config, logs, cluster state). */
  readonly dir: string;
  /** Certificates when the server serves TLS. */
  readonly tls: TlsFiles | undefined;
  /** Whether the server requires TLS client certificates. */
  readonly clientAuth: boolean;
  readonly #options: RedisServerOptions;
  readonly #args: string[];
  #process: ChildProcess | undefined;
  #log = '';
  #closed = false;

  /** @internal use {@link startRedis} (or a topology helper). */
  constructor(
    port: number,
    dir: string,
    args: string[],
    options: RedisServerOptions,
    tls: TlsFiles | undefined,
  ) {
    this.port = port;
    this.dir = dir;
    this.#args = args;
    this.#options = options;
    this.tls = tls;
    this.clientAuth = typeof options.tls === 'object' && options.tls.clientAuth === true;
  }

  /** The process id of the running server, or `undefined` when it is not running. */
  get pid(): number | undefined {
    const child = this.#process;
    return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
  }

  /** Whether the server process is running (paused counts as running). */
  get running(): boolean {
    return this.pid !== undefined;
  }

  /** The default user's password, if any. */
  get password(): string | undefined {
    return this.#options.password;
  }

  /** `redis://` (or `rediss://`) URL of the server, with the password when there is one. */
  get url(): string {
    const auth = this.password ? `:${encodeURIComponent(this.password)}@` : '';
    return `${this.tls ? 'rediss' : 'redis'}://${auth}${this.host}:${this.port}`;
  }

  /** Host, port, password and TLS material for a client. */
  get connection(): ConnectionInfo {
    const info: ConnectionInfo = { host: this.host, port: this.port };
    if (this.password) info.password = this.password;
    if (this.tls) {
      info.tls = { ca: this.tls.ca, servername: 'localhost' };
      if (this.clientAuth)
        Object.assign(info.tls, { cert: this.tls.clientCert, key: this.tls.clientKey });
    }
    return info;
  }

  /** Everything the server printed since it last started. */
  get log(): string {
    return this.#log;
  }

  /** Starts the process and resolves once it accepts connections. */
  async start(): Promise<void> {
    const child = spawn(redisServerBinary(), this.#args, {
      cwd: this.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#process = child;
    this.#log = '';
    const ready = new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        this.#log += chunk.toString();
        if (READY.test(this.#log)) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code, signal) => {
        reject(
          new ServerStartError(
            `redis-server on port ${this.port} exited (${signal ?? code}) before it was ready:\n${this.#log.slice(-2000)}`,
          ),
        );
      });
    });
    const pid = child.pid;
    if (pid !== undefined) {
      trackProcess(pid);
      child.once('exit', () => untrackProcess(pid));
    }
    const timeoutMs = this.#options.startTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ServerStartError(
              `redis-server on port ${this.port} was not ready after ${timeoutMs} ms`,
            ),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([ready, timeout]);
    } catch (error) {
      await this.kill();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILLs the server (a crash) and resolves once it is gone. Data is lost. */
  async kill(): Promise<void> {
    await this.#signalAndWait('SIGKILL');
  }

  /** Graceful stop (SIGTERM; SIGKILL after 5 s) and resolves once the process is gone. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (!child || !this.running) return;
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.kill('SIGCONT');
    await this.#signalAndWait('SIGTERM');
    clearTimeout(timer);
  }

  /** SIGSTOPs the server: it keeps its sockets open and answers nothing (a hung Redis). */
  pause(): void {
    this.#process?.kill('SIGSTOP');
  }

  /** SIGCONTs a paused server. */
  resume(): void {
    this.#process?.kill('SIGCONT');
  }

  /** Kills the server if it runs and starts it again on the same port (empty, unless it is a replica). */
  async restart(): Promise<void> {
    await this.kill();
    await this.start();
  }

  /** Sends one command on a short-lived connection and resolves with the reply. */
  async call(command: string, ...args: Array<string | number>): Promise<unknown> {
    const client = this.client({ lazyConnect: true });
    try {
      await client.connect();
      return await client.call(command, ...args);
    } finally {
      client.disconnect();
    }
  }

  /**
   * An ioredis client for this server with its password and TLS set, that fails fast
   * (no reconnects, no retries). The caller closes it.
   */
  client(options: Omit<RedisOptions, 'replyMapping'> = {}): Redis {
    const { host, port, password, tls } = this.connection;
    const client = new Redis({
      host,
      port,
      ...(password ? { password } : {}),
      ...(tls ? { tls } : {}),
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 2_000,
      ...options,
    });
    client.on('error', () => {});
    return client;
  }

  /** Kills the server (if running) and removes its temp dir. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.kill();
    removeDir(this.dir);
  }

  async #signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const child = this.#process;
    if (!child || !this.running) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
}

/** How {@link launch} builds one server. */
export interface LaunchPlan {
  /** Config file lines for the chosen port and dir. */
  config(port: number, dir: string): string[] | Promise<string[]>;
  /** Arguments after the config file (`--sentinel`). @default [] */
  args?: string[];
  /** Options the server keeps (password, TLS...). */
  options: RedisServerOptions;
  /** TLS material when the server serves TLS. */
  tls?: TlsFiles;
}

/**
 * Starts one `redis-server` on a free port in a new tracked temp dir and registers its
 * teardown with `owner`. Retries on another port if the port was taken meanwhile.
 */
export async function launch(owner: Owner, plan: LaunchPlan): Promise<RedisServer> {
  await redisServerVersion();
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const dir = await mkdtemp(join(tmpdir(), 'redis-infra-'));
    trackDir(dir);
    const confFile = join(dir, 'redis.conf');
    await writeFile(confFile, `${(await plan.config(port, dir)).join('\n')}\n`);
    const args = [confFile, ...(plan.args ?? [])];
    const server = new RedisServer(port, dir, args, plan.options, plan.tls);
    try {
      await server.start();
      owner.teardown(() => server.close());
      return server;
    } catch (error) {
      await server.close();
      if (attempt >= 3 || !/Address already in use/.test(server.log)) throw error;
    }
  }
}

/**
 * Starts a real `redis-server` (standalone, password, ACL users, TLS, replica or cluster
 * node) on a free port of 127.0.0.1 and registers its teardown with `owner` (a tap `t`, or
 * a {@link createScope} scope).
 */
export async function startRedis(
  owner: Owner,
  options: RedisServerOptions = {},
): Promise<RedisServer> {
  const tls = options.tls ? await tlsFiles() : undefined;
  return launch(owner, {
    config: async (port, dir) =>
      configLines(port, dir, options, tls, options.cluster ? await freePort() : undefined),
    options,
    ...(tls ? { tls } : {}),
  });
}
