import type { Owner } from '@redis-infra/testing';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { type RedisInfraOptions, redisInfra } from 'fastify-redis-infra';
import { captureLogs, type LogCapture } from './logs.js';
import { scan } from './secrets.js';

/** Where an app's Redis is: a `RedisServer['connection']`, a proxy, or a topology's config. */
export interface Target {
  host: string;
  port: number;
  password?: string | undefined;
}

/** Options of `startApp`. */
export interface AppOptions {
  /** Plugin options; `config` is merged over the target and the suite's short timeouts. @default {} */
  plugin?: RedisInfraOptions;
  /** Environment to resolve from. @default { ENVIRONMENT: 'production' } */
  env?: Record<string, string>;
  /** Fastify options (`trustProxy`, ...); the logger is always the capture. @default {} */
  fastify?: Omit<FastifyServerOptions, 'logger'>;
  /** Routes to add before `ready()`. @default the suite's `/limited` and `/cached` routes */
  routes?: (app: FastifyInstance) => void;
}

/** An app under test, listening on 127.0.0.1. */
export interface RunningApp {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  logs: LogCapture;
  /** How many times the `/cached` route's handler ran. */
  loads(): number;
}

/** Command timeout of every app of the suite: fault assertions are "no request past this + 100 ms". */
export const COMMAND_TIMEOUT_MS = 300;
/** The apps' breaker cooldown: how long an open breaker waits before its probe. */
export const BREAKER_COOLDOWN_MS = 200;

/**
 * A Fastify app with the plugin on `target`, listening on a free port, closed when `owner`
 * ends. Its pino output (debug level) is captured and scanned for secrets. Without `routes`
 * it serves `/limited` (rate limited, a high limit) and `/cached` (`config.cache`, short TTL,
 * long grace) — the two routes the fault scenarios load.
 */
export async function startApp(
  owner: Owner,
  target: Target | undefined,
  options: AppOptions = {},
): Promise<RunningApp> {
  const logs = captureLogs();
  scan(logs.text);
  const app = Fastify({ ...options.fastify, logger: { level: 'debug', stream: logs.stream } });
  owner.teardown(() => app.close());
  const { plugin = {} } = options;
  await app.register(redisInfra, {
    env: options.env ?? { ENVIRONMENT: 'production' },
    rateLimit: { max: 1_000_000, timeWindow: 60_000 },
    cache: { ttl: 200, grace: 60_000 },
    ...plugin,
    config: {
      ...(target ? { host: target.host, port: target.port } : {}),
      ...(target?.password ? { password: target.password } : {}),
      connectTimeoutMs: 1_000,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      healthCheckIntervalMs: 0,
      ...plugin.config,
    },
    manager: {
      reconnect: { baseMs: 20, maxMs: 200 },
      breaker: { cooldownMs: BREAKER_COOLDOWN_MS },
      ...plugin.manager,
    },
  });
  let loads = 0;
  if (options.routes) options.routes(app);
  else {
    app.get('/limited', async () => ({ ok: true }));
    app.get('/cached', { config: { cache: { key: () => 'cached' } } }, async () => ({
      loads: ++loads,
    }));
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, logs, loads: () => loads };
}
