import type { ManagedClient, RedisManager } from '@redis-infra/redis-manager';
import { ManagedCluster } from '@redis-infra/redis-manager';
import calculateSlot from 'cluster-key-slot';
import DataLoader from 'dataloader';
import type { LuaScript } from './scripts.js';

/** Keys per `SCAN` step and per `UNLINK` of `clear()`. */
const SCAN_COUNT = 1000;

/** The positions of `keys`, grouped by Redis Cluster hash slot. */
export function groupBySlot(keys: readonly string[]): number[][] {
  const groups = new Map<number, number[]>();
  keys.forEach((key, index) => {
    const slot = calculateSlot(key);
    const group = groups.get(slot);
    if (group) group.push(index);
    else groups.set(slot, [index]);
  });
  return [...groups.values()];
}

/**
 * The Redis tier: the commands the cache sends, through the manager's pooled client of
 * one role. One round trip each; multi-key commands are split by hash slot on Cluster
 * (no cross-slot calls). Errors propagate: the caller decides what a failure means.
 */
export class RedisTier {
  readonly #manager: RedisManager;
  /** The manager role. */
  readonly role: string;
  /** Whether the role is a Redis Cluster. */
  readonly cluster: boolean;
  /** Gathers the `get`s of one turn into an `MGET`; none on Cluster or when `readBatch` is 1. */
  readonly #reads: DataLoader<string, string | null> | undefined;

  /** `readBatch`: the most keys one `MGET` of gathered `get`s carries. */
  constructor(manager: RedisManager, role: string, readBatch: number) {
    this.#manager = manager;
    this.role = role;
    this.cluster = manager.settings(role).mode === 'cluster';
    // On Cluster the keys of one turn mostly fall in different slots (an `MGET` each, gaining
    // nothing), and a gathered read would wait for the slowest master of its batch.
    this.#reads =
      readBatch > 1 && !this.cluster
        ? new DataLoader((keys) => this.mget(keys), { cache: false, maxBatchSize: readBatch })
        : undefined;
  }

  /** Whether Redis may be tried: not while the role is down, in fallback or closed (it would fail at once anyway). */
  available(): boolean {
    const state = this.#manager.state(this.role);
    return state !== 'down' && state !== 'fallback' && state !== 'closed';
  }

  /** A pooled client of the role (throws when the manager is closed). */
  client(): ManagedClient {
    return this.#manager.client(this.role);
  }

  /**
   * A key's value. The `get`s called in one turn (until its promise jobs have run) go out
   * together as one `MGET` (not on Cluster): one command and one reply for Redis and ioredis
   * to handle instead of one per key. They share its fate: its error is each one's.
   */
  get(key: string): Promise<string | null> {
    return this.#reads ? this.#reads.load(key) : this.client().get(key);
  }

  /**
   * `MGET`, one per hash slot on Cluster: the values in the order of `keys`. On Cluster, a
   * slot whose call failed fails alone: its keys hold the error, the others their values.
   */
  async mget(keys: readonly string[]): Promise<Array<string | null | Error>> {
    const client = this.client();
    if (!this.cluster) return client.mget(keys as string[]);
    const values = new Array<string | null | Error>(keys.length);
    await Promise.all(
      groupBySlot(keys).map(async (group) => {
        try {
          const found = await client.mget(group.map((i) => keys[i] as string));
          group.forEach((i, j) => {
            values[i] = found[j] ?? null;
          });
        } catch (error) {
          for (const i of group) values[i] = error as Error;
        }
      }),
    );
    return values;
  }

  /** `SET key text PX ms`. */
  async set(key: string, text: string, ms: number): Promise<void> {
    await this.client().set(key, text, 'PX', ms);
  }

  /** `UNLINK`, one per hash slot on Cluster; resolves with how many keys existed. */
  async unlink(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const client = this.client();
    if (!this.cluster) return client.unlink(...(keys as string[]));
    const counts = await Promise.all(
      groupBySlot(keys).map((group) => client.unlink(...group.map((i) => keys[i] as string))),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /** `SET key token PX ms NX`: whether the lease was taken. */
  async acquire(key: string, token: string, ms: number): Promise<boolean> {
    return (await this.client().set(key, token, 'PX', ms, 'NX')) === 'OK';
  }

  /** Runs a one-key script by SHA, sending its source once when the server does not know it. */
  async script(script: LuaScript, key: string, ...args: Array<string | number>): Promise<unknown> {
    const client = this.client();
    try {
      return await client.evalsha(script.sha, 1, key, ...args);
    } catch (error) {
      if (!(error as Error).message.startsWith('NOSCRIPT')) throw error;
      return client.eval(script.source, 1, key, ...args);
    }
  }

  /** `PUBLISH`. */
  async publish(channel: string, message: string): Promise<void> {
    await this.client().publish(channel, message);
  }

  /**
   * Deletes every key matching `pattern`: `SCAN MATCH pattern COUNT 1000` on each master
   * (every master of a Cluster) and `UNLINK` of each batch, split by slot. No `KEYS`, no
   * `FLUSHALL`. Resolves with how many keys it deleted.
   */
  async deleteMatching(pattern: string): Promise<number> {
    const client = this.client();
    const nodes = client instanceof ManagedCluster ? client.nodes('master') : [client];
    const counts = await Promise.all(
      nodes.map(async (node) => {
        let deleted = 0;
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
          cursor = next;
          deleted += await this.unlink(keys);
        } while (cursor !== '0');
        return deleted;
      }),
    );
    return counts.reduce((sum, n) => sum + n, 0);
  }
}
