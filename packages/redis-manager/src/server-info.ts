import type { ManagedClient } from './managed-client.js';
import type { ClusterSlots } from './types.js';

/** The `field:value` lines of an INFO-style reply, as a map. */
function fields(text: string): Map<string, string> {
  return new Map(
    text
      .split(/\r?\n/)
      .filter((line) => line.includes(':'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
  );
}

/** What the server says of itself: its version and replication role. */
export async function readServerInfo(
  client: ManagedClient,
): Promise<{ version: string; role: string }> {
  const info = fields(String(await client.call('INFO', 'server', 'replication')));
  return { version: String(info.get('redis_version')), role: String(info.get('role')) };
}

/** Slot coverage from `CLUSTER INFO`. */
export async function readClusterSlots(
  client: ManagedClient,
): Promise<Omit<ClusterSlots, 'lostMasters'>> {
  const info = fields(String(await client.call('CLUSTER', 'INFO')));
  return {
    state: String(info.get('cluster_state')),
    slotsAssigned: Number(info.get('cluster_slots_assigned')),
    slotsOk: Number(info.get('cluster_slots_ok')),
    slotsFail: Number(info.get('cluster_slots_fail')),
    knownNodes: Number(info.get('cluster_known_nodes')),
  };
}
