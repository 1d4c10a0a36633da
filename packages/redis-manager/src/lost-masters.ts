import type { Cluster, Command, Redis } from 'ioredis';
import { connectInBackground } from './background.js';

/** The first wait before a cluster connection that lost a master reads the slot table again. */
export const SLOTS_REFRESH_MS = 200;
/** The longest wait between two reads of the slot table while a master is lost. */
export const SLOTS_REFRESH_MAX_MS = 1_000;

/** `host:port`, as ioredis names a cluster node in its slot table. */
function nodeKey(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}

/**
 * The masters a cluster connection has lost. ioredis never reconnects a cluster node: when
 * a master dies, commands for its slots bounce between the other nodes (MOVED back to the
 * dead one, connection refused) until a replica takes over or they run out of redirections.
 * A master is lost when a connection to it fails before it was ever ready while the master
 * still owns slots (a ready connection that drops, or that ioredis replaces, is only tried
 * again at once: after an idle timeout or a `CLIENT KILL` the master is not lost; the
 * commands that were in flight on it fail, as on standalone). Commands for a lost
 * master's slots fail at once instead (`of`), and the slot table is read again (after
 * `SLOTS_REFRESH_MS`, doubling up to `SLOTS_REFRESH_MAX_MS`) until no lost master owns a
 * slot (a replica was promoted) or the master answers again (a restart in place).
 */
export class LostMasters {
  readonly #cluster: Cluster;
  readonly #lost = new Set<string>();
  /** Node connections that were ready at some point. */
  readonly #wasReady = new WeakSet<Redis>();
  readonly #onLost: (key: string) => void;
  #timer: NodeJS.Timeout | undefined;
  #waitMs = SLOTS_REFRESH_MS;

  constructor(cluster: Cluster, onLost: (key: string) => void) {
    this.#cluster = cluster;
    this.#onLost = onLost;
    cluster.on('-node', (node: Redis) => this.#ended(node));
    cluster.on('+node', (node: Redis) =>
      node.once('ready', () => {
        this.#wasReady.add(node);
        this.#found(nodeKey(node));
      }),
    );
    cluster.on('refresh', () => {
      for (const key of this.#lost) if (!this.#owns(key)) this.#found(key);
    });
    // The whole cluster connection is gone (or closed): its own reconnect starts afresh.
    cluster.on('close', () => {
      this.#lost.clear();
      this.#stop();
    });
  }

  /** How many masters are lost. */
  get size(): number {
    return this.#lost.size;
  }

  /** The lost masters, `host:port`. */
  get keys(): string[] {
    return [...this.#lost];
  }

  /**
   * The lost master that owns `command`'s slot (or `slot`, the slot of the pipeline it is
   * part of), if any.
   */
  of(command: Command, slot: number | null = command.getSlot()): string | undefined {
    if (this.#lost.size === 0) return undefined;
    // A keyless command's slot is null, which indexes nothing.
    const master = this.#cluster.slots[slot as number]?.[0];
    return master !== undefined && this.#lost.has(master) ? master : undefined;
  }

  #ended(node: Redis): void {
    const key = nodeKey(node);
    // Nodes also end when the cluster connection closes, or leaves a node the slots moved off.
    if (this.#cluster.status !== 'ready' || this.#lost.has(key) || !this.#owns(key)) return;
    if (this.#wasReady.has(node)) {
      this.#retry();
      return;
    }
    this.#lost.add(key);
    this.#onLost(key);
    this.#schedule();
  }

  /**
   * Reads the slot table again, then connects the masters it names that have no connection
   * yet (ioredis connects a node only for a command, and a lost master's are not sent).
   */
  #retry(): void {
    this.#cluster.refreshSlotsCache(() => {
      for (const node of this.#cluster.nodes('master'))
        if (node.status === 'wait') connectInBackground(node);
    });
  }

  /** The next read of the slot table, unless one is due already. */
  #schedule(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#waitMs = Math.min(this.#waitMs * 2, SLOTS_REFRESH_MAX_MS);
      this.#retry();
      this.#schedule();
    }, this.#waitMs).unref();
  }

  #found(key: string): void {
    if (this.#lost.delete(key) && this.#lost.size === 0) this.#stop();
  }

  #owns(key: string): boolean {
    return this.#cluster.slots.some((nodes) => nodes[0] === key);
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#waitMs = SLOTS_REFRESH_MS;
  }
}
