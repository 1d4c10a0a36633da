import { setTimeout as sleep } from 'node:timers/promises';
import type { Owner, RedisServer } from '@redis-infra/testing';
import type { FastifyInstance } from 'fastify';
import { type LoadOptions, now, type Sample, startLoad } from './load.js';

/**
 * Sums every rate-limit counter the plugin keeps in `redis` (keys under its `rl:` prefix,
 * fixed-window: one integer per limiter and client), read on a connection of its own: the
 * observer that proves counts reach Redis, whatever the app thinks.
 */
export async function rateLimitCount(redis: RedisServer): Promise<number> {
  const script = `local sum = 0
for _, key in ipairs(redis.call('KEYS', ARGV[1])) do
  sum = sum + (tonumber(redis.call('GET', key)) or 0)
end
return sum`;
  return Number(await redis.call('EVAL', script, 0, 'rl:*'));
}

/** The header the scenario apps take the rate-limit key from (the client's IP without it). */
export const CLIENT_HEADER = 'x-client';

/**
 * Sends one request to `app`'s `/limited` as `client`, a client never seen before, and
 * resolves `true` when its counter is in Redis right after the answer: a count only a
 * command sent now can have made (commands held or delayed by a fault cannot create it).
 */
export async function countReachesRedis(
  app: FastifyInstance,
  redis: RedisServer,
  client: string,
): Promise<boolean> {
  await app.inject({ url: '/limited', headers: { [CLIENT_HEADER]: client } });
  return ((await redis.call('KEYS', `rl:*{${client}}`)) as string[]).length > 0;
}

/** `/health`'s status: `pass` and `warn` answer 200, `fail` 503. */
export type HealthStatus = 'pass' | 'warn' | 'fail';

/** One change of `/health`'s status, with the time of the poll that saw it. */
export interface HealthChange {
  at: number;
  status: HealthStatus;
  /** The checks (`redis:<role>`, ...) that said `fail`, for diagnostics. */
  failing: string[];
}

/** A `/health` poller (every 10 ms, through `inject`): the timeline of its statuses. */
export interface HealthWatch {
  /** The status of the last poll (`undefined` before the first). */
  readonly status: HealthStatus | undefined;
  /** The changes so far, oldest first. */
  readonly changes: readonly HealthChange[];
  /** Stops polling. */
  stop(): Promise<void>;
}

/** Polls `app`'s `/health` every 10 ms until stopped (or `owner` ends). */
export function watchHealth(owner: Owner, app: FastifyInstance): HealthWatch {
  const changes: HealthChange[] = [];
  let status: HealthStatus | undefined;
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = now();
      const body = (await app.inject('/health')).json<{
        status: HealthStatus;
        checks?: Record<string, Array<{ status: HealthStatus }>>;
      }>();
      const current = body.status;
      if (current !== status) {
        const checks = Object.entries(body.checks ?? {});
        const failing = checks.filter(([, [check]]) => check?.status === 'fail').map(([n]) => n);
        changes.push({ at, status: current, failing });
      }
      status = current;
      await sleep(10);
    }
  })();
  const stop = async () => {
    running = false;
    await loop;
  };
  owner.teardown(stop);
  return {
    get status() {
      return status;
    },
    changes,
    stop,
  };
}

/** When health first answered `status` at or after `from` (`undefined` when it never did). */
export function firstAt(
  changes: readonly HealthChange[],
  status: HealthStatus,
  from: number,
): number | undefined {
  return changes.find((change) => change.status === status && change.at >= from)?.at;
}

/**
 * When health last left `status`, if that was at or after `from` (`NaN` when it is still
 * there, or left it before `from`; the first poll's time when it never was there).
 */
export function leftAt(changes: readonly HealthChange[], status: HealthStatus, from = 0): number {
  const back = changes[changes.findLastIndex((change) => change.status === status) + 1];
  return back && back.at >= from ? back.at : Number.NaN;
}

/**
 * A load that `owner` stops when it ends; `stop()` returns the samples the first time and
 * `[]` after (nothing keeps them once the caller drops them: the cycles test counts heap).
 */
export function ownedLoad(
  owner: Owner,
  url: string,
  options: LoadOptions,
): { stop(): Promise<Sample[]> } {
  const load = startLoad(url, options);
  let running = true;
  const stop = async (): Promise<Sample[]> => {
    if (!running) return [];
    running = false;
    return load.stop();
  };
  owner.teardown(stop);
  return { stop };
}

/** A time span, `now()` clock; `to` is `Infinity` while it lasts. */
export interface Span {
  from: number;
  to: number;
}

/**
 * Polls `CLUSTER INFO` on `nodes` every 10 ms until stopped (or `owner` ends): the spans in
 * which any of them said `cluster_state:fail`. With Redis' default
 * `cluster-require-full-coverage yes`, a node in that state answers every keyed command with
 * `CLUSTERDOWN`: from the moment a dead master is marked failed until its replica is promoted,
 * the whole cluster refuses, not only the dead master's slots.
 */
export function watchClusterDown(owner: Owner, nodes: readonly RedisServer[]) {
  const spans: Span[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = now();
      const states = await Promise.all(
        nodes.map(async (node) =>
          /cluster_state:fail/.test(String(await node.call('CLUSTER', 'INFO'))),
        ),
      );
      const down = states.some(Boolean);
      const last = spans.at(-1);
      if (down && (last === undefined || last.to !== Number.POSITIVE_INFINITY))
        spans.push({ from: at, to: Number.POSITIVE_INFINITY });
      else if (!down && last?.to === Number.POSITIVE_INFINITY) last.to = at;
      await sleep(10);
    }
  })();
  const stop = async () => {
    running = false;
    await loop;
  };
  owner.teardown(stop);
  return { spans: spans as readonly Span[], stop };
}

/** The spans in which `changes` said `status`, the last one lasting while it still does. */
export function spansOf(changes: readonly HealthChange[], status: HealthStatus): Span[] {
  return changes.flatMap((change, i) =>
    change.status === status
      ? [{ from: change.at, to: changes[i + 1]?.at ?? Number.POSITIVE_INFINITY }]
      : [],
  );
}
