import { hasFlag, list } from '@ioredis/commands';
import { Cluster, Command, Redis } from 'ioredis';
import { stamp } from './deadline.js';

/**
 * What a managed client asks before it sends a command, and tells after. Implemented by
 * the endpoint that owns the client (breaker, readiness, success counts).
 */
export interface CommandGuard {
  /** An error to fail `command` with at once, or `undefined` to send it (and count it as sent). */
  admit(client: ManagedClient, command: Command): Error | undefined;
  /** Called with each failure of an admitted command. */
  readonly onFailure: (error: unknown) => void;
}

/** Per-client behaviour set by the manager. */
export interface ManagedSettings {
  /** Decides and counts. */
  guard: CommandGuard;
  /** Stamp each command for the endpoint's deadline sweep (pooled standalone and sentinel connections). */
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
}

/** A standalone or sentinel client whose every command passes the manager's guard. */
export class ManagedRedis extends Redis {
  /** @internal set by the manager right after construction. */
  managed!: ManagedSettings;

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    return refuse(this, command) ?? super.sendCommand(command, stream);
  }
}

/** A cluster client whose every command passes the manager's guard. */
export class ManagedCluster extends Cluster {
  /** @internal set by the manager right after construction. */
  managed!: ManagedSettings;

  override sendCommand(
    command: Command,
    stream?: Parameters<Cluster['sendCommand']>[1],
    node?: unknown,
  ): unknown {
    return refuse(this, command) ?? super.sendCommand(command, stream, node);
  }
}

/** Either kind of managed client. */
export type ManagedClient = ManagedRedis | ManagedCluster;

const TIMED_OUT = 'Command timed out';
/** Commands Redis flags `readonly`: safe to send twice. */
const READ_ONLY = new Set(list.filter((name) => hasFlag(name, 'readonly')));
/** Commands that are themselves a retry: never retried again. */
const RETRIES = new WeakSet<Command>();

/**
 * The shared path of both client kinds, before the command goes to ioredis: ask the guard
 * (a refused command is rejected and its promise returned), count failures, and retry a
 * timed-out read once when asked to. Commands of one pipeline are admitted in one
 * synchronous loop, so they all get the same answer (a pipeline never goes out half).
 */
function refuse(client: ManagedClient, command: Command): Promise<unknown> | undefined {
  const { guard, stamped, retryReadsOnTimeout, nonBlockingTimeoutMs } = client.managed;
  const denied = guard.admit(client, command);
  if (denied) {
    command.reject(denied);
    return command.promise;
  }
  if (stamped) stamp(command);
  else if (
    nonBlockingTimeoutMs !== undefined &&
    !Command.checkFlag('BLOCKING_COMMANDS', command.name)
  ) {
    command.setTimeout(nonBlockingTimeoutMs);
  }
  if (retryReadsOnTimeout && READ_ONLY.has(command.name.toLowerCase()) && !RETRIES.has(command)) {
    retryOnce(client, command);
  }
  // Failures are counted where ioredis rejects: no promise reaction (and microtask) per command.
  const reject = command.reject;
  command.reject = (error: Error) => {
    guard.onFailure(error);
    reject(error);
  };
  return undefined;
}

/**
 * Makes `command` retry once on a fresh command when it times out. The caller's promise
 * settles with the retry's reply (or the late first reply, whichever comes first); the
 * timeout itself still counts as a failure (the guard's wrapper sits outside this one).
 */
function retryOnce(client: ManagedClient, command: Command): void {
  const reject = command.reject;
  command.reject = (error: Error) => {
    command.reject = reject;
    if (error.message !== TIMED_OUT) return reject(error);
    const { replyEncoding } = command as unknown as { replyEncoding: BufferEncoding | null };
    const retry = new Command(command.name, command.args, { replyEncoding });
    RETRIES.add(retry);
    const settle = retry.resolve;
    // The raw reply goes to the original command, which transforms it once (HGETALL & co).
    retry.resolve = (reply: unknown) => {
      settle(reply);
      command.resolve(reply);
    };
    retry.promise.catch(reject);
    client.sendCommand(retry);
  };
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
