import { createScope, type Owner, startRedis } from '@redis-infra/testing';
import type { Progress } from './compare.js';
import { environment, loadNow } from './environment.js';
import { httpSuite } from './http/suite.js';
import { cacheSuites } from './micro/cache.js';
import type { Target } from './micro/clients.js';
import { getSuite } from './micro/get.js';
import { rateLimitSuite } from './micro/rate-limit.js';
import type { BenchResult } from './report.js';
import type { SuiteResult } from './rows.js';
import type { Settings } from './settings.js';

/** A suite: builds its contenders on `owner`, against the bench's Redis, and measures them. */
type Suite = (
  owner: Owner,
  target: Target,
  settings: Settings,
  progress: Progress,
) => Promise<SuiteResult | SuiteResult[]>;

/** Every suite, by the name `--only` takes, in the order they run. */
export const SUITES: Readonly<Record<string, Suite>> = {
  get: getSuite,
  'rate-limit': rateLimitSuite,
  cache: cacheSuites,
  http: httpSuite,
};

/**
 * Starts a Redis of its own (a free port, never the machine's 6379), runs every suite
 * against it one after the other, and stops everything it started — clients, managers,
 * app processes, the server — also when a contender throws (the error is rethrown).
 */
export async function runBench(
  settings: Settings,
  progress: Progress,
  only: readonly string[] = Object.keys(SUITES),
): Promise<BenchResult> {
  const env = await environment();
  const suites: SuiteResult[] = [];
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
        suites.push(...[await suite(owner, target, settings, progress)].flat());
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
    skipped: [],
  };
}
