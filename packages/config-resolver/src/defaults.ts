/** Every default the resolver applies; the README table shows the same values. */
export const DEFAULTS = Object.freeze({
  /** Environment when nothing names one. */
  environment: 'development',
  /** Host when no endpoint is configured. */
  host: 'localhost',
  /** Redis port. */
  port: 6379,
  /** Sentinel port when a `REDIS_SENTINELS` entry has none. */
  sentinelPort: 26379,
  /** Database number. */
  db: 0,
  /** Sentinel master name. */
  sentinelName: 'mymaster',
  /** Verify server certificates. */
  tlsRejectUnauthorized: true,
  /** One auto-pipelined connection per role. */
  poolSize: 1,
  /** Connect deadline in ms. */
  connectTimeoutMs: 5000,
  /** Per-command deadline in ms. */
  commandTimeoutMs: 1000,
  /** Do not retry timed-out commands (they may not be idempotent). */
  retryOnTimeout: false,
  /** Health probe interval in ms. */
  healthCheckIntervalMs: 10_000,
  /** No key prefix. */
  keyPrefix: '',
  /** `memory` in development/test, `off` in staging/production. */
  fallback: 'auto',
  /** Deadline for one DNS lookup during hostname checks, in ms. */
  lookupTimeoutMs: 1000,
} as const);
