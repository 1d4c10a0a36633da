import type { RedisManager, RoleHealth, RoleStatus } from '@redis-infra/redis-manager';

/** `pass`, `warn` or `fail`, as the IETF health-check draft names them. */
export type HealthStatus = 'pass' | 'warn' | 'fail';

/** How much a health response shows. */
export type Exposure = 'minimal' | 'full';

/** One entry of `checks` (application/health+json). */
export interface HealthCheck {
  componentType: 'datastore' | 'component';
  status: HealthStatus;
  time: string;
  observedValue?: number | null;
  observedUnit?: 'ms';
  output?: string;
  [detail: string]: unknown;
}

/** An application/health+json body. */
export interface HealthReport {
  status: HealthStatus;
  checks: Record<string, HealthCheck[]>;
}

const STATUS: Record<RoleStatus, HealthStatus> = {
  up: 'pass',
  degraded: 'warn',
  fallback: 'warn',
  connecting: 'warn',
  down: 'fail',
  closed: 'fail',
};

/** The worst of some statuses. */
export function worst(statuses: Iterable<HealthStatus>): HealthStatus {
  let result: HealthStatus = 'pass';
  for (const status of statuses) {
    if (status === 'fail') return 'fail';
    if (status === 'warn') result = 'warn';
  }
  return result;
}

function roleCheck(health: RoleHealth, expose: Exposure, time: string): HealthCheck {
  const status = STATUS[health.status];
  const check: HealthCheck = { componentType: 'datastore', status, time };
  if (expose === 'minimal') return check;
  Object.assign(check, {
    observedValue: health.latencyMs,
    observedUnit: 'ms',
    state: health.status,
    mode: health.mode,
    endpoint: health.endpoint,
    pool: health.pool,
    breaker: health.breaker,
    reconnects: health.reconnects,
    successRate: Math.round(health.successRate * 10_000) / 10_000,
    server: health.server,
    lastError: health.lastError,
    ...(health.cluster ? { cluster: health.cluster } : {}),
  });
  if (status !== 'pass')
    check.output = [health.status, health.lastError?.message].filter(Boolean).join(': ');
  return check;
}

/**
 * The health report from the manager's cached state (never waits on Redis): one
 * `redis:<role>` check per role, plus the plugin's own checks (rate-limit insurance).
 */
export function healthReport(
  manager: RedisManager,
  expose: Exposure,
  extra: Record<string, HealthCheck> = {},
): HealthReport {
  const time = new Date().toISOString();
  const checks: Record<string, HealthCheck[]> = {};
  for (const [role, health] of Object.entries(manager.health())) {
    checks[`redis:${role}`] = [roleCheck(health, expose, time)];
  }
  for (const [name, check] of Object.entries(extra)) checks[name] = [check];
  return {
    status: worst(Object.values(checks).map(([check]) => (check as HealthCheck).status)),
    checks,
  };
}
