import { createScope, type Owner, startRedis } from '@redis-infra/testing';
import type { Progress } from './compare.js';
import { environment, loadNow } from './environment.js';
import { httpSuite } from './http/suite.js';
import { type MemoryResult, memorySuite } from './memory/suite.js';
import { cacheSuites } from './micro/cache.js';
import type { Target } from './micro/clients.js';
import { getSuite } from './micro/get.js';
import { rateLimitSuite } from './micro/rate-limit.js';
import { type OutageResult, outageSuite } from './outage/suite.js';
import type { BenchResult } from './report.js';
import type { SuiteResult } from './rows.js';
import type { Settings } from './settings.js';

/** What a suite adds to the report: ratio rows, outage runs, memory fills. */
interface Findings {
  suites?: SuiteResult[];
  outage?: OutageResult[];
  memory?: MemoryResult[];
}

/** A suite: builds its contenders on `owner`, against the bench's Redis, and measures them. */
type Suite = (
  owner: Owner,
  target: Target,
  settings: Settings,
  progress: Progress,
) => Promise<Findings>;

/** A suite of ratio rows. */
const ratios =
  (suite: (...args: Parameters<Suite>) => Promise<SuiteResult | SuiteResult[]>): Suite =>
  async (...args) => ({ suites: [await suite(...args)].flat() });

/** Every suite, by the name `--only` takes, in the order they run. */
export const SUITES: Readonly<Record<string, Suite>> = {
  get: ratios(getSuite),
  'rate-limit': ratios(rateLimitSuite),
  cache: ratios(cacheSuites),
  http: ratios(httpSuite),
  outage: outageSuite,
  memory: memorySuite,
};

/**
 * Starts a Redis of its own (a free port, never the machine's 6379), runs every suite
 * against it one after the other, and stops everything it started — clients, managers,
 * app processes, the server — also when a contender throws (the error is rethrown). The
 * outage suite kills and restarts a Redis of its own, never this one.
 */
export async function runBench(
  settings: Settings,
  progress: Progress,
  only: readonly string[] = Object.keys(SUITES),
): Promise<BenchResult> {
  const env = await environment();
  const suites: SuiteResult[] = [];
  const outage: OutageResult[] = [];
  const memory: MemoryResult[] = [];
  const scope = createScope();
  try {
    const redis = await startRedis(scope);
    const target = { host: redis.host, port: redis.port };
    progress(`redis-server on ${target.host}:${target.port}`);
    for (const [name, suite] of Object.entries(SUITES)) {
      if (!only.includes(name)) continue;
      // Each suite owns its clients and processes; they are gone before the next one starts.
      const owner = createScope();
      try {
        const found = await suite(owner, target, settings, progress);
        suites.push(...(found.suites ?? []));
        outage.push(...(found.outage ?? []));
        memory.push(...(found.memory ?? []));
      } finally {
        await owner.close();
      }
      await redis.call('FLUSHALL');
    }
  } finally {
    await scope.close();
  }
  return {
    environment: { ...env, loadAtEnd: loadNow() },
    settings,
    suites,
    outage,
    memory,
    skipped: [],
  };
}
