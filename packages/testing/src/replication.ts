import type { Owner } from './owner.js';
import { type RedisServer, type RedisServerOptions, startRedis } from './redis-server.js';
import { waitFor } from './wait.js';

/** A master and one replica that has finished its first sync. */
export interface Replication {
  master: RedisServer;
  replica: RedisServer;
}

/** Resolves once `replica` reports `master_link_status:up`. */
export async function waitForSync(replica: RedisServer, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    `replica on port ${replica.port} to sync`,
    async () => /master_link_status:up/.test(String(await replica.call('INFO', 'replication'))),
    { timeoutMs },
  );
}

/** Starts a master and a replica of it (same password and TLS options) and waits for the first sync. */
export async function startReplication(
  owner: Owner,
  options: RedisServerOptions = {},
): Promise<Replication> {
  const master = await startRedis(owner, options);
  const replica = await startRedis(owner, { ...options, replicaOf: master });
  await waitForSync(replica);
  return { master, replica };
}
