import { setTimeout as sleep } from 'node:timers/promises';
import { createScope, type Owner, type RedisServer, startRedis } from '@redis-infra/testing';
import type { Progress } from '../compare.js';
import type { AppKind } from '../http/apps.js';
import { startApp } from '../http/child.js';
import type { OutageSettings, Settings } from '../settings.js';
import { startLoad } from './load.js';
import { lastFailureAfter, type Marks, type PhaseStats, phaseStats } from './samples.js';

/** How often the recovery is looked for after the restart. */
const POLL_MS = 10;
/** Deadline of one poll (a health request, a DBSIZE). */
const POLL_TIMEOUT_MS = 500;

/** An app and route that live through the outage. */
interface OutageContender {
  id: string;
  label: string;
  kind: AppKind;
  path: string;
  /** The app has the suite's `/health` route. */
  health: boolean;
}

/** What one contender went through. */
export interface OutageResult {
  id: string;
  label: string;
  /** The route under load. */
  path: string;
  /** Requests sent before the kill, while Redis was down, and after the restart. */
  phases: PhaseStats[];
  /**
   * Ms from the restart until the app's first key showed up in the restarted (empty) Redis:
   * it counts or caches there again. Null when it did not within the `after` phase.
   */
  redisInUseMs: number | null;
  /** Ms from the restart until the last request sent after it that got no 2xx was over; 0 when none. */
  lastFailureMs: number;
  /** Ms from the restart until `/health` answered 200 `pass` (ours only; null when it did not in time). */
  healthPassMs?: number | null;
  /** The first few distinct failures the load saw (status and body, or error message). */
  failures: string[];
}

/** Ours and the peers' way, in the order they run (one outage each, on a fresh app). */
const CONTENDERS: readonly OutageContender[] = [
  {
    id: 'ours-limited',
    label: 'fastify-redis-infra, rate-limited route (fixed window)',
    kind: 'ours',
    path: '/',
    health: true,
  },
  {
    id: 'frl-redis',
    label: '`@fastify/rate-limit` Redis store (`skipOnError: false`, its default)',
    kind: 'frl-redis',
    path: '/',
    health: false,
  },
  {
    id: 'frl-redis-skip',
    label: '`@fastify/rate-limit` Redis store, `skipOnError: true`',
    kind: 'frl-redis-skip',
    path: '/',
    health: false,
  },
  {
    id: 'ours-cached',
    label: 'fastify-redis-infra, `config.cache` route (ttl 1 s, grace 60 s)',
    kind: 'ours',
    path: '/cached-short',
    health: true,
  },
];

const now = (): number => performance.timeOrigin + performance.now();

/**
 * A Redis outage under load, one contender at a time, on a Redis of its own (the other
 * suites' Redis is never killed): each app (in its child process) gets load from another
 * child process; after the warm-up and `beforeSeconds`, Redis is SIGKILLed, kept down for
 * `downSeconds`, restarted (empty, same port), and the load goes on for `afterSeconds`.
 */
export async function outageSuite(
  owner: Owner,
  _target: unknown,
  settings: Settings,
  progress: Progress,
): Promise<{ outage: OutageResult[] }> {
  const redis = await startRedis(owner);
  const results: OutageResult[] = [];
  for (const contender of CONTENDERS) {
    const result = await outage(owner, redis, contender, settings.outage);
    const [before, during, after] = result.phases.map(
      (p) => `${p.ok}/${p.requests} 2xx, p99 ${p.p99Ms?.toFixed(0) ?? '-'} ms`,
    );
    progress(
      `outage ${contender.label}: before ${before}; during ${during}; after ${after}; ` +
        `Redis in use again after ${result.redisInUseMs?.toFixed(0) ?? '-'} ms`,
    );
    results.push(result);
  }
  return { outage: results };
}

/** One outage: app and load started, Redis killed and restarted, app and load stopped. */
async function outage(
  owner: Owner,
  redis: RedisServer,
  contender: OutageContender,
  settings: OutageSettings,
): Promise<OutageResult> {
  // The app and the load are gone before the next contender starts (and with `owner`).
  const scope = createScope();
  owner.teardown(() => scope.close());
  // Ends the polls too when something throws.
  const polling = new AbortController();
  try {
    const app = await startApp(scope, contender.kind, { host: redis.host, port: redis.port });
    const load = await startLoad(scope, `${app.url}${contender.path}`, settings);
    await sleep(settings.warmupSeconds * 1000);
    const start = now();
    await sleep(settings.beforeSeconds * 1000);
    const kill = now();
    await redis.kill();
    await sleep(Math.max(0, kill + settings.downSeconds * 1000 - now()));
    await redis.restart();
    const up = now();
    const end = up + settings.afterSeconds * 1000;
    const marks: Marks = { start, kill, up, end };

    // Polled while the load runs; `/health` maybe for a while after it stopped.
    const [redisInUseMs, healthPassMs, samples] = await Promise.all([
      pollFromUp(marks.up, end, redisHoldsKeys(redis), polling.signal),
      contender.health
        ? pollFromUp(
            marks.up,
            up + settings.healthWaitSeconds * 1000,
            healthPasses(app.url),
            polling.signal,
          )
        : undefined,
      sleep(Math.max(0, end - now())).then(() => load.stop()),
    ]);

    const phases = phaseStats(samples, marks);
    const before = phases[0] as PhaseStats;
    if (before.requests === 0 || before.ok !== before.requests) {
      throw new Error(
        `@redis-infra/bench: outage/${contender.id} was not healthy before the kill: ${JSON.stringify(before)}; ${samples.examples.join(' | ')}`,
      );
    }
    return {
      id: contender.id,
      label: contender.label,
      path: contender.path,
      phases,
      redisInUseMs,
      lastFailureMs: lastFailureAfter(samples, marks),
      failures: samples.examples,
      ...(healthPassMs === undefined ? {} : { healthPassMs }),
    };
  } finally {
    polling.abort();
    await scope.close();
  }
}

/** A check polled after the restart; `close` (if any) runs once polling ends. */
interface Check {
  holds(): Promise<boolean>;
  close?(): void;
}

/**
 * Polls every {@link POLL_MS} until `check` holds; resolves with ms since `up` (counted
 * when the answer came: the change happened before, by at most one poll), or null at
 * `deadline` or once `signal` aborts. A failing check counts as not holding.
 */
async function pollFromUp(
  up: number,
  deadline: number,
  check: Check,
  signal: AbortSignal,
): Promise<number | null> {
  try {
    while (now() < deadline && !signal.aborted) {
      if (await check.holds().catch(() => false)) return now() - up;
      await sleep(POLL_MS);
    }
    return null;
  } finally {
    check.close?.();
  }
}

/** Whether the restarted (empty) Redis holds a key: the app wrote to it again. */
function redisHoldsKeys(redis: RedisServer): Check {
  const client = redis.client({ commandTimeout: POLL_TIMEOUT_MS });
  return { holds: async () => (await client.dbsize()) > 0, close: () => client.disconnect() };
}

/** Whether the app's `/health` answers 200 with status `pass`. */
function healthPasses(url: string): Check {
  return {
    holds: async () => {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
      const body = (await res.json()) as { status?: unknown };
      return res.status === 200 && body.status === 'pass';
    },
  };
}
