import { type CacheCore, FAILED, type Flight } from './core.js';
import { type CacheError, LoaderError, LoaderTimeoutError } from './errors.js';
import type { KeySpace } from './keys.js';
import type { L1Entry } from './l1.js';
import { Context } from './loader-context.js';
import { lockedLoad } from './lock.js';
import { trace } from './tracing.js';
import type { GetOrSetOptions, Loader } from './types.js';
import { type Prepared, prepare, write } from './write.js';

/** What a load needs to know; one object per miss, passed down the load path. */
export interface LoadRequest<T> {
  core: CacheCore;
  ns: KeySpace;
  key: string;
  /** The key in L1 (`KeySpace.l1Key`). */
  l1Key: string;
  redisKey: string;
  loader: Loader<T>;
  options: GetOrSetOptions;
}

/** A loader run: its result for the caller (with the timeout), and when it has settled and been stored. */
export interface LoaderRun<T> {
  result: Promise<T>;
  settled: Promise<unknown>;
}

/**
 * The miss path of `getOrSet` (L1 had no fresh value): joins a load of the same key already
 * running in this process, else starts one.
 */
export function load<T>(request: LoadRequest<T>): Promise<T> {
  const { core, redisKey } = request;
  const joined = core.flights.get(redisKey)?.promise;
  if (joined) {
    core.stats.deduped++;
    return joined as Promise<T>;
  }
  const promise = lookUp(request);
  const flight: Flight = { promise };
  core.flights.set(redisKey, flight);
  const landed = () => {
    flight.promise = undefined;
    core.flights.delete(redisKey);
  };
  promise.then(landed, landed);
  return promise;
}

/**
 * A stale L1 value within grace (served at once, refreshed in the background), then Redis
 * (fresh, or stale within grace), then the loader. The stale value never waits on Redis: on
 * a hung server that wait would be a whole command deadline.
 */
async function lookUp<T>(request: LoadRequest<T>): Promise<T> {
  const { core, ns, l1Key, redisKey } = request;
  const stale = core.l1.get(l1Key);
  if (core.usableStale(stale, Date.now())) {
    refresh(request, stale, true);
    return serveStale(request, stale) as T;
  }
  const found = await core.read(ns, redisKey);
  const fresh = core.keepFresh(l1Key, found);
  if (fresh !== undefined) {
    core.stats.l2Hits++;
    trace('getOrSet', ns.name, request.key, true, 'l2');
    return fresh.value as T;
  }
  if (found !== FAILED) {
    core.keepMissed(l1Key, found);
    if (found !== undefined) {
      refresh(request, found, false);
      return serveStale(request, found) as T;
    }
  }
  core.stats.misses++;
  trace('getOrSet', ns.name, request.key, false, 'loader');
  return loadFresh(request, undefined, false);
}

/** Counts and hands out a stale value. */
function serveStale<T>({ core, ns, key }: LoadRequest<T>, stale: L1Entry): unknown {
  core.stats.misses++;
  core.stats.staleServed++;
  trace('getOrSet', ns.name, key, true, 'stale');
  return core.out(stale);
}

/**
 * One background refresh per key while its stale value is served; failures keep the stale
 * value. With `readFirst`, Redis is asked first: another instance may have refreshed it.
 */
function refresh<T>(request: LoadRequest<T>, stale: L1Entry, readFirst: boolean): void {
  const { core, ns, l1Key, redisKey } = request;
  if (core.refreshing.has(redisKey)) return;
  core.refreshing.add(redisKey);
  const done = () => core.refreshing.delete(redisKey);
  const run = async () => {
    const found = readFirst ? await core.read(ns, redisKey) : undefined;
    if (core.keepFresh(l1Key, found) !== undefined) return;
    await loadFresh(request, stale.value as T, true);
  };
  run().then(done, done);
}

/** Runs the loader: under the cross-instance lease when asked for and Redis is up, else here. */
export function loadFresh<T>(
  request: LoadRequest<T>,
  stale: T | undefined,
  background: boolean,
): Promise<T> {
  const { distributedLock } = request.core.options;
  if (distributedLock && request.core.redis.available())
    return lockedLoad(request, distributedLock, stale, background);
  // A background refresh has no caller waiting: no timeout (it would end the refresh early).
  return callLoader(request, stale, background ? undefined : request.options.timeout).result;
}

/**
 * Calls the loader once and stores what it returns. Tags given up front have their versions
 * read before the loader starts, so that an invalidation while it runs makes its value
 * invalid. With a timeout, the caller gets `E_LOADER_TIMEOUT` when it passes; the loader
 * runs on and its value is still stored.
 */
export function callLoader<T>(
  request: LoadRequest<T>,
  stale: T | undefined,
  timeout: number | undefined,
): LoaderRun<T> {
  const { core, ns, key, loader, options } = request;
  const ctx = new Context<T>(
    key,
    stale,
    options.ttl ?? core.options.ttl,
    options.grace ?? core.options.grace,
    [...(options.tags ?? [])],
  );
  const settled = (async () => {
    const known = ctx.tags.length > 0 ? await readVersions(core, ns, ctx) : undefined;
    const epoch = core.tagEpoch;
    core.stats.loaderCalls++;
    let value: T;
    try {
      value = await loader(ctx);
    } catch (error) {
      core.stats.loaderErrors++;
      throw new LoaderError(key, error);
    }
    await store(request, ctx, value, known, epoch);
    return value;
  })();
  const result = timeout === undefined ? settled : withTimeout(core, key, settled, timeout);
  return { result, settled };
}

/** Versions of the tags known before the loader runs, by name; `undefined` when Redis cannot say. */
async function readVersions<T>(
  core: CacheCore,
  ns: KeySpace,
  ctx: Context<T>,
): Promise<Map<string, number> | undefined> {
  const tagKeys = ctx.tags.map((tag) => ns.tag(tag));
  const versions = await core.attempt(() => core.tags.forWrite(tagKeys, ctx.ttl + ctx.grace));
  if (versions === FAILED) return undefined;
  return new Map(ctx.tags.map((tag, i) => [tag, versions[i] as number]));
}

/** Stores a loaded value as its context says; problems with the value are reported, not thrown. */
async function store<T>(
  { core, ns }: LoadRequest<T>,
  ctx: Context<T>,
  value: T,
  known: ReadonlyMap<string, number> | undefined,
  epoch: number,
): Promise<void> {
  if (ctx.skipped || value === undefined || core.closed) return;
  // Tags the loader added had no version read before it ran: if any tag was invalidated
  // meanwhile, the value may predate it, so it is not cached.
  if (core.tagEpoch !== epoch && ctx.tags.some((tag) => !known?.has(tag))) return;
  let prepared: Prepared;
  try {
    prepared = prepare(core, ns, ctx.key, value, {
      ttl: ctx.isNegative ? core.options.negativeTtl : ctx.ttl,
      grace: ctx.grace,
      tags: ctx.tags,
      known,
    });
  } catch (error) {
    core.report(error as CacheError);
    return;
  }
  await write(core, ns, [prepared]);
}

/** `promise`, or `E_LOADER_TIMEOUT` after `ms` (the promise runs on). */
function withTimeout<T>(core: CacheCore, key: string, promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      core.stats.loaderTimeouts++;
      reject(new LoaderTimeoutError(key, ms));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
