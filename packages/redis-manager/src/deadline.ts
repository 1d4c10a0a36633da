import type { Command } from 'ioredis';
import type { ManagedRedis } from './managed-client.js';

/** When a pooled command was handed to ioredis (ms since the epoch). */
export const SENT_AT = Symbol('redis-infra.sentAt');

/** A command stamped by the guard. */
type Stamped = Command & { [SENT_AT]?: number | undefined; isSettled?: boolean };

/** An entry of ioredis' queues. */
interface Queued {
  command: Stamped;
}

/** ioredis' command queues (denque). */
interface Queue {
  length: number;
  peekAt(index: number): Queued | undefined;
}

/** The sweep period for a deadline: a quarter of it, between 5 and 25 ms. */
export function sweepPeriod(timeoutMs: number): number {
  return Math.max(5, Math.min(25, Math.floor(timeoutMs / 4)));
}

/** Stamps `command` with the time it was sent. */
export function stamp(command: Command): void {
  (command as Stamped)[SENT_AT] = Date.now();
}

/**
 * Fails every command of `client` sent `timeoutMs` ago or more and still unanswered, with
 * ioredis' own `Command timed out`. The queues are in send order, so the scan stops at the
 * first command that is still young: one timer per endpoint instead of one per command.
 */
export function failExpired(client: ManagedRedis, now: number, timeoutMs: number): void {
  const { commandQueue, offlineQueue } = client as unknown as {
    commandQueue: Queue;
    offlineQueue: Queue;
  };
  for (const queue of [commandQueue, offlineQueue]) {
    for (let i = 0; i < queue.length; i++) {
      const { command } = queue.peekAt(i) as Queued;
      const sentAt = command[SENT_AT];
      if (sentAt === undefined || command.isSettled) continue;
      if (now - sentAt < timeoutMs) break;
      // Once only, as ioredis' own timer: a retried read stays pending on purpose.
      command[SENT_AT] = undefined;
      command.reject(new Error('Command timed out'));
    }
  }
}
