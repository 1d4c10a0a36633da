import { ServerStartError } from './errors.js';
import type { Owner } from './owner.js';
import { type RedisServer, startRedis } from './redis-server.js';
import { waitFor } from './wait.js';

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Number of masters; slots are split evenly. @default 3 */
  masters?: number;
  /** Replicas per master. @default 1 */
  replicasPerMaster?: number;
  /** Password of every node (`requirepass` and `masterauth`). */
  password?: string;
}

/** One node as `CLUSTER NODES` describes it. */
export interface ClusterNodeInfo {
  id: string;
  port: number;
  role: 'master' | 'replica';
  /** Id of the master this node replicates, for replicas. */
  masterId: string | undefined;
  /** Whether the node is flagged `fail` or `pfail`. */
  failed: boolean;
  /** Slot ranges served, e.g. `['0-5460']`. */
  slots: string[];
}

/** A Redis Cluster of real nodes, slots assigned, replicas attached. */
export interface ClusterTopology {
  /** Every node process, masters first as started. */
  readonly nodes: RedisServer[];
  /** `{ host, port }` of every node, as ioredis' `Cluster` wants its startup nodes. */
  readonly startupNodes: Array<{ host: string; port: number }>;
  /** The cluster's view from a running node. */
  describe(): Promise<ClusterNodeInfo[]>;
  /** The node processes that currently serve slots. */
  masters(): Promise<RedisServer[]>;
  /**
   * SIGKILLs a master (the first one by default) and resolves with the replica that took
   * over its slots, once every running node reports `cluster_state:ok`.
   */
  killMaster(master?: RedisServer, timeoutMs?: number): Promise<RedisServer>;
  /** Resolves once every running node reports `cluster_state:ok` and agrees on the masters. */
  waitForHealthy(timeoutMs?: number): Promise<void>;
}

const SLOTS = 16_384;

/** Parses the reply of `CLUSTER NODES`. */
export function parseClusterNodes(text: string): ClusterNodeInfo[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id = '', address = '', flags = '', masterId = '-', , , , , ...slots] = line.split(' ');
      const port = Number(/:(\d+)@/.exec(address)?.[1]);
      const flagList = flags.split(',');
      return {
        id,
        port,
        role: flagList.includes('master') ? 'master' : 'replica',
        masterId: masterId === '-' ? undefined : masterId,
        failed: flagList.includes('fail') || flagList.includes('fail?'),
        slots: slots.filter((slot) => !slot.startsWith('[')),
      };
    });
}

/** Starts a Redis Cluster (3 masters + 3 replicas by default), assigns slots and waits for `cluster_state:ok`. */
export async function startCluster(
  owner: Owner,
  options: ClusterOptions = {},
): Promise<ClusterTopology> {
  const masterCount = options.masters ?? 3;
  const replicaCount = masterCount * (options.replicasPerMaster ?? 1);
  const nodeOptions = {
    cluster: true,
    ...(options.password
      ? { password: options.password, config: [`masterauth "${options.password}"`] }
      : {}),
  };
  const nodes = await Promise.all(
    Array.from({ length: masterCount + replicaCount }, () => startRedis(owner, nodeOptions)),
  );
  const [first] = nodes as [RedisServer];
  const ids = await Promise.all(
    nodes.map(async (node) => String(await node.call('CLUSTER', 'MYID'))),
  );

  for (const node of nodes.slice(1)) {
    const [, busPort] = (await node.call('CONFIG', 'GET', 'cluster-port')) as [string, string];
    await first.call('CLUSTER', 'MEET', node.host, node.port, busPort);
  }
  for (let i = 0; i < masterCount; i++) {
    const start = Math.floor((i * SLOTS) / masterCount);
    const end = Math.floor(((i + 1) * SLOTS) / masterCount) - 1;
    await (nodes[i] as RedisServer).call('CLUSTER', 'ADDSLOTSRANGE', start, end);
  }
  await waitFor(
    'every node to know every other',
    async () => {
      for (const node of nodes) {
        if (parseClusterNodes(String(await node.call('CLUSTER', 'NODES'))).length < nodes.length)
          return false;
      }
      return true;
    },
    { timeoutMs: 20_000 },
  );
  for (let r = 0; r < replicaCount; r++) {
    await (nodes[masterCount + r] as RedisServer).call(
      'CLUSTER',
      'REPLICATE',
      ids[r % masterCount] as string,
    );
  }

  const running = () => nodes.filter((node) => node.running);
  const describe = async () => {
    const node = running()[0];
    if (!node) throw new ServerStartError('no cluster node is running');
    return parseClusterNodes(String(await node.call('CLUSTER', 'NODES')));
  };
  const byPort = (port: number) => nodes.find((node) => node.port === port) as RedisServer;
  const masters = async () =>
    (await describe())
      .filter((n) => n.role === 'master' && !n.failed && n.slots.length > 0)
      .map((n) => byPort(n.port));

  /** Whether `node` reports `cluster_state:ok` and sees every slot range served by a live master. */
  const healthy = async (node: RedisServer) => {
    const info = String(await node.call('CLUSTER', 'INFO'));
    const view = parseClusterNodes(String(await node.call('CLUSTER', 'NODES')));
    const serving = view.filter((n) => n.role === 'master' && n.slots.length > 0 && !n.failed);
    return info.includes('cluster_state:ok') && serving.length === masterCount;
  };
  const waitForHealthy = async (timeoutMs = 20_000) => {
    await waitFor(
      'cluster_state:ok on every running node',
      async () => (await Promise.all(running().map(healthy))).every(Boolean),
      { timeoutMs, intervalMs: 100 },
    );
  };

  await waitFor(
    'every replica to sync with its master',
    async () => {
      for (const node of nodes.slice(masterCount)) {
        if (!/master_link_status:up/.test(String(await node.call('INFO', 'replication'))))
          return false;
      }
      return true;
    },
    { timeoutMs: 20_000 },
  );
  await waitForHealthy();

  return {
    nodes,
    startupNodes: nodes.map(({ host, port }) => ({ host, port })),
    describe,
    masters,
    async killMaster(master, timeoutMs = 20_000) {
      const victim = master ?? ((await masters())[0] as RedisServer);
      const before = await describe();
      const victimId = before.find((n) => n.port === victim.port)?.id;
      const heirs = new Set(before.filter((n) => n.masterId === victimId).map((n) => n.id));
      await victim.kill();
      const promoted = await waitFor(
        `a replica of the master on port ${victim.port} to take over`,
        async () =>
          (await describe()).find(
            (n) => heirs.has(n.id) && n.role === 'master' && n.slots.length > 0,
          ),
        { timeoutMs, intervalMs: 100 },
      );
      await waitForHealthy(timeoutMs);
      return byPort(promoted.port);
    },
    waitForHealthy,
  };
}
