import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import redisInfra, { type RedisInfraOptions } from 'fastify-redis-infra';
import { Catalogue, type Product } from './catalogue.js';

/** Options of the example app. */
export interface AppOptions {
  /** Environment the Redis config is resolved from. @default process.env */
  env?: Record<string, string | undefined>;
  /** Delay of the slow catalogue, in ms. @default 150 */
  sourceDelayMs?: number;
  /** Fastify's logger option. @default true */
  logger?: FastifyServerOptions['logger'];
  /** Extra plugin options (tests shorten timeouts). @default {} */
  redisInfra?: RedisInfraOptions;
}

const PRODUCT_TTL = 60_000;

/**
 * The example API: a catalogue read through the two-tier cache, a write that invalidates
 * tags, a strict login limit, a global limit, a route cached whole, and the health routes.
 */
export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? true });
  const catalogue = await Catalogue.load(options.sourceDelayMs ?? 150);

  await app.register(redisInfra, {
    env: options.env ?? process.env,
    rateLimit: { max: 300, timeWindow: 60_000 }, // the global limit on everything else
    cache: { ttl: PRODUCT_TTL, grace: 5 * 60_000 },
    ...options.redisInfra,
  });

  const tagsOf = (product: Product) => [`product:${product.id}`, `category:${product.category}`];

  app.get<{ Params: { id: string } }>('/products/:id', async (request, reply) => {
    const { id } = request.params;
    const product = await app.cache.getOrSet<Product | null>(`product:${id}`, async (ctx) => {
      const found = await catalogue.get(id);
      if (!found) {
        ctx.negative(); // "not found" is cached too, briefly
        return null;
      }
      ctx.tags.push(...tagsOf(found));
      return found;
    });
    if (!product) return reply.code(404).send({ error: 'Not Found', message: `no product ${id}` });
    return product;
  });

  app.get<{ Querystring: { tag?: string } }>('/products', async (request) => {
    const tag = request.query.tag;
    const key = tag ? `products:tag:${tag}` : 'products:all';
    return app.cache.getOrSet(key, async (ctx) => {
      const products = await catalogue.list(tag);
      ctx.tags.push('products', ...products.flatMap(tagsOf));
      return products;
    });
  });

  app.put<{ Params: { id: string }; Body: Partial<Omit<Product, 'id'>> }>(
    '/products/:id',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1 },
            category: { type: 'string', minLength: 1 },
            tags: { type: 'array', items: { type: 'string' } },
            price: { type: 'number', minimum: 0 },
            stock: { type: 'integer', minimum: 0 },
          },
        },
      },
    },
    async (request, reply) => {
      const before = await catalogue.get(request.params.id);
      const updated = await catalogue.update(request.params.id, request.body);
      if (!before || !updated) return reply.code(404).send({ error: 'Not Found' });
      // Every cached read that contains the product, in every instance, goes.
      await app.cache.invalidateTags([
        ...new Set([...tagsOf(before), ...tagsOf(updated), 'categories']),
      ]);
      return updated;
    },
  );

  app.post<{ Body: { user?: string } }>(
    '/login',
    { config: { rateLimit: { max: 5, timeWindow: 60_000, algorithm: 'sliding-window' } } },
    async (request) => ({ ok: true, user: request.body?.user ?? 'anonymous' }),
  );

  app.get('/categories', { config: { cache: { ttl: 30_000, tags: ['categories'] } } }, async () =>
    catalogue.categories(),
  );

  app.get('/stats', { config: { rateLimit: false } }, async () => ({
    sourceReads: catalogue.reads,
    cache: app.cache.stats(),
  }));

  return app;
}
