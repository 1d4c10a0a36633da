import { CacheOptionsError } from './errors.js';
import { jsonSerializer } from './serializer.js';
import type { CacheOptions, ResolvedOptions } from './types.js';

/** Every default of `createCache`, in one place (the README's table matches it). */
export const DEFAULTS = Object.freeze({
  role: 'cache',
  namespace: 'cache',
  grace: 0,
  jitter: 0.1,
  negativeTtl: 5_000,
  maxEntries: 10_000,
  maxBytes: 64 * 1024 * 1024,
  clone: false,
  maxValueBytes: 1024 * 1024,
  readBatch: 100,
  leaseMs: 5_000,
  pollMs: 50,
  heartbeatMs: 5_000,
  suppressL2Errors: true,
});

/** Collects problems instead of throwing at the first. */
class Checker {
  readonly problems: string[] = [];

  /** A number `>= min` (`> min` when `exclusive`), or the default when unset. */
  number(name: string, value: unknown, fallback: number, min: number, exclusive = false): number {
    if (value === undefined) return fallback;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (exclusive ? value <= min : value < min)
    ) {
      this.problems.push(`${name} must be a finite number ${exclusive ? '>' : '>='} ${min}`);
      return fallback;
    }
    return value;
  }

  /** An integer `>= min` (a count: lru-cache and DataLoader take no fractions), or the default when unset. */
  integer(name: string, value: unknown, fallback: number, min: number): number {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || (value as number) < min) {
      this.problems.push(`${name} must be an integer >= ${min}`);
      return fallback;
    }
    return value as number;
  }
}

/** Checks `options` and fills in the defaults; throws `CacheOptionsError` listing every problem. */
export function resolveOptions(options: CacheOptions): ResolvedOptions {
  const check = new Checker();
  const { manager } = options;
  if (typeof manager?.client !== 'function') check.problems.push('manager must be a RedisManager');
  const ttl = check.number('ttl', options.ttl, 1, 0, true);
  if (options.ttl === undefined) check.problems.push('ttl is required (milliseconds)');
  const role = options.role ?? DEFAULTS.role;
  const namespace = options.namespace ?? DEFAULTS.namespace;
  const namespaceProblem = checkNamespace(namespace);
  if (namespaceProblem) check.problems.push(namespaceProblem);
  const jitter = check.number('jitter', options.jitter, DEFAULTS.jitter, 0);
  if (jitter > 1) check.problems.push('jitter must be at most 1');
  const l1 = options.l1 ?? {};
  const lock = options.distributedLock;
  const lockOptions = typeof lock === 'object' ? lock : {};
  const bus = options.bus ?? true;
  const busOptions = typeof bus === 'object' ? bus : {};
  const serializer = options.serializer ?? jsonSerializer;
  if (typeof serializer.serialize !== 'function' || typeof serializer.deserialize !== 'function')
    check.problems.push('serializer must have serialize() and deserialize()');
  const resolved: ResolvedOptions = {
    manager,
    role,
    namespace,
    ttl,
    grace: check.number('grace', options.grace, DEFAULTS.grace, 0),
    jitter,
    negativeTtl: check.number('negativeTtl', options.negativeTtl, DEFAULTS.negativeTtl, 0, true),
    l1: {
      maxEntries: check.integer('l1.maxEntries', l1.maxEntries, DEFAULTS.maxEntries, 0),
      maxBytes: check.number('l1.maxBytes', l1.maxBytes, DEFAULTS.maxBytes, 1),
      clone: l1.clone ?? DEFAULTS.clone,
    },
    serializer,
    maxValueBytes: check.number('maxValueBytes', options.maxValueBytes, DEFAULTS.maxValueBytes, 1),
    readBatch: check.integer('readBatch', options.readBatch, DEFAULTS.readBatch, 1),
    distributedLock: lock
      ? {
          leaseMs: check.number(
            'distributedLock.leaseMs',
            lockOptions.leaseMs,
            DEFAULTS.leaseMs,
            3,
          ),
          pollMs: check.number('distributedLock.pollMs', lockOptions.pollMs, DEFAULTS.pollMs, 1),
        }
      : undefined,
    bus: bus
      ? {
          heartbeatMs: check.number(
            'bus.heartbeatMs',
            busOptions.heartbeatMs,
            DEFAULTS.heartbeatMs,
            0,
          ),
        }
      : undefined,
    suppressL2Errors: options.suppressL2Errors ?? DEFAULTS.suppressL2Errors,
    onError: options.onError,
  };
  if (manager && typeof manager.client === 'function' && !manager.roles.includes(role))
    check.problems.push(
      `role "${role}" is not a role of the manager (${manager.roles.join(', ')})`,
    );
  if (check.problems.length > 0) throw new CacheOptionsError(check.problems);
  return resolved;
}

/** Why `name` cannot be a namespace, or `undefined` when it can. */
export function checkNamespace(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'namespace must be a non-empty string';
  if (name.startsWith('#')) return `namespace "${name}" must not start with "#" (reserved)`;
  return undefined;
}

/** `ms` spread by ±`jitter` (a fraction), rounded, at least 1. */
export function jittered(ms: number, jitter: number): number {
  if (jitter === 0) return Math.max(1, Math.round(ms));
  return Math.max(1, Math.round(ms * (1 + jitter * (2 * Math.random() - 1))));
}
