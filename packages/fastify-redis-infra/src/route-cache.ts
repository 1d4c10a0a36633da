import { createHash, randomUUID } from 'node:crypto';
import type { Cache, GetOrSetOptions } from '@redis-infra/cache';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { RedisInfraPluginError } from './errors.js';

/** `config.cache` of a GET route: its whole response is served from `fastify.cache`. */
export interface RouteCacheConfig {
  /** Freshness, in ms. @default the cache's `ttl` */
  ttl?: number;
  /** How long after expiry the stale response is still served while one refresh runs, in ms. @default the cache's `grace` */
  grace?: number;
  /** Tags for `fastify.cache.invalidateTags`, or a function of the request. @default [] */
  tags?: readonly string[] | ((request: FastifyRequest) => readonly string[]);
  /** The cache key. @default method + URL (with its query string) */
  key?: (request: FastifyRequest) => string;
}

/** A response as it is kept in the cache. */
interface CachedResponse {
  headers: Record<string, string>;
  payload: string;
  etag: string;
  freshUntil: number;
}

/** A response the route gave that is not cached (not a 200): passed on as it is. */
interface Passed {
  passed: { statusCode: number; headers: Record<string, string>; payload: string };
}

/** Response headers worth keeping with the payload (not the rate limiter's, not hop-by-hop). */
const KEPT_HEADERS = ['content-type', 'cache-control', 'content-language', 'vary', 'last-modified'];

/** Kept headers that a 304 repeats. */
const NOT_MODIFIED_HEADERS = ['cache-control', 'vary'];

function keptHeaders(headers: Record<string, unknown>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS)
    if (headers[name] !== undefined) kept[name] = String(headers[name]);
  return kept;
}

/** A strong ETag of the payload. */
function etagOf(payload: string): string {
  return `"${createHash('sha1').update(payload).digest('base64url')}"`;
}

/** Whether `If-None-Match` names `etag` (or `*`). */
function notModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  return (
    header !== undefined &&
    (header.trim() === '*' || header.split(',').some((tag) => tag.trim() === etag))
  );
}

/**
 * Answers from a kept response: `x-cache: <state>`, `ETag`, then 304 to a matching
 * `If-None-Match` (sent here) or the payload (returned, for Fastify to send: a returned
 * `reply` would be awaited as a thenable).
 */
function respond(
  request: FastifyRequest,
  reply: FastifyReply,
  entry: CachedResponse,
  state: 'HIT' | 'MISS' | 'STALE',
): string | undefined {
  reply.header('x-cache', state).header('etag', entry.etag);
  if (notModified(request, entry.etag)) {
    // RFC 9110 §15.4.5: a 304 carries the Cache-Control and Vary the 200 would have.
    for (const name of NOT_MODIFIED_HEADERS) {
      const value = entry.headers[name];
      if (value !== undefined) reply.header(name, value);
    }
    reply.code(304).send();
    return undefined;
  }
  reply.headers(entry.headers);
  return entry.payload;
}

/**
 * Serves GET routes that have `config.cache` from `cache`, in place of their handler: every
 * hook of the route (auth guards in onRequest or preHandler, validation, the rate limiter)
 * runs first, hits included. The route itself is the loader (re-run through
 * `fastify.inject`, marked so that it goes straight to the real handler): a miss, a refresh
 * within grace and a cross-instance lease all go through `getOrSet`, so a cached route gets
 * the cache's stampede protection and stale serving. Adds `x-cache: HIT | MISS | STALE` and a
 * strong `ETag`, and answers 304 to a matching `If-None-Match`. Only 200 responses are kept.
 */
export function addRouteCache(fastify: FastifyInstance, cache: Cache): void {
  const refreshHeader = 'x-redis-infra-refresh';
  const refreshToken = randomUUID(); // only this process can bypass the cache

  const load = async (request: FastifyRequest): Promise<CachedResponse | Passed> => {
    const response = await fastify.inject({
      method: 'GET',
      url: request.url,
      headers: { ...request.headers, [refreshHeader]: refreshToken },
    });
    const headers = keptHeaders(response.headers);
    if (response.statusCode !== 200)
      return { passed: { statusCode: response.statusCode, headers, payload: response.body } };
    return { headers, payload: response.body, etag: etagOf(response.body), freshUntil: 0 };
  };

  /** Wraps a route's handler: after every hook (auth, validation, rate limiting) has run. */
  const wrap = (config: RouteCacheConfig, handler: RouteHandlerMethod): RouteHandlerMethod => {
    const options: GetOrSetOptions = {
      ...(config.ttl === undefined ? {} : { ttl: config.ttl }),
      ...(config.grace === undefined ? {} : { grace: config.grace }),
    };
    const { tags = [] } = config;
    // Built once, unless the tags depend on the request.
    const fixed: GetOrSetOptions = { ...options, tags: typeof tags === 'function' ? [] : tags };
    const optionsFor =
      typeof tags === 'function'
        ? (request: FastifyRequest): GetOrSetOptions => ({ ...options, tags: tags(request) })
        : () => fixed;

    /** Anything but a fresh L1 hit: through `getOrSet`, which loads, refreshes or serves stale. */
    const miss = async (request: FastifyRequest, reply: FastifyReply, key: string) => {
      let loaded = false;
      const entry = await cache.getOrSet<CachedResponse | Passed>(
        key,
        async (ctx) => {
          loaded = true;
          const response = await load(request);
          if ('passed' in response) ctx.skip();
          else response.freshUntil = Date.now() + ctx.ttl;
          return response;
        },
        optionsFor(request),
      );
      if (!('passed' in entry)) {
        // STALE first: the refresh of a stale entry runs this request's loader too.
        const state = entry.freshUntil < Date.now() ? 'STALE' : loaded ? 'MISS' : 'HIT';
        return respond(request, reply, entry, state);
      }
      reply.code(entry.passed.statusCode).headers(entry.passed.headers).send(entry.passed.payload);
      return undefined;
    };

    // Not `async`: a fresh L1 hit answers synchronously, with no promise for Fastify to wait on.
    return function cached(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      if (request.headers[refreshHeader] === refreshToken)
        return handler.call(this, request, reply);
      const key = `route:${config.key ? config.key(request) : `GET:${request.url}`}`;
      const hit = cache.peek<CachedResponse>(key);
      return hit === undefined ? miss(request, reply, key) : respond(request, reply, hit, 'HIT');
    };
  };

  fastify.addHook('onRoute', (route) => {
    const config = (route.config as { cache?: RouteCacheConfig } | undefined)?.cache;
    if (!config) return;
    const methods = ([] as string[]).concat(route.method);
    if (methods.some((method) => method !== 'GET' && method !== 'HEAD')) {
      throw new RedisInfraPluginError(
        'E_ROUTE_CACHE_METHOD',
        `config.cache is for GET routes; ${methods.join(', ')} ${route.url} may change state and cannot be cached`,
      );
    }
    // The HEAD twin Fastify adds to every GET route runs the route itself.
    if (!methods.includes('GET')) return;
    route.handler = wrap(config, route.handler);
  });
}
