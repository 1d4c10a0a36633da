import type { Redis } from 'ioredis';
import { queuesOf } from './deadline.js';
import { type ManagedClient, ManagedCluster, ManagedRedis } from './managed-client.js';

/** Commands sent and awaiting a reply, or queued before sending (a cluster has no `commandQueue` of its own). */
function queued(client: Redis | ManagedCluster): number {
  const { commandQueue, offlineQueue } = queuesOf(client);
  const waiting = client instanceof ManagedRedis ? client.batch.waiting : 0;
  return waiting + (commandQueue?.length ?? 0) + offlineQueue.length;
}

/** Commands a connection (or every node of a cluster) has sent or queued and not yet settled. */
export function pendingCommands(client: ManagedClient): number {
  if (client instanceof ManagedCluster)
    return client.nodes().reduce((sum, node) => sum + queued(node), queued(client));
  return queued(client);
}

/** Resolves with `true` once `done()` holds (checked every 10 ms), or with `done()` after `timeoutMs`. */
export function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (done()) return resolve(true);
    const finish = (value: boolean) => {
      clearInterval(poll);
      clearTimeout(timer);
      resolve(value);
    };
    const poll = setInterval(() => done() && finish(true), 10);
    const timer = setTimeout(() => finish(done()), timeoutMs);
  });
}
