import { FAILED } from './core.js';
import { CacheClosedError, LoaderTimeoutError } from './errors.js';
import { callLoader, type LoadRequest } from './load.js';
import { LEASE_RELEASE, LEASE_RENEW } from './scripts.js';
import type { LockOptions } from './types.js';

let leases = 0;

/**
 * A load that runs the loader once across every instance. The first to take the key's
 * lease in Redis (`SET NX PX`, an owner token) runs it, renewing the lease while it runs,
 * and releases it (compare-and-delete) once the value is stored. The others wait for the
 * value, woken by the bus or every `pollMs`, and try the lease again each time: when its
 * holder dies, the lease expires and one of them takes over. A background refresh that
 * does not get the lease leaves the refresh to its holder. Redis failing: the loader runs here.
 */
export async function lockedLoad<T>(
  request: LoadRequest<T>,
  lock: Required<LockOptions>,
  stale: T | undefined,
  background: boolean,
): Promise<T> {
  const { core, ns, key, l1Key, redisKey, options } = request;
  const lockKey = ns.lock(key);
  const token = `${core.id}:${++leases}`;
  const deadline =
    options.timeout === undefined || background ? undefined : Date.now() + options.timeout;
  for (;;) {
    if (core.closed) throw new CacheClosedError();
    const taken = await core.attempt(() => core.redis.acquire(lockKey, token, lock.leaseMs));
    if (taken === FAILED) return callLoader(request, stale, left(deadline)).result;
    if (taken) return lead(request, lock, lockKey, token, stale, deadline);
    if (background) return stale as T;
    const wait = Math.min(lock.pollMs, left(deadline) ?? lock.pollMs);
    if (wait <= 0) {
      core.stats.loaderTimeouts++;
      throw new LoaderTimeoutError(key, options.timeout as number);
    }
    await wake(request, wait);
    const found = await core.read(ns, redisKey);
    if (found === FAILED) return callLoader(request, stale, left(deadline)).result;
    const fresh = core.keepFresh(l1Key, found);
    if (fresh !== undefined) return fresh.value as T;
  }
}

/** Holds the lease: checks once more for a value stored just before, else runs the loader. */
async function lead<T>(
  request: LoadRequest<T>,
  lock: Required<LockOptions>,
  lockKey: string,
  token: string,
  stale: T | undefined,
  deadline: number | undefined,
): Promise<T> {
  const { core, ns, l1Key, redisKey } = request;
  const release = () => core.quietly(() => core.redis.script(LEASE_RELEASE, lockKey, token));
  const fresh = core.keepFresh(l1Key, await core.read(ns, redisKey));
  if (fresh !== undefined) {
    release();
    return fresh.value as T;
  }
  const renewal = setInterval(
    () => core.quietly(() => core.redis.script(LEASE_RENEW, lockKey, token, lock.leaseMs)),
    Math.floor(lock.leaseMs / 3),
  );
  renewal.unref();
  core.renewals.add(renewal);
  const run = callLoader(request, stale, left(deadline));
  const done = () => {
    clearInterval(renewal);
    core.renewals.delete(renewal);
    release();
  };
  run.settled.then(done, done);
  return run.result;
}

/** Milliseconds left until `deadline`, or `undefined` without one. */
function left(deadline: number | undefined): number | undefined {
  return deadline === undefined ? undefined : deadline - Date.now();
}

/** Resolves after `ms`, or sooner when the bus says the key was written. */
function wake<T>({ core, redisKey }: LoadRequest<T>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const waiting = core.waiters.get(redisKey) ?? new Set<() => void>();
    core.waiters.set(redisKey, waiting);
    const done = () => {
      clearTimeout(timer);
      waiting.delete(done);
      if (waiting.size === 0) core.waiters.delete(redisKey);
      resolve();
    };
    const timer = setTimeout(done, ms);
    waiting.add(done);
  });
}
