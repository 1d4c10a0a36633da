import type { ManagedClient } from './managed-client.js';
import { pendingCommands } from './pending.js';

/**
 * The index of the next ready connection after `cursor`, round robin; when none is ready,
 * the next one anyway (its commands then fail fast).
 */
export function roundRobin(clients: readonly ManagedClient[], cursor: number): number {
  const n = clients.length;
  for (let i = 1; i <= n; i++) {
    const next = (cursor + i) % n;
    if ((clients[next] as ManagedClient).status === 'ready') return next;
  }
  return (cursor + 1) % n;
}

/** The ready connection with the fewest commands waiting for a reply. */
export function leastPending(clients: readonly ManagedClient[]): ManagedClient {
  let best = clients[0] as ManagedClient;
  let bestPending = Number.POSITIVE_INFINITY;
  for (const client of clients) {
    const pending = client.status === 'ready' ? pendingCommands(client) : Number.POSITIVE_INFINITY;
    if (pending < bestPending) {
      best = client;
      bestPending = pending;
    }
  }
  return best;
}
