import type { ConfigOptions } from '@redis-infra/config-resolver';
import {
  type ClusterTopology,
  type Owner,
  type RedisServer,
  type SentinelTopology,
  startCluster,
  startRedis,
  startSentinel,
  waitFor,
} from '@redis-infra/testing';
import type { FastifyInstance } from 'fastify';
import { secret } from './secrets.js';

/** The three ways to deploy Redis the suite supports. */
export type TopologyKind = 'standalone' | 'sentinel' | 'cluster';

/** A running Redis topology and the two ways of pointing an app at it. */
export interface Topology {
  kind: TopologyKind;
  /** Plugin `config` (config-resolver options) for this topology. */
  config: ConfigOptions;
  /** The same as environment variables, as a deployed app (the example API) reads them. */
  env: Record<string, string>;
  /** The data servers that currently take writes (the master, or the cluster's masters). */
  masters(): Promise<RedisServer[]>;
  /** Set for `sentinel`. */
  sentinel?: SentinelTopology;
  /** Set for `cluster`. */
  cluster?: ClusterTopology;
}

const hostPorts = (nodes: ReadonlyArray<{ host: string; port: number }>) =>
  nodes.map(({ host, port }) => `${host}:${port}`).join(',');

/**
 * Starts `kind` (every data server with a password, Sentinel also with a sentinel password),
 * torn down with `owner`. Every password is registered with `secret()`.
 */
export async function startTopology(owner: Owner, kind: TopologyKind): Promise<Topology> {
  const password = secret(`${kind}-data-secret`);
  if (kind === 'standalone') {
    const redis = await startRedis(owner, { password });
    return {
      kind,
      config: { host: redis.host, port: redis.port, password },
      env: { REDIS_URL: redis.url },
      masters: async () => [redis],
    };
  }
  if (kind === 'sentinel') {
    const sentinelPassword = secret('sentinel-own-secret');
    const sentinel = await startSentinel(owner, { password, sentinelPassword });
    return {
      kind,
      sentinel,
      config: {
        sentinels: sentinel.sentinelAddresses,
        sentinelName: sentinel.name,
        sentinelPassword,
        password,
      },
      env: {
        REDIS_SENTINELS: hostPorts(sentinel.sentinelAddresses),
        REDIS_SENTINEL_NAME: sentinel.name,
        REDIS_SENTINEL_PASSWORD: sentinelPassword,
        REDIS_PASSWORD: password,
      },
      masters: async () => [await sentinel.master()],
    };
  }
  const cluster = await startCluster(owner, { password });
  return {
    kind,
    cluster,
    config: { clusterNodes: cluster.startupNodes, password },
    env: { REDIS_CLUSTER_NODES: hostPorts(cluster.startupNodes), REDIS_PASSWORD: password },
    masters: () => cluster.masters(),
  };
}

/** Every key on the topology's masters. */
export async function keysOf(topology: Topology): Promise<string[]> {
  const masters = await topology.masters();
  return (await Promise.all(masters.map((m) => m.call('KEYS', '*') as Promise<string[]>))).flat();
}

/** The master of `topology` that holds `key`, once one does. */
export async function masterHolding(topology: Topology, key: string): Promise<RedisServer> {
  return waitFor(`a master to hold ${key}`, async () => {
    for (const master of await topology.masters()) {
      // A master that does not serve the key's slot answers MOVED.
      if (Number(await master.call('EXISTS', key).catch(() => 0)) === 1) return master;
    }
    return undefined;
  });
}

/** Key of the counter of GET `path` for the client `ip` (the plugin's `rl:<method>:<url>:{<ip>}`). */
export const counterKey = (path: string, ip = '127.0.0.1'): string => `rl:GET:${path}:{${ip}}`;

/**
 * The full stack's routes, for `startApp({ routes })`: `/fixed` and `/sliding` allow `max`
 * requests per client and hour, one with each algorithm (an hour: a burst then practically
 * never straddles the sliding window's aligned boundary, where one more request may pass);
 * `/cached` is a `config.cache` route; `/items/:id` reads through `fastify.cache.getOrSet`
 * with the tag `items`. `loads` counts the handler's and the loader's runs.
 */
export function stackRoutes(max: number, loads = { cached: 0, items: 0 }) {
  const limit = (algorithm: 'fixed-window' | 'sliding-window') => ({
    config: { rateLimit: { max, timeWindow: 3_600_000, algorithm } },
  });
  return (app: FastifyInstance): void => {
    app.get('/fixed', limit('fixed-window'), async () => ({ ok: true }));
    app.get('/sliding', limit('sliding-window'), async () => ({ ok: true }));
    app.get('/cached', { config: { cache: { key: () => 'cached' } } }, async () => ({
      loads: ++loads.cached,
    }));
    app.get<{ Params: { id: string } }>('/items/:id', async (request) =>
      app.cache.getOrSet(
        `item:${request.params.id}`,
        async () => ({ id: request.params.id, load: ++loads.items }),
        { tags: ['items'] },
      ),
    );
  };
}
