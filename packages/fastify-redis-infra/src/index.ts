export { AlreadyRegisteredError, RedisInfraPluginError } from './errors.js';
export type { Exposure, HealthCheck, HealthReport, HealthStatus } from './health/report.js';
export type { HealthOptions } from './health/routes.js';
export type { CacheSettings, RateLimitOptions, RedisInfraOptions } from './options.js';
export { redisInfra, redisInfra as default } from './plugin.js';
export type { Algorithm } from './rate-limit/store.js';
export type { RouteCacheConfig } from './route-cache.js';
