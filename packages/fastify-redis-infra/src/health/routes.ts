import type { RedisManager } from '@redis-infra/redis-manager';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { type Exposure, type HealthCheck, type HealthReport, healthReport } from './report.js';

/** Options of the health routes. */
export interface HealthOptions {
  /** Path prefix of the routes: `{prefix}/health`, `/health/live`, `/health/ready`. @default '' */
  prefix?: string;
  /** `minimal`: status per role only. `full`: latency, pools, breaker, reconnects, success rates. @default 'minimal' */
  expose?: Exposure;
  /** Hooks run before each health route (an auth guard, say). @default none */
  onRequest?: onRequestHookHandler | onRequestHookHandler[];
}

const TYPE = 'application/health+json';

/**
 * Adds `{prefix}/health` (the report: 200 for pass and warn, 503 for fail),
 * `{prefix}/health/live` (the process answers; never fails because of Redis) and
 * `{prefix}/health/ready` (503 while a role is down and the fallback is off). All read
 * cached state: a health request never waits on Redis. They are not rate limited.
 */
export function addHealthRoutes(
  fastify: FastifyInstance,
  manager: RedisManager,
  options: HealthOptions,
  extraChecks: () => Record<string, HealthCheck>,
): void {
  const prefix = options.prefix ?? '';
  const expose = options.expose ?? 'minimal';
  const common = {
    config: { rateLimit: false as const },
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
  };
  const send = (report: HealthReport) => ({ code: report.status === 'fail' ? 503 : 200, report });

  fastify.get(`${prefix}/health`, common, async (_request, reply) => {
    const { code, report } = send(healthReport(manager, expose, extraChecks()));
    return reply.code(code).type(TYPE).send(report);
  });
  fastify.get(`${prefix}/health/live`, common, async (_request, reply) =>
    reply.type(TYPE).send({ status: 'pass' }),
  );
  fastify.get(`${prefix}/health/ready`, common, async (_request, reply) => {
    const { code, report } = send(healthReport(manager, 'minimal'));
    return reply.code(code).type(TYPE).send({ status: report.status });
  });
}
