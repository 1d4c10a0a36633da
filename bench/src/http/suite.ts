import type { Owner } from '@redis-infra/testing';
import { alternate, type Contender, type Progress } from '../compare.js';
import { type SuiteResult, suiteResult } from '../rows.js';
import type { Settings } from '../settings.js';
import type { AppKind, Target } from './apps.js';
import { startApp } from './child.js';
import { requestsPerSecond } from './load.js';

/**
 * HTTP at `settings.connections` connections (autocannon in this process, each app in its
 * own child process): a bare Fastify route, the suite's rate-limited route (fixed and sliding
 * window) and health route, and the same route limited by `@fastify/rate-limit`'s own Redis
 * store (with the client of its example, and with auto-pipelining).
 */
export async function httpSuite(
  owner: Owner,
  target: Target,
  settings: Settings,
  progress: Progress,
): Promise<SuiteResult> {
  const kinds: AppKind[] = ['bare', 'ours', 'frl-redis', 'frl-redis-ap'];
  // The cached route is compared with the bare one, which has a process to itself: so has
  // it (another `ours` app), rather than sharing one with the Redis-bound rounds' garbage.
  const [cachedApp, ...apps] = await Promise.all(
    ['ours' as const, ...kinds].map((kind) => startApp(owner, kind, target)),
  );
  const urlOf = (kind: AppKind, path: string): string =>
    `${apps.find((app) => app.kind === kind)?.url}${path}`;

  const contender = (id: string, label: string, url: string) =>
    ({
      id,
      label,
      run: (warmup) =>
        requestsPerSecond({
          url,
          connections: settings.connections,
          seconds: warmup ? settings.httpWarmupSeconds : settings.httpSeconds,
        }),
    }) satisfies Contender;

  const measured = await alternate(
    'http',
    [
      contender('bare', 'bare Fastify route', urlOf('bare', '/')),
      contender('ours-fixed', 'fastify-redis-infra, fixed window', urlOf('ours', '/')),
      contender('frl-redis', '@fastify/rate-limit Redis store', urlOf('frl-redis', '/')),
      contender('ours-sliding', 'fastify-redis-infra, sliding window', urlOf('ours', '/sliding')),
      contender(
        'frl-redis-ap',
        '@fastify/rate-limit Redis store, auto-pipelined client',
        urlOf('frl-redis-ap', '/'),
      ),
      contender('health', 'fastify-redis-infra `/health`', urlOf('ours', '/health')),
      contender(
        'cached',
        'fastify-redis-infra `config.cache` route (L1 hit)',
        `${cachedApp?.url}/cached`,
      ),
    ],
    { warmups: settings.warmups, rounds: settings.httpRounds },
    progress,
  );

  return suiteResult('http', 'req/s', measured, [
    {
      id: 'http-rate-limit-fixed',
      title: 'Rate-limited route (fixed window) vs `@fastify/rate-limit` Redis store',
      subject: 'ours-fixed',
      baseline: 'frl-redis',
      target: 1.1,
    },
    {
      id: 'http-rate-limit-sliding',
      title: 'Rate-limited route (sliding window) vs `@fastify/rate-limit` Redis store',
      subject: 'ours-sliding',
      baseline: 'frl-redis',
    },
    {
      id: 'http-rate-limit-ap',
      title: 'Rate-limited route (fixed window) vs `@fastify/rate-limit`, auto-pipelined client',
      subject: 'ours-fixed',
      baseline: 'frl-redis-ap',
    },
    {
      id: 'http-rate-limit-cost',
      title: 'Rate-limited route (fixed window) vs bare route',
      subject: 'ours-fixed',
      baseline: 'bare',
    },
    {
      id: 'http-health',
      title: '`/health` vs bare route',
      subject: 'health',
      baseline: 'bare',
    },
    {
      id: 'http-cached-route',
      title: 'Cached route (L1 hit) vs bare route returning the same JSON',
      subject: 'cached',
      baseline: 'bare',
      target: 0.9,
    },
  ]);
}
