import { parse } from '@lukeed/ms';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The window of the limit that applies to `request`, in whole seconds, when it is static. */
function windowSeconds(request: FastifyRequest, globalWindow: unknown): number | undefined {
  const route = (request.routeOptions.config as { rateLimit?: { timeWindow?: unknown } }).rateLimit;
  const window = route?.timeWindow ?? globalWindow;
  const ms = typeof window === 'string' ? parse(window) : window;
  return typeof ms === 'number' ? Math.ceil(ms / 1000) : undefined;
}

/**
 * Adds the IETF draft headers (draft-ietf-httpapi-ratelimit-headers, structured fields) next
 * to `@fastify/rate-limit`'s own: `RateLimit-Policy: "default";q=<limit>;w=<window s>` and
 * `RateLimit: "default";r=<remaining>;t=<seconds to reset>`, from the values it set.
 */
export function addDraftHeaders(fastify: FastifyInstance, globalWindow: unknown): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const limit = reply.getHeader('x-ratelimit-limit');
    if (limit === undefined) return payload;
    const window = windowSeconds(request, globalWindow);
    reply.header(
      'ratelimit-policy',
      `"default";q=${limit}${window === undefined ? '' : `;w=${window}`}`,
    );
    reply.header(
      'ratelimit',
      `"default";r=${reply.getHeader('x-ratelimit-remaining')};t=${reply.getHeader('x-ratelimit-reset')}`,
    );
    return payload;
  });
}
