import type { Command } from 'ioredis';
import type { ManagedRedis } from './managed-client.js';

/** When a pooled command was called (ms since the epoch). */
const SENT_AT = Symbol('redis-infra.sentAt');

/** A command stamped by the guard. */
type Stamped = Command & { [SENT_AT]?: number | undefined; isSettled?: boolean };

/** An entry of ioredis' queues. */
interface Queued {
  command: Stamped;
}

/** ioredis' command queues (denque): `commandQueue` awaits replies, `offlineQueue` a connection. */
interface Queue {
  length: number;
  peekAt(index: number): Queued | undefined;
  shift(): Queued | undefined;
  push(item: Queued): number;
}

/** The queues of an ioredis connection (internals; a cluster has only an `offlineQueue`). */
export function queuesOf(client: object): { commandQueue: Queue; offlineQueue: Queue } {
  return client as { commandQueue: Queue; offlineQueue: Queue };
}

/** ioredis' private `flushQueue`: where queued commands fail when a connection is lost. */
export interface Flushing {
  flushQueue(error: Error, options?: object): void;
}

/** The sweep period for a deadline: a quarter of it, between 5 and 25 ms. */
export function sweepPeriod(timeoutMs: number): number {
  return Math.max(5, Math.min(25, Math.floor(timeoutMs / 4)));
}

/**
 * Stamps `command` with the time it was called. Once: a command that waited in the offline
 * queue for the first connect passes the guard again when it is sent, and its deadline still
 * runs from the call.
 */
export function stampOnce(command: Command): void {
  (command as Stamped)[SENT_AT] ??= Date.now();
}

/**
 * Hands every command of `client` called `timeoutMs` ago or more and still unanswered to
 * `client.timedOut` (which fails it with ioredis' own `Command timed out`, or retries a read):
 * those sent or queued by ioredis, and those waiting for the batch in flight (taken out of
 * the wait, so they are never written). Each list is in call order, so its scan stops at the
 * first command that is still young: one timer per endpoint instead of one per command.
 * Returns how many expired (the caller counts them).
 */
export function failExpired(client: ManagedRedis, now: number, timeoutMs: number): number {
  const { commandQueue, offlineQueue } = queuesOf(client);
  const late = (command: Stamped) => now - (command[SENT_AT] as number) >= timeoutMs;
  const expired: Stamped[] = [];
  for (const queue of [commandQueue, offlineQueue]) {
    for (let i = 0; i < queue.length; i++) {
      const { command } = queue.peekAt(i) as Queued;
      if (command[SENT_AT] === undefined || command.isSettled) continue;
      if (!late(command)) break;
      expired.push(command);
    }
  }
  expired.push(...client.batch.takeExpired(late));
  for (const command of expired) {
    // Once only, as ioredis' own timer: a retried read stays pending on purpose.
    command[SENT_AT] = undefined;
    client.timedOut(command);
  }
  return expired.length;
}

/** How many commands of `queue` are still unsettled. */
export function unsettled(queue: Queue): number {
  let count = 0;
  for (let i = 0; i < queue.length; i++)
    if (!(queue.peekAt(i) as Queued).command.isSettled) count++;
  return count;
}
