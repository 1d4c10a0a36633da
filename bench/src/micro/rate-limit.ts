import { createRequire } from 'node:module';
import type { Owner } from '@redis-infra/testing';
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { alternate, type Contender, type Progress } from '../compare.js';
import { type SuiteResult, suiteResult } from '../rows.js';
import { opsPerCaller, type Settings } from '../settings.js';
import { opsPerSecond } from '../throughput.js';
import { rawClient, type Target } from './clients.js';

/** Operations per caller and round in a full run. */
const FULL_OPS = 500;
/** High enough that no contender ever rejects: every call is a full count. */
const MAX = 1_000_000_000;
const WINDOW_MS = 60_000;

/** The smallest fixed-window counter: one INCR, an expiry on the first hit. */
const INCR_PEXPIRE = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return current
`;

/** `@fastify/rate-limit`'s Redis store (CommonJS, no types of its own). */
interface RedisStore {
  incr(
    key: string,
    cb: (error: Error | null, result: { current: number; ttl: number } | null) => void,
    timeWindow: number,
    max: number,
  ): void;
}
type RedisStoreClass = new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: Redis,
  key?: string,
) => RedisStore;
const RedisStore = createRequire(import.meta.url)(
  '@fastify/rate-limit/store/RedisStore.js',
) as RedisStoreClass;

/**
 * One rate-limit count at 100 concurrent callers (one key per caller, like 100 client IPs),
 * each contender on its own auto-pipelined ioredis connection: `@fastify/rate-limit`'s
 * Redis store and `rate-limiter-flexible` against a bare EVALSHA of INCR+PEXPIRE (the floor
 * of any Redis counter). fastify-redis-infra's store is internal to the plugin (its scripts
 * are not exported), so it is measured in the HTTP suite only.
 */
export async function rateLimitSuite(
  owner: Owner,
  target: Target,
  settings: Settings,
  progress: Progress,
): Promise<SuiteResult> {
  const evalClient = await rawClient(owner, target);
  evalClient.defineCommand('benchIncr', { numberOfKeys: 1, lua: INCR_PEXPIRE });
  const counter = evalClient as unknown as { benchIncr(key: string, ms: number): Promise<number> };

  const store = new RedisStore(false, false, await rawClient(owner, target), 'bench:frl:');
  const storeIncr = (key: string): Promise<number> =>
    new Promise((resolve, reject) =>
      store.incr(
        key,
        (error, result) => (error || !result ? reject(error) : resolve(result.current)),
        WINDOW_MS,
        MAX,
      ),
    );

  const flexible = new RateLimiterRedis({
    storeClient: await rawClient(owner, target),
    keyPrefix: 'bench:rlf',
    points: MAX,
    duration: WINDOW_MS / 1000,
  });

  const ops = opsPerCaller(settings, FULL_OPS);
  const contender = (id: string, label: string, count: (key: string) => Promise<unknown>) =>
    ({
      id,
      label,
      run: () => opsPerSecond(settings.concurrency, ops, (c) => count(`10.0.${c >> 8}.${c & 255}`)),
    }) satisfies Contender;

  const measured = await alternate(
    'micro:rate-limit',
    [
      contender('evalsha', 'raw EVALSHA INCR+PEXPIRE', (key) =>
        counter.benchIncr(`bench:eval:${key}`, WINDOW_MS),
      ),
      contender('frl-store', '@fastify/rate-limit RedisStore.incr', storeIncr),
      contender('flexible', 'rate-limiter-flexible consume', (key) => flexible.consume(key)),
    ],
    settings,
    progress,
  );

  return suiteResult('micro:rate-limit', 'ops/s', measured, [
    {
      id: 'rl-frl-store',
      title: '@fastify/rate-limit `RedisStore.incr` vs raw EVALSHA',
      subject: 'frl-store',
      baseline: 'evalsha',
    },
    {
      id: 'rl-flexible',
      title: 'rate-limiter-flexible `consume` vs raw EVALSHA',
      subject: 'flexible',
      baseline: 'evalsha',
    },
  ]);
}
