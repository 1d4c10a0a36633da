import { Cluster, type Command, type Redis } from 'ioredis';
import { connectInBackground } from './background.js';
import { type Flushing, queuesOf } from './deadline.js';

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
 * A master is lost when a connection to it fails before it was ever ready while it owns
 * slots (a ready connection that drops, or that ioredis replaces, is only tried again at
 * once: after an idle timeout or a `CLIENT KILL` the master is not lost; the commands that
 * were in flight on it fail, as on standalone). Commands for a lost master's slots fail at
 * once (`of`), and the slot table is read again at once, then (after `SLOTS_REFRESH_MS`,
 * doubling up to `SLOTS_REFRESH_MAX_MS`) until no lost master owns a slot (a replica was
 * promoted) or the master answers again (a restart in place). The keyed commands that
 * waited for the failed connection never left the process: once the table is read they go
 * on to the master it names, or fail as ioredis fails them when that is still the lost one.
 * (A connection that sat idle through a failover learns of the promotion this way, at its
 * first command for those slots, and the master is found again by that first read.)
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
    cluster.on('+node', (node: Redis) => {
      node.once('ready', () => {
        this.#wasReady.add(node);
        this.#found(nodeKey(node));
      });
      this.#watchFirstConnect(node);
    });
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
    // Nodes also end when the cluster connection closes, or leaves a node the slots moved off.
    if (this.#wasReady.has(node) && this.#mayLose(nodeKey(node))) this.#retry();
  }

  /**
   * Patches `node`'s `flushQueue`, where ioredis fails its queued commands when it ends: when
   * that is before it was ever ready, its master may be lost (`#verify`), and the commands
   * waiting in its offline queue were never sent: the keyed ones are taken, to go on after
   * the slot table is read.
   */
  #watchFirstConnect(node: Redis): void {
    const flushing = node as unknown as Flushing;
    const flushQueue = flushing.flushQueue;
    flushing.flushQueue = (error, options) => {
      const key = nodeKey(node);
      if (node.status === 'end' && !this.#wasReady.has(node) && this.#mayLose(key))
        this.#verify(key, takeUnsent(node), error);
      flushQueue.call(node, error, options);
    };
  }

  /**
   * Counts `key` lost at once (its slots fail fast, so no later command overtakes those held
   * here), then reads the slot table again: a master it no longer names is found (the
   * `refresh` handler); one it still names stays lost. `unsent` goes on (`#sendOn`) before
   * the loss is reported, so that the endpoint's last error then is the report, not the
   * failures of the commands held here (`error`: what ioredis failed the node's others with).
   */
  #verify(key: string, unsent: Command[], error: Error): void {
    this.#lost.add(key);
    this.#cluster.refreshSlotsCache(() => {
      // A command past its deadline failed already: it is not sent late.
      for (const command of unsent) if (!command.isSettled) this.#sendOn(command, error);
      if (this.#lost.has(key)) {
        this.#onLost(key);
        this.#schedule();
      }
    });
  }

  /** Whether `key` is a master this ready connection has not lost yet and that owns slots. */
  #mayLose(key: string): boolean {
    return this.#cluster.status === 'ready' && !this.#lost.has(key) && this.#owns(key);
  }

  /**
   * Sends a command that never left the process on to the master of its slot, past the guard
   * that admitted it already (its deadline runs from its call); fails it with `error`, as
   * ioredis would have, when that master is lost or the connection is no longer ready. (Sent
   * on to another dead master, it comes back here; the manager's deadline bounds how often.)
   */
  #sendOn(command: Command, error: Error): void {
    if (this.#cluster.status !== 'ready' || this.of(command) !== undefined) {
      command.reject(error);
      return;
    }
    Cluster.prototype.sendCommand.call(this.#cluster, command);
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

/**
 * Takes the pending keyed commands out of `node`'s offline queue: they go on to the master
 * of their key's slot. Those of a pipeline stay (they go together or not at all), and so do
 * keyless ones: sent to this node itself (`SCAN` of every master, `ASKING`), they mean
 * nothing on another.
 */
function takeUnsent(node: Redis): Command[] {
  const { offlineQueue } = queuesOf(node);
  const unsent: Command[] = [];
  const kept = [];
  while (offlineQueue.length > 0) {
    const item = offlineQueue.shift() as { command: Command; stream?: unknown };
    if (item.stream === undefined && item.command.getSlot() !== null) unsent.push(item.command);
    else kept.push(item);
  }
  for (const item of kept) offlineQueue.push(item);
  return unsent;
}
