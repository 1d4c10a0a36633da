import fastifyRateLimit from '@fastify/rate-limit';
import fastifyRedis from '@fastify/redis';
import Fastify, { type FastifyInstance } from 'fastify';
import { redisInfra } from 'fastify-redis-infra';

/** The apps the HTTP and outage suites load, each in its own process. */
export const APP_KINDS = ['bare', 'ours', 'frl-redis', 'frl-redis-ap', 'frl-redis-skip'] as const;
/** One of {@link APP_KINDS}. */
export type AppKind = (typeof APP_KINDS)[number];

/** Where the apps' Redis listens. */
export interface Target {
  host: string;
  port: number;
}

/** What every route answers: a small JSON body. */
const BODY = { hello: 'world', n: 42 };
/** High enough that no request is ever rejected: every request is a full count. */
const MAX = 1_000_000_000;
const WINDOW_MS = 60_000;

/** Builds the app of `kind` (not listening yet). Every app logs nothing. */
export async function buildApp(kind: AppKind, target: Target): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  switch (kind) {
    case 'bare':
      break;
    case 'ours':
      // The suite as an app uses it: config from env + options, defaults everywhere else.
      // `/` counts fixed-window (the default), `/sliding` sliding-window, `/cached` is a
      // route cached whole, `/cached-short` one that keeps going back to Redis (the outage
      // suite's), `/health` is the plugin's health route (never rate limited).
      await app.register(redisInfra, {
        env: { ENVIRONMENT: 'production' },
        config: { host: target.host, port: target.port },
        rateLimit: { max: MAX, timeWindow: WINDOW_MS },
      });
      app.get(
        '/sliding',
        { config: { rateLimit: { max: MAX, timeWindow: WINDOW_MS, algorithm: 'sliding-window' } } },
        async () => BODY,
      );
      // The same body served whole from the cache (an L1 hit after the first request), not
      // rate limited, like the bare route it is compared with.
      app.get(
        '/cached',
        { config: { rateLimit: false, cache: { ttl: 600_000 } } },
        async () => BODY,
      );
      // Fresh for 1 s, then served stale (up to 60 s) while one refresh runs: the entry is
      // refreshed, written to Redis and read back all the time, also during an outage.
      app.get(
        '/cached-short',
        { config: { rateLimit: false, cache: { ttl: 1_000, grace: 60_000 } } },
        async () => BODY,
      );
      break;
    case 'frl-redis':
    case 'frl-redis-ap':
    case 'frl-redis-skip':
      // The peers' way: @fastify/redis for the client, @fastify/rate-limit's own Redis store
      // on it, with the client options of @fastify/rate-limit's example.js
      // (example-auto-pipeline.mjs adds enableAutoPipelining). `skipOnError` is off by
      // default (a failing store answers 500); `frl-redis-skip` turns it on.
      await app.register(fastifyRedis, {
        host: target.host,
        port: target.port,
        connectTimeout: 500,
        maxRetriesPerRequest: 1,
        ...(kind === 'frl-redis-ap' ? { enableAutoPipelining: true } : {}),
      });
      await app.register(fastifyRateLimit, {
        max: MAX,
        timeWindow: WINDOW_MS,
        redis: app.redis,
        ...(kind === 'frl-redis-skip' ? { skipOnError: true } : {}),
      });
      break;
  }
  app.get('/', async () => BODY);
  return app;
}
