import type { Owner } from '@redis-infra/testing';
import { alternate, type Contender, type Progress } from '../compare.js';
import { type SuiteResult, suiteResult } from '../rows.js';
import { opsPerCaller, type Settings } from '../settings.js';
import { opsPerSecond } from '../throughput.js';
import { managerFor, rawClient, type Target } from './clients.js';

/** Distinct keys the callers read, round robin. */
const KEYS = 1_000;
/** Operations per caller and round in a full run (100 callers: 100k GETs a round). */
const FULL_OPS = 1_000;

const keyOf = (n: number): string => `bench:get:${n % KEYS}`;

/**
 * GET at 100 concurrent callers: the manager's `client()` (pool 1, the default; pool 4 with
 * each picking strategy) against a raw auto-pipelined ioredis client, over the same keys
 * and values.
 */
export async function getSuite(
  owner: Owner,
  target: Target,
  settings: Settings,
  progress: Progress,
): Promise<SuiteResult> {
  const raw = await rawClient(owner, target);
  const value = JSON.stringify({
    id: 1,
    name: 'bench',
    tags: ['a', 'b', 'c'],
    pad: 'x'.repeat(64),
  });
  await raw.mset(Object.fromEntries(Array.from({ length: KEYS }, (_, n) => [keyOf(n), value])));

  const pool1 = await managerFor(owner, target);
  const pool4rr = await managerFor(owner, target, { poolSize: 4, poolStrategy: 'round-robin' });
  const pool4lp = await managerFor(owner, target, { poolSize: 4, poolStrategy: 'least-pending' });

  const ops = opsPerCaller(settings, FULL_OPS);
  const callers = settings.concurrency;
  const check = (reply: string | null): void => {
    if (reply !== value) throw new Error('@redis-infra/bench: GET returned the wrong value');
  };
  const contender = (id: string, label: string, get: (key: string) => Promise<string | null>) =>
    ({
      id,
      label,
      // At each step the callers read distinct keys.
      run: () => opsPerSecond(callers, ops, (c, i) => get(keyOf(i * callers + c)).then(check)),
    }) satisfies Contender;

  const measured = await alternate(
    'micro:get',
    [
      contender('raw', 'raw ioredis (auto-pipelining)', (key) => raw.get(key)),
      contender('pool1', 'manager client(), pool 1', (key) => pool1.client().get(key)),
      contender('pool4-rr', 'manager client(), pool 4 round-robin', (key) =>
        pool4rr.client().get(key),
      ),
      contender('pool4-lp', 'manager client(), pool 4 least-pending', (key) =>
        pool4lp.client().get(key),
      ),
    ],
    settings,
    progress,
  );

  return suiteResult('micro:get', 'ops/s', measured, [
    {
      id: 'get-manager',
      title: 'GET: manager `client()` (pool 1) vs raw ioredis',
      subject: 'pool1',
      baseline: 'raw',
      target: 0.95,
    },
    {
      id: 'get-pool-size',
      title: 'GET: manager pool 4 vs pool 1 (round-robin)',
      subject: 'pool4-rr',
      baseline: 'pool1',
    },
    {
      id: 'get-pool-strategy',
      title: "GET: pool 4 'least-pending' vs 'round-robin'",
      subject: 'pool4-lp',
      baseline: 'pool4-rr',
    },
  ]);
}
