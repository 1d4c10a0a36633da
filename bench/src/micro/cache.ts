import type { Owner } from '@redis-infra/testing';
import { alternate, type Contender, type Progress } from '../compare.js';
import { type SuiteResult, suiteResult } from '../rows.js';
import { opsPerCaller, type Settings } from '../settings.js';
import { opsPerSecond } from '../throughput.js';
import {
  buildCaches,
  fillCaches,
  KEYS,
  keyNames,
  load,
  loadWhileFilling,
  SHORT_TTL_MS,
  VALUE,
  type Value,
} from './caches.js';
import type { Target } from './clients.js';

/** Operations per caller and round in a full run, per group. */
const FULL_OPS = { l1: 1_000, l2: 300, miss: 100, many: 5 };
/** Keys per `getMany`. */
const MANY = 100;

/** What any cache call costs at the least here: one async call and its await. */
const noop = async (_key: string): Promise<Value> => VALUE;

/** Fails the round when a cache answers something else than the value (a misconfigured contender). */
function check(value: unknown): void {
  if ((value as Value | undefined)?.id !== VALUE.id) {
    throw new Error(`@redis-infra/bench: a cache returned ${JSON.stringify(value)}`);
  }
}

/**
 * The cache at 100 concurrent callers, in four groups of contenders (each group alternates
 * on its own): L1 hits, L2 hits, misses that load and store, and `getMany` of 100 keys.
 * Every contender reads the same 10,000 keys holding the same ~250-byte object.
 */
export async function cacheSuites(
  owner: Owner,
  target: Target,
  settings: Settings,
  progress: Progress,
): Promise<SuiteResult[]> {
  // A quick run reads fewer keys: it only proves that every contender works.
  const keyCount = settings.mode === 'full' ? KEYS : KEYS / 10;
  const keyOf = keyNames(keyCount);
  const caches = await buildCaches(owner, target);
  await fillCaches(caches, keyCount);
  const { ours, oursL2, bentoTiered, bentoTieredRef, bentoL2, dedupe, raw } = caches;
  const callers = settings.concurrency;

  const contenders = (
    ops: number,
    list: Array<[string, string, (key: string) => Promise<unknown>]>,
  ) =>
    list.map(
      ([id, label, op]): Contender => ({
        id,
        label,
        // At each step the callers read distinct keys (no dedupe can merge their calls).
        run: () => opsPerSecond(callers, ops, (c, i) => op(keyOf(i * callers + c)).then(check)),
      }),
    );

  const l2Reads = (): number => ours.stats().l2.hits + ours.stats().l2.misses;
  const l2ReadsBefore = l2Reads();
  const l1 = await alternate(
    'micro:cache-l1',
    contenders(opsPerCaller(settings, FULL_OPS.l1), [
      ['noop', 'an async function returning the value (the harness ceiling)', noop],
      ['ours', 'ours getOrSet, L1 hit', (key) => ours.getOrSet(key, loadWhileFilling)],
      [
        'bento',
        'bentocache tiered getOrSet, L1 hit',
        (key) => bentoTiered.getOrSet({ key, factory: loadWhileFilling }),
      ],
      [
        'bento-ref',
        'bentocache tiered (L1 serialize: false), L1 hit',
        (key) => bentoTieredRef.getOrSet({ key, factory: loadWhileFilling }),
      ],
    ]),
    settings,
    progress,
  );

  if (l2Reads() !== l2ReadsBefore) {
    throw new Error('@redis-infra/bench: the L1-hit rounds of our cache read Redis');
  }

  const l2 = await alternate(
    'micro:cache-l2',
    contenders(opsPerCaller(settings, FULL_OPS.l2), [
      [
        'raw',
        'raw ioredis GET + JSON.parse',
        async (key) => JSON.parse((await raw.get(`raw:${key}`)) ?? 'null'),
      ],
      ['ours', 'ours getOrSet, L2 hit', (key) => oursL2.getOrSet(key, load)],
      [
        'bento',
        'bentocache L2-only getOrSet, hit',
        (key) => bentoL2.getOrSet({ key, factory: load }),
      ],
      ['dedupe', 'async-cache-dedupe (Redis storage), hit', (key) => dedupe.item(key)],
    ]),
    settings,
    progress,
  );

  // Every miss reads a key nobody wrote yet.
  let written = 0;
  const fresh = (key: string): string => `miss:${written++}:${key}`;
  const missContenders = contenders(opsPerCaller(settings, FULL_OPS.miss), [
    [
      'raw',
      'raw ioredis GET (nil) + SET PX',
      async (key) => {
        const k = fresh(key);
        if ((await raw.get(k)) === null)
          await raw.set(k, JSON.stringify(VALUE), 'PX', SHORT_TTL_MS);
        return VALUE;
      },
    ],
    [
      'ours',
      'ours getOrSet, miss + set',
      (key) => ours.getOrSet(fresh(key), load, { ttl: SHORT_TTL_MS }),
    ],
    [
      'bento',
      'bentocache tiered getOrSet, miss + set',
      (key) => bentoTiered.getOrSet({ key: fresh(key), factory: load, ttl: SHORT_TTL_MS }),
    ],
    ['dedupe', 'async-cache-dedupe, miss + set', (key) => dedupe.fresh(fresh(key))],
  ]);
  const miss = await alternate('micro:cache-miss', missContenders, settings, progress);

  // At each step the callers read distinct batches of consecutive keys.
  const batch = (c: number, i: number): string[] =>
    Array.from({ length: MANY }, (_, k) => keyOf((i * callers + c) * MANY + k));
  const manyOps = opsPerCaller(settings, FULL_OPS.many);
  const checkAll = (values: readonly unknown[]): void => {
    if (values.length !== MANY) throw new Error('@redis-infra/bench: getMany lost values');
    for (const value of values) check(value);
  };
  const many = (id: string, label: string, op: (keys: string[]) => Promise<readonly unknown[]>) =>
    ({
      id,
      label,
      run: () => opsPerSecond(callers, manyOps, (c, i) => op(batch(c, i)).then(checkAll)),
    }) satisfies Contender;
  const getMany = await alternate(
    'micro:cache-get-many',
    [
      many('raw', 'raw ioredis MGET + JSON.parse', async (keys) =>
        (await raw.mget(keys.map((key) => `raw:${key}`))).map((json) => JSON.parse(json ?? 'null')),
      ),
      many('ours', 'ours getMany, L2', (keys) => oursL2.getMany(keys)),
      many('bento', 'bentocache L2-only, parallel get', (keys) =>
        Promise.all(keys.map((key) => bentoL2.get({ key }))),
      ),
      many('dedupe', 'async-cache-dedupe, parallel calls', (keys) =>
        Promise.all(keys.map((key) => dedupe.item(key))),
      ),
    ],
    settings,
    progress,
  );

  return [
    suiteResult('micro:cache-l1', 'ops/s', l1, [
      {
        id: 'cache-l1-hit',
        title: 'Cache L1 hit: `getOrSet` vs bentocache tiered',
        subject: 'ours',
        baseline: 'bento',
        target: 20,
      },
      {
        id: 'cache-l1-hit-ceiling',
        title: 'Cache L1 hit: `getOrSet` vs an async no-op (the harness ceiling)',
        subject: 'ours',
        baseline: 'noop',
      },
      {
        id: 'cache-l1-hit-ref',
        title: 'Cache L1 hit: `getOrSet` vs bentocache tiered, L1 `serialize: false`',
        subject: 'ours',
        baseline: 'bento-ref',
      },
    ]),
    suiteResult('micro:cache-l2', 'ops/s', l2, [
      {
        id: 'cache-l2-hit-raw',
        title: 'Cache L2 hit: `getOrSet` vs raw ioredis GET + JSON.parse',
        subject: 'ours',
        baseline: 'raw',
        target: 0.85,
      },
      {
        id: 'cache-l2-hit-bento',
        title: 'Cache L2 hit: `getOrSet` vs bentocache L2-only',
        subject: 'ours',
        baseline: 'bento',
        target: 2.5,
      },
      {
        id: 'cache-l2-hit-dedupe',
        title: 'Cache L2 hit: `getOrSet` vs async-cache-dedupe (Redis)',
        subject: 'ours',
        baseline: 'dedupe',
      },
    ]),
    suiteResult('micro:cache-miss', 'ops/s', miss, [
      {
        id: 'cache-miss-raw',
        title: 'Cache miss + set: `getOrSet` vs raw GET + SET PX',
        subject: 'ours',
        baseline: 'raw',
      },
      {
        id: 'cache-miss-bento',
        title: 'Cache miss + set: `getOrSet` vs bentocache tiered',
        subject: 'ours',
        baseline: 'bento',
      },
      {
        id: 'cache-miss-dedupe',
        title: 'Cache miss + set: `getOrSet` vs async-cache-dedupe',
        subject: 'ours',
        baseline: 'dedupe',
      },
    ]),
    suiteResult('micro:cache-get-many', 'calls/s', getMany, [
      {
        id: 'cache-get-many-raw',
        title: `\`getMany\` of ${MANY} keys (L2) vs raw MGET + JSON.parse`,
        subject: 'ours',
        baseline: 'raw',
      },
      {
        id: 'cache-get-many-bento',
        title: `\`getMany\` of ${MANY} keys (L2) vs bentocache, ${MANY} parallel gets`,
        subject: 'ours',
        baseline: 'bento',
      },
      {
        id: 'cache-get-many-dedupe',
        title: `\`getMany\` of ${MANY} keys (L2) vs async-cache-dedupe, ${MANY} parallel calls`,
        subject: 'ours',
        baseline: 'dedupe',
      },
    ]),
  ];
}
