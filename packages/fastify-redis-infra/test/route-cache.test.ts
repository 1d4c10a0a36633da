import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis } from '@redis-infra/testing';
import Fastify from 'fastify';
import t from 'tap';
import { redisInfra } from '../src/index.js';
import { appFor } from './helpers.js';

t.test('config.cache: MISS, then HIT from cache with the same body, ETag and 304', async (t) => {
  const redis = await startRedis(t);
  const { app } = await appFor(t, redis.connection, { rateLimit: false });
  let runs = 0;
  app.get<{ Querystring: { q?: string } }>(
    '/report',
    { config: { cache: { ttl: 10_000, tags: ['reports'] } } },
    async (request, reply) => {
      runs++;
      reply.header('cache-control', 'public, max-age=10').header('x-internal', 'not kept');
      return { runs, q: request.query.q ?? null };
    },
  );
  const first = await app.inject('/report?q=a');
  t.equal(first.statusCode, 200);
  t.equal(first.headers['x-cache'], 'MISS');
  t.match(first.headers.etag, /^"[\w-]+"$/);
  t.match(first.headers['content-type'], /application\/json/);
  t.same(first.json(), { runs: 1, q: 'a' });

  redis.pause();
  const second = await app.inject('/report?q=a');
  redis.resume();
  t.equal(second.headers['x-cache'], 'HIT', 'an L1 hit, answered with Redis paused');
  t.equal(second.body, first.body);
  t.equal(second.headers.etag, first.headers.etag);
  t.equal(second.headers['cache-control'], 'public, max-age=10');
  t.equal(second.headers['x-internal'], undefined, 'only content headers are kept');
  t.equal(runs, 1);

  const notModified = await app.inject({
    url: '/report?q=a',
    headers: { 'if-none-match': `"x", ${first.headers.etag}` },
  });
  t.equal(notModified.statusCode, 304);
  t.equal(notModified.body, '');
  t.equal(notModified.headers['cache-control'], 'public, max-age=10', 'as the 200 would have');
  t.equal(notModified.headers['content-type'], undefined);
  t.equal(
    (await app.inject({ url: '/report?q=a', headers: { 'if-none-match': '*' } })).statusCode,
    304,
  );

  t.same(
    (await app.inject('/report?q=b')).json(),
    { runs: 2, q: 'b' },
    'the URL with its query is the key',
  );
  await app.cache.invalidateTags(['reports']);
  const after = await app.inject('/report?q=a');
  t.equal(after.headers['x-cache'], 'MISS');
  t.same(after.json(), { runs: 3, q: 'a' });
});

t.test(
  'config.cache: STALE within grace while one refresh runs; concurrent misses run the route once',
  async (t) => {
    const redis = await startRedis(t);
    const { app } = await appFor(t, redis.connection, { rateLimit: false, cache: { jitter: 0 } });
    let runs = 0;
    app.get(
      '/slow',
      { config: { cache: { ttl: 100, grace: 10_000, key: () => 'slow' } } },
      async () => {
        runs++;
        await sleep(50);
        return { runs };
      },
    );
    const burst = await Promise.all(Array.from({ length: 20 }, () => app.inject('/slow')));
    t.equal(runs, 1, '20 concurrent misses, one run');
    t.ok(burst.every((response) => response.json().runs === 1));
    await sleep(150);
    const stale = await app.inject('/slow');
    t.equal(stale.headers['x-cache'], 'STALE');
    t.same(stale.json(), { runs: 1 });
    await sleep(100);
    t.same((await app.inject('/slow')).json(), { runs: 2 }, 'the background refresh landed');
  },
);

t.test(
  'config.cache: non-200 responses pass through uncached; tags may depend on the request',
  async (t) => {
    const redis = await startRedis(t);
    const { app } = await appFor(t, redis.connection, { rateLimit: false });
    let runs = 0;
    app.get<{ Params: { id: string } }>(
      '/items/:id',
      {
        config: { cache: { tags: (request) => [`item:${(request.params as { id: string }).id}`] } },
      },
      async (request, reply) => {
        runs++;
        if (request.params.id === 'missing') return reply.code(404).send({ error: 'Not Found' });
        return { id: request.params.id, runs };
      },
    );
    const missing = await app.inject('/items/missing');
    t.equal(missing.statusCode, 404);
    t.equal(missing.headers['x-cache'], undefined);
    await app.inject('/items/missing');
    t.equal(runs, 2, '404s are not cached');
    t.same((await app.inject('/items/7')).json(), { id: '7', runs: 3 });
    t.same((await app.inject('/items/7')).json(), { id: '7', runs: 3 });
    await app.cache.invalidateTags(['item:7']);
    t.same((await app.inject('/items/7')).json(), { id: '7', runs: 4 });
  },
);

t.test(
  'config.cache on a POST route is an error; bad cache options fail the boot and close the manager',
  async (t) => {
    const redis = await startRedis(t);
    const { app } = await appFor(t, redis.connection, { rateLimit: false });
    t.throws(() => app.post('/x', { config: { cache: {} } }, async () => 'no'), {
      code: 'E_ROUTE_CACHE_METHOD',
    });

    const bad = Fastify();
    t.teardown(() => bad.close());
    bad.register(redisInfra, {
      env: { ENVIRONMENT: 'production' },
      config: { port: redis.port, connectionName: 'bad-boot' },
      cache: { ttl: -1 },
    });
    await t.rejects(
      async () => {
        await bad.ready();
      },
      { code: 'E_INVALID_OPTION' },
    );
    t.notMatch(
      String(await redis.call('CLIENT', 'LIST')),
      /name=bad-boot/,
      'the failed boot left no connection',
    );
  },
);

t.test('cache: false leaves fastify.cache out', async (t) => {
  const redis = await startRedis(t);
  const { app } = await appFor(t, redis.connection, { cache: false });
  t.equal(app.hasDecorator('cache'), false);
});

t.test(
  "config.cache runs after the route's own onRequest hooks (an auth guard still guards)",
  async (t) => {
    const redis = await startRedis(t);
    const { app } = await appFor(t, redis.connection, { rateLimit: false });
    app.get(
      '/private',
      {
        config: { cache: { key: () => 'private' } },
        onRequest: async (request, reply) => {
          if (request.headers.authorization !== 'Bearer ok')
            await reply.code(401).send({ error: 'unauthorized' });
        },
      },
      async () => ({ secret: 42 }),
    );
    const headers = { authorization: 'Bearer ok' };
    t.same((await app.inject({ url: '/private', headers })).json(), { secret: 42 });
    t.equal((await app.inject({ url: '/private', headers })).headers['x-cache'], 'HIT');
    const anonymous = await app.inject('/private');
    t.equal(anonymous.statusCode, 401);
    t.notMatch(anonymous.body, /42/);
  },
);

t.test('config.cache: a preHandler guard still guards cache hits', async (t) => {
  const redis = await startRedis(t);
  const { app } = await appFor(t, redis.connection, { rateLimit: false });
  app.get(
    '/guarded',
    {
      config: { cache: { key: () => 'guarded' } },
      preHandler: async (request, reply) => {
        if (request.headers.authorization !== 'Bearer ok')
          await reply.code(403).send({ error: 'forbidden' });
      },
    },
    async () => ({ secret: 7 }),
  );
  t.same((await app.inject({ url: '/guarded', headers: { authorization: 'Bearer ok' } })).json(), {
    secret: 7,
  });
  const hit = await app.inject({ url: '/guarded', headers: { authorization: 'Bearer ok' } });
  t.equal(hit.headers['x-cache'], 'HIT');
  const anonymous = await app.inject('/guarded');
  t.equal(anonymous.statusCode, 403, 'the cached response is not served past the guard');
  t.notMatch(anonymous.body, /secret/);
});
