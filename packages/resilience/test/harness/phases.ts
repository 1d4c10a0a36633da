import { setTimeout as sleep } from 'node:timers/promises';
import {
  type RedisServer,
  startProxy,
  startRedis,
  type TcpProxy,
  waitFor,
} from '@redis-infra/testing';
import type { FastifyRequest } from 'fastify';
import type { Test } from 'tap';
import { COMMAND_TIMEOUT_MS, type RunningApp, startApp } from './app.js';
import { escaped } from './guards.js';
import { describe, now, type Sample, summarise } from './load.js';
import {
  CLIENT_HEADER,
  countReachesRedis,
  firstAt,
  leftAt,
  ownedLoad,
  rateLimitCount,
  watchHealth,
} from './probes.js';
import { leakedSecrets, secret } from './secrets.js';

/** What a scenario's fault acts on: the server, the proxy (when asked for), two apps on it. */
export interface Stage {
  redis: RedisServer;
  /** The proxy both apps reach Redis through (`proxy: true` only). */
  proxy: TcpProxy | undefined;
  /** The app under load. */
  a: RunningApp;
  /** A second instance on the same Redis, without load: it must read what `a` writes. */
  b: RunningApp;
}

/** A fault scenario for {@link runScenario}. */
export interface Scenario {
  /** Short name: the server's password and the probe keys are made from it. */
  name: string;
  /** Put a TCP proxy between the apps and Redis. @default false */
  proxy?: boolean;
  /** Throws the fault. */
  inject(stage: Stage): Promise<void> | void;
  /** Ends the fault; resolves once Redis answers again (the recovery clock starts then). */
  heal(stage: Stage): Promise<void> | void;
  /** How long from the start of `inject` to `heal`. @default 3000 */
  faultMs?: number;
  /** Runs with the load on, right before the fault. @default nothing */
  beforeFault?(stage: Stage): Promise<void>;
  /** Runs right after `heal`, before recovery is measured. @default nothing */
  afterHeal?(stage: Stage): Promise<void>;
}

/** When things happened, in `now()` ms, and the rate-limit counts Redis held then. */
export interface Timeline {
  faultAt: number;
  healedAt: number;
  /** First `/health` 503 after the fault. */
  failAt: number | undefined;
  /** `/health`'s last turn to 200 (`NaN` when it did not end passing). */
  passAt: number;
  /** When the first request whose count reached Redis was sent, after the heal. */
  recoveredAt: number;
  counts: { beforeFault: number; atHeal: number; settled: number; end: number };
}

/** What a scenario observed, for the extra assertions of its file. */
export interface ScenarioResult {
  stage: Stage;
  samples: Sample[];
  timeline: Timeline;
}

const LOAD = { paths: ['/limited', '/cached'], connections: 10 } as const;
/** The limits. */
const HEALTH_MS = 1_000;
const RECOVERY_MS = 2_000;

/**
 * The phases every fault scenario shares: two apps on one Redis (through a proxy when
 * asked), load on the first, the fault for `faultMs`, the heal, then recovery measured and
 * proven: a client never seen before gets its counter in Redis, a second instance reads
 * the first's cache write, the first reads a value written straight into Redis, and every
 * request after recovery is counted in Redis. Prints the figures and asserts the promises:
 * no 5xx, nothing past the command timeout + 100 ms, nothing escaped, health turns within
 * 1 s both ways, recovery within 2 s of Redis answering, no secret in any output.
 */
export async function runScenario(t: Test, scenario: Scenario): Promise<ScenarioResult> {
  const stage = await setUp(t, scenario);
  const { redis, a } = stage;
  const load = ownedLoad(t, a.url, LOAD);
  await sleep(1_000);
  await scenario.beforeFault?.(stage);
  const beforeFault = await rateLimitCount(redis);
  const health = watchHealth(t, a.app);

  const faultAt = now();
  await scenario.inject(stage);
  await sleep((scenario.faultMs ?? 3_000) - (now() - faultAt));
  await scenario.heal(stage);
  const healedAt = now();
  const atHeal = await rateLimitCount(redis);
  await scenario.afterHeal?.(stage);

  let client = 0;
  const recoveredAt = await waitFor(
    "a new client's count to reach Redis",
    async () => {
      const sentAt = now();
      return (await countReachesRedis(a.app, redis, `${scenario.name}-${++client}`))
        ? sentAt
        : undefined;
    },
    { intervalMs: 10, timeoutMs: 5_000 },
  );
  await waitFor('health to answer 200', () => health.status && health.status !== 'fail', {
    intervalMs: 10,
  });
  const crossMs = await crossInstance(t, stage, scenario.name);
  await sleep(100);
  const settled = await rateLimitCount(redis);
  const settledAt = now();
  await sleep(1_000);
  const samples = await load.stop();
  await health.stop();
  const end = await rateLimitCount(redis);

  const failAt = firstAt(health.changes, 'fail', faultAt);
  const passAt = leftAt(health.changes, 'fail', faultAt);
  const timeline: Timeline = {
    faultAt,
    healedAt,
    failAt,
    passAt,
    recoveredAt,
    counts: { beforeFault, atHeal, settled, end },
  };
  report(t, samples, timeline, crossMs, summarise(samples, { from: settledAt }).requests);
  return { stage, samples, timeline };
}

async function setUp(t: Test, scenario: Scenario): Promise<Stage> {
  const redis = await startRedis(t, { password: secret(`${scenario.name}-scenario-secret`) });
  const proxy = scenario.proxy ? await startProxy(t, redis) : undefined;
  const target = proxy ? { ...redis.connection, port: proxy.port } : redis.connection;
  const rateLimit = {
    max: 1_000_000,
    timeWindow: 60_000,
    keyGenerator: (request: FastifyRequest) => String(request.headers[CLIENT_HEADER] ?? request.ip),
  };
  const a = await startApp(t, target, { plugin: { rateLimit } });
  const b = await startApp(t, target, { plugin: { rateLimit } });
  return { redis, proxy, a, b };
}

/**
 * After recovery: `a` reads a value written straight into Redis (its connection answers
 * the right replies), and `b` reads what `a`'s cache wrote. Resolves with how long `b`
 * took to see it.
 */
async function crossInstance(t: Test, { redis, a, b }: Stage, name: string): Promise<number> {
  const token = `${name}-${Date.now()}`;
  await redis.call('SET', `probe:${name}`, token);
  t.equal(await a.app.redis.get(`probe:${name}`), token, 'a reads what Redis holds');
  await a.app.cache.set(`probe:${name}`, token, { ttl: 60_000 });
  const started = now();
  await waitFor(
    "a second instance to read the first's cache write",
    async () => (await b.app.cache.get(`probe:${name}`)) === token,
    { intervalMs: 10, timeoutMs: RECOVERY_MS },
  );
  return now() - started;
}

function report(
  t: Test,
  samples: Sample[],
  line: Timeline,
  crossMs: number,
  requestsAfterSettled: number,
): void {
  const { faultAt, healedAt, failAt, passAt, recoveredAt, counts } = line;
  // A request sent before the fault but answered after it was hit by it: it counts as during.
  const hit = samples.filter((s) => s.at + s.ms >= faultAt && s.at < healedAt);
  const before = summarise(samples.filter((s) => s.at + s.ms < faultAt));
  const during = summarise(hit);
  const after = summarise(samples, { from: healedAt });
  const all = summarise(samples);
  const failAfter = failAt === undefined ? Number.NaN : failAt - faultAt;
  const passAfter = Math.max(0, passAt - healedAt);
  const recoveredAfter = recoveredAt - healedAt;
  const counted = counts.end - counts.settled;
  t.comment(describe('before', before));
  t.comment(describe('during', during));
  for (const path of LOAD.paths) t.comment(describe(`  ${path}`, summarise(hit, { path })));
  t.comment(describe('after', after));
  t.comment(
    `health fail ${failAfter.toFixed(0)} ms after the fault, pass ${passAfter.toFixed(0)} ms ` +
      `after the heal; a new client's count reaches Redis ${recoveredAfter.toFixed(0)} ms after ` +
      `the heal; the second instance read the write in ${crossMs.toFixed(0)} ms`,
  );
  t.comment(
    `rate-limit counts in Redis: ${counts.beforeFault} before the fault, ${counts.atHeal} at ` +
      `the heal, +${counted} for the ${requestsAfterSettled} requests after recovery`,
  );

  t.ok(before.requests > 50 && during.requests > 0 && after.requests > 100, 'load ran');
  for (const path of LOAD.paths)
    t.equal(summarise(samples, { path }).errors, 0, `no 5xx and no failed request on ${path}`);
  t.ok(all.max < COMMAND_TIMEOUT_MS + 100, 'no request waited past the command timeout + 100 ms');
  t.same(escaped(), [], 'no unhandled rejection or uncaught exception');
  t.ok(failAfter < HEALTH_MS, 'health fails within 1 s of the fault');
  t.ok(passAfter < HEALTH_MS, 'health passes within 1 s of Redis answering');
  t.ok(recoveredAfter < RECOVERY_MS, 'counts reach Redis within 2 s of it answering');
  t.ok(counted >= requestsAfterSettled, 'every request after recovery was counted in Redis');
  t.same(leakedSecrets(), [], 'no secret in any captured output');
}
