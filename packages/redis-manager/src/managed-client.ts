import { hasFlag, list } from '@ioredis/commands';
import { Cluster, Command, Redis } from 'ioredis';
import { type Flushing, queuesOf, stampOnce, unsettled } from './deadline.js';
import type { LostMasters } from './lost-masters.js';
import { type Corkable, WriteBatch } from './write-batch.js';

/**
 * What a managed client asks before it sends a command, and tells after. Implemented by
 * the endpoint that owns the client (breaker, readiness, success counts).
 */
export interface CommandGuard {
  /**
   * An error to fail `command` with at once, or `undefined` to send it (and count it as
   * sent). `slot`: the slot of the cluster pipeline `command` is part of (its own keys may
   * not say: MULTI, EXEC).
   */
  admit(client: ManagedClient, command: Command, slot?: number): Error | undefined;
  /**
   * Called with failures of admitted commands: `count` of them failed with `error` at once (a
   * lost connection's queue, a sweep's timeouts). `judged: false` keeps them from the breaker.
   */
  readonly onFailure: (error: unknown, judged?: boolean, count?: number) => void;
}

/** Per-client behaviour set by the manager. */
export interface ManagedSettings {
  /** Decides and counts. */
  guard: CommandGuard;
  /**
   * Pooled standalone and sentinel connections: each command is stamped for the endpoint's
   * deadline sweep, and the commands of one event-loop turn are written together (`WriteBatch`).
   */
  stamped: boolean;
  /**
   * Commands may wait for the connection (first connect, and always for the subscriber);
   * otherwise a command on a connection that is not ready fails at once.
   */
  queueing: boolean;
  /** Retry a read-only command once after it timed out. */
  retryReadsOnTimeout: boolean;
  /**
   * Deadline armed here, at send time, for non-blocking commands: on leased connections
   * (whose ioredis `commandTimeout` is off so that BLPOP & co can wait as long as they
   * asked to) and on clusters (whose offline queue, needed to follow MOVED to a new node,
   * has no deadline of its own).
   */
  nonBlockingTimeoutMs: number | undefined;
  /** The masters a cluster connection has lost (clusters only). */
  lostMasters: LostMasters | undefined;
}

/** A standalone or sentinel client whose every command passes the manager's guard. */
export class ManagedRedis extends Redis {
  /** @internal set by the manager right after construction. */
  managed!: ManagedSettings;

  /** @internal the batches of a pooled connection's writes. */
  readonly batch = new WriteBatch(
    (command) => super.sendCommand(command),
    () => (this as unknown as { stream: Corkable }).stream,
  );

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    const refused = refuse(this, command);
    if (refused !== undefined) return refused;
    if (this.managed.stamped && this.status === 'ready') {
      // A retry goes out at once, ahead of the waiting commands: its original was called
      // before them, and the batch in flight may be waiting for it. An explicit pipeline's
      // commands go out after them.
      if (RETRIES.has(command)) return super.sendCommand(command);
      if (stream === undefined) return this.batch.add(command);
      this.batch.release();
    }
    return super.sendCommand(command, stream);
  }

  /** Error replies pass here: those that speak of availability (LOADING, READONLY...) count. */
  override handleReconnection(error: Error, item: Parameters<Redis['handleReconnection']>[1]) {
    if (this.managed.stamped) this.managed.guard.onFailure(error);
    super.handleReconnection(error, item);
  }

  /**
   * @internal the deadline sweep's verdict on a stamped command: retry a read once, or fail
   * it. The sweep counts the timeouts, once per sweep.
   */
  timedOut(command: Command): void {
    if (this.managed.retryReadsOnTimeout && retriable(command)) resend(this, command);
    else command.reject(new Error(TIMED_OUT));
  }
}

const flushQueue = (Redis.prototype as unknown as Flushing).flushQueue;
// Counted before ioredis rejects them (a private method: no `override` to write). Both queues
// are counted: the one flush that spares the offline queue (a protocol error) comes after the
// first connect, when a pooled connection's offline queue is empty. So are the commands
// waiting for the batch in flight, which fail with the same error.
(ManagedRedis.prototype as unknown as Flushing).flushQueue = function (
  this: ManagedRedis,
  error,
  options,
) {
  if (!this.managed.stamped) return flushQueue.call(this, error, options);
  // The commands waiting for the batch in flight fail with those written before them.
  const waiting = this.batch.takeAll();
  const { commandQueue, offlineQueue } = queuesOf(this);
  const lost = unsettled(commandQueue) + unsettled(offlineQueue) + waiting.length;
  if (lost > 0) this.managed.guard.onFailure(error, true, lost);
  flushQueue.call(this, error, options);
  for (const command of waiting) command.reject(error);
};

/** A cluster client whose every command passes the manager's guard. */
export class ManagedCluster extends Cluster {
  /** @internal set by the manager right after construction. */
  managed!: ManagedSettings;

  override sendCommand(
    command: Command,
    stream?: Parameters<Cluster['sendCommand']>[1],
    node?: { slot?: number },
  ): unknown {
    return refuse(this, command, node?.slot) ?? super.sendCommand(command, stream, node);
  }
}

/** Either kind of managed client. */
export type ManagedClient = ManagedRedis | ManagedCluster;

/** ioredis' own message for a command past its deadline. */
export const TIMED_OUT = 'Command timed out';
/** Commands Redis flags `readonly`: safe to send twice. */
const READ_ONLY = new Set(list.filter((name) => hasFlag(name, 'readonly')));
/** Commands that are themselves a retry: never retried again. */
const RETRIES = new WeakSet<Command>();

/**
 * The shared path of both client kinds, before the command goes to ioredis: ask the guard
 * (a refused command is rejected and its promise returned). Pooled standalone commands are
 * then only stamped; the others get a deadline timer, a wrapper that counts failures, and a
 * retry of a timed-out read when asked to. Commands of one pipeline are admitted in one
 * synchronous loop, so they all get the same answer (a pipeline never goes out half).
 */
function refuse(
  client: ManagedClient,
  command: Command,
  slot?: number,
): Promise<unknown> | undefined {
  const { guard, stamped, retryReadsOnTimeout, nonBlockingTimeoutMs } = client.managed;
  const denied = guard.admit(client, command, slot);
  if (denied) {
    command.reject(denied);
    return command.promise;
  }
  if (stamped) {
    // Pooled standalone, the hot path: the endpoint's sweep times out (or retries) what is
    // stamped (here, when called), and failures are counted where
    // ioredis fails commands (`ManagedRedis`).
    stampOnce(command);
    return undefined;
  }
  if (nonBlockingTimeoutMs !== undefined && !Command.checkFlag('BLOCKING_COMMANDS', command.name)) {
    command.setTimeout(nonBlockingTimeoutMs);
  }
  if (retryReadsOnTimeout && retriable(command)) retryOnTimeout(client, command);
  // Failures are counted where ioredis rejects: no promise reaction (and microtask) per command.
  const reject = command.reject;
  command.reject = (error: Error) => {
    guard.onFailure(error);
    reject(error);
  };
  return undefined;
}

/** A read-only command that is not itself a retry: safe to send once more. */
function retriable(command: Command): boolean {
  return READ_ONLY.has(command.name.toLowerCase()) && !RETRIES.has(command);
}

/** Makes `command` (whose deadline is ioredis' own timer) retry once when it times out. */
function retryOnTimeout(client: ManagedClient, command: Command): void {
  const reject = command.reject;
  command.reject = (error: Error) => {
    command.reject = reject;
    if (error.message !== TIMED_OUT) return reject(error);
    resend(client, command);
  };
}

/**
 * Sends `command` again as a fresh command. The caller's promise settles with the retry's
 * reply (or the late first reply, whichever comes first), or fails with the retry's error.
 */
function resend(client: ManagedClient, command: Command): void {
  const { replyEncoding } = command as unknown as { replyEncoding: BufferEncoding | null };
  const retry = new Command(command.name, command.args, { replyEncoding });
  RETRIES.add(retry);
  const settle = retry.resolve;
  // The raw reply goes to the original command, which transforms it once (HGETALL & co).
  retry.resolve = (reply: unknown) => {
    settle(reply);
    command.resolve(reply);
  };
  // Looked up when it fails: the batch may have wrapped it since (`WriteBatch#watch`).
  retry.promise.catch((error) => command.reject(error));
  client.sendCommand(retry);
}

/**
 * Ends a connection's first-connect phase: commands no longer wait for it. A cluster keeps
 * ioredis' offline queue, which it needs to follow MOVED to a node it has just met; the
 * deadline armed at send time bounds the wait.
 */
export function settle(client: ManagedClient): void {
  client.managed.queueing = false;
  if (client instanceof ManagedRedis) client.options.enableOfflineQueue = false;
}
