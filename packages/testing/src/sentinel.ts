import type { Owner } from './owner.js';
import { baseConfig, quote } from './redis-conf.js';
import { launch, type RedisServer, startRedis } from './redis-server.js';
import { waitForSync } from './replication.js';
import { waitFor } from './wait.js';

/** Options of {@link startSentinel}. */
export interface SentinelOptions {
  /** Name of the monitored master. @default 'mymaster' */
  name?: string;
  /** Password of the master and replica (`requirepass`, and `auth-pass` on the sentinels). */
  password?: string;
  /** Password of the sentinels themselves (`requirepass` on each sentinel). */
  sentinelPassword?: string;
  /** `down-after-milliseconds`: how long a master must not answer to be judged down. @default 1000 */
  downAfterMs?: number;
  /** `failover-timeout`. @default 5000 */
  failoverTimeoutMs?: number;
}

/** A master, a replica and three sentinels watching them. */
export interface SentinelTopology {
  /** The monitored master's name. */
  readonly name: string;
  /** The three sentinel processes. */
  readonly sentinels: RedisServer[];
  /** The two data servers (master and replica at start; roles swap on failover). */
  readonly servers: RedisServer[];
  /** `{ host, port }` of each sentinel, as a client's `sentinels` option wants. */
  readonly sentinelAddresses: Array<{ host: string; port: number }>;
  /** The data server the sentinels currently name as master. */
  master(): Promise<RedisServer>;
  /** The data server that is not the master. */
  replica(): Promise<RedisServer>;
  /**
   * Forces a failover (`SENTINEL FAILOVER`) and resolves with the new master once the
   * sentinels name it and it reports the master role.
   */
  failover(timeoutMs?: number): Promise<RedisServer>;
  /** Resolves with the new master once the sentinels have promoted another server (after a kill, say). */
  waitForNewMaster(previous: RedisServer, timeoutMs?: number): Promise<RedisServer>;
}

/** Starts a master, a replica and three sentinels (quorum 2) and waits until they all see each other. */
export async function startSentinel(
  owner: Owner,
  options: SentinelOptions = {},
): Promise<SentinelTopology> {
  const name = options.name ?? 'mymaster';
  const dataOptions = options.password ? { password: options.password } : {};
  const first = await startRedis(owner, dataOptions);
  const second = await startRedis(owner, { ...dataOptions, replicaOf: first });
  await waitForSync(second);
  const servers = [first, second];

  const sentinels: RedisServer[] = [];
  for (let i = 0; i < 3; i++) {
    sentinels.push(
      await launch(owner, {
        config: (port, dir) => [
          ...baseConfig(dir),
          `port ${port}`,
          'sentinel resolve-hostnames no',
          `sentinel monitor ${name} ${first.host} ${first.port} 2`,
          `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 1000}`,
          `sentinel failover-timeout ${name} ${options.failoverTimeoutMs ?? 5000}`,
          `sentinel parallel-syncs ${name} 1`,
          ...(options.password ? [`sentinel auth-pass ${name} ${quote(options.password)}`] : []),
          ...(options.sentinelPassword ? [`requirepass ${quote(options.sentinelPassword)}`] : []),
        ],
        args: ['--sentinel'],
        options: options.sentinelPassword ? { password: options.sentinelPassword } : {},
      }),
    );
  }

  const ask = (sentinel: RedisServer, ...args: string[]) => sentinel.call('SENTINEL', ...args);
  await waitFor(
    'the sentinels to discover the replica and each other',
    async () => {
      for (const sentinel of sentinels) {
        const replicas = (await ask(sentinel, 'REPLICAS', name)) as unknown[];
        const peers = (await ask(sentinel, 'SENTINELS', name)) as unknown[];
        if (replicas.length < 1 || peers.length < 2) return false;
      }
      return true;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );

  const byPort = (port: number) => servers.find((server) => server.port === port);
  /** The server the first running sentinel names as master (throws while none runs: "not yet"). */
  const named = async () => {
    const sentinel = sentinels.find((s) => s.running) as RedisServer;
    const [, port] = (await ask(sentinel, 'GET-MASTER-ADDR-BY-NAME', name)) as [string, string];
    return byPort(Number(port));
  };
  const master = async () => waitFor('the sentinels to name a master', named);

  const waitForNewMaster = async (previous: RedisServer, timeoutMs = 20_000) =>
    waitFor(
      `a new master for ${name}`,
      async () => {
        const current = (await named()) as RedisServer;
        const [role] = (await current.call('ROLE')) as [string];
        return current !== previous && role === 'master' && current;
      },
      { timeoutMs, intervalMs: 100 },
    );

  return {
    name,
    sentinels,
    servers,
    sentinelAddresses: sentinels.map(({ host, port }) => ({ host, port })),
    master,
    async replica() {
      const current = await master();
      return servers.find((server) => server !== current) as RedisServer;
    },
    async failover(timeoutMs = 20_000) {
      const previous = await master();
      const sentinel = sentinels.find((s) => s.running) as RedisServer;
      await waitFor(
        'SENTINEL FAILOVER to be accepted',
        () => ask(sentinel, 'FAILOVER', name).then(() => true),
        {
          timeoutMs,
          intervalMs: 200,
        },
      );
      return waitForNewMaster(previous, timeoutMs);
    },
    waitForNewMaster,
  };
}
