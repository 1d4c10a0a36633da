import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Owner } from './owner.js';

/** Where a {@link TcpProxy} forwards to. */
export interface ProxyTarget {
  host: string;
  port: number;
}

/** One client connection and its upstream twin. */
interface Link {
  client: Socket;
  upstream: Socket | undefined;
}

/**
 * A TCP proxy between a client and a server on 127.0.0.1, for partitions and slow links:
 * latency, blackhole (accept, never answer), reset every connection, cut and restore.
 */
export class TcpProxy {
  /** The port clients connect to. */
  port = 0;
  /** Always `127.0.0.1`. */
  readonly host = '127.0.0.1';
  readonly #server: Server;
  readonly #links = new Set<Link>();
  #target: ProxyTarget;
  #latencyMs = 0;
  #blackholed = false;
  #cut = false;

  /** @internal use {@link startProxy}. */
  constructor(target: ProxyTarget) {
    this.#target = target;
    this.#server = createServer((client) => this.#accept(client));
  }

  /** Starts listening on a free port of 127.0.0.1. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, this.host, resolve));
    this.port = (this.#server.address() as { port: number }).port;
  }

  /** Open client connections. */
  get connections(): number {
    return this.#links.size;
  }

  /** Points new connections at another server (existing ones keep theirs). */
  retarget(target: ProxyTarget): void {
    this.#target = target;
  }

  /** Delays every chunk by `ms`, both ways, keeping order. `0` removes the delay. */
  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  /**
   * Blackhole: connections stay open, new ones are accepted, but nothing is forwarded
   * either way (bytes wait in the sockets, as behind a dead router) until {@link restore}.
   */
  blackhole(): void {
    this.#blackholed = true;
    for (const link of this.#links) {
      link.client.pause();
      link.upstream?.pause();
    }
  }

  /** Resets (TCP RST) every open connection; new ones are accepted as usual. */
  resetAll(): void {
    for (const link of this.#links) this.#drop(link);
  }

  /** Cuts the link: resets every open connection and resets new ones at once, until {@link restore}. */
  cut(): void {
    this.#cut = true;
    this.resetAll();
  }

  /** Undoes {@link blackhole} and {@link cut}: held bytes flow again, new connections are forwarded. */
  restore(): void {
    this.#cut = false;
    this.#blackholed = false;
    for (const link of this.#links) {
      if (!link.upstream) this.#connect(link);
      link.client.resume();
      link.upstream?.resume();
    }
  }

  /** Closes the listener and every connection. Idempotent. */
  async close(): Promise<void> {
    this.resetAll();
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket): void {
    const link: Link = { client, upstream: undefined };
    this.#links.add(link);
    client.on('error', () => this.#drop(link));
    client.on('close', () => this.#drop(link));
    if (this.#cut) {
      this.#drop(link);
      return;
    }
    if (this.#blackholed) {
      client.pause();
      return;
    }
    this.#connect(link);
  }

  #connect(link: Link): void {
    const upstream = createConnection(this.#target);
    link.upstream = upstream;
    upstream.on('error', () => this.#drop(link));
    upstream.on('close', () => this.#drop(link));
    this.#pipe(link.client, upstream);
    this.#pipe(upstream, link.client);
  }

  /** Forwards `from` to `to`, after the current latency, in order. */
  #pipe(from: Socket, to: Socket): void {
    let queue = Promise.resolve();
    from.on('data', (chunk) => {
      const delay = this.#latencyMs;
      if (delay === 0) {
        queue = queue.then(() => {
          if (!to.destroyed) to.write(chunk);
        });
        return;
      }
      const due = Date.now() + delay;
      queue = queue.then(
        () =>
          new Promise<void>((resolve) => {
            setTimeout(() => {
              if (!to.destroyed) to.write(chunk);
              resolve();
            }, due - Date.now());
          }),
      );
    });
  }

  #drop(link: Link): void {
    if (!this.#links.delete(link)) return;
    link.client.resetAndDestroy();
    link.upstream?.resetAndDestroy();
  }
}

/** Starts a {@link TcpProxy} to `target` and registers its close with `owner`. */
export async function startProxy(owner: Owner, target: ProxyTarget): Promise<TcpProxy> {
  const proxy = new TcpProxy(target);
  await proxy.listen();
  owner.teardown(() => proxy.close());
  return proxy;
}
