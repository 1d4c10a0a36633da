// The plugin's full stack and the example API on standalone, Sentinel and Cluster: each
// topology is started once and serves both subtests.
import { buildApp } from '@redis-infra/example-api-server/app';
import { waitFor } from '@redis-infra/testing';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { startApp } from './harness/app.js';
import { escaped } from './harness/guards.js';
import { now } from './harness/load.js';
import { captureLogs } from './harness/logs.js';
import { leakedSecrets, scan } from './harness/secrets.js';
import { counterKey, keysOf, stackRoutes, startTopology } from './harness/topology.js';

/** Statuses of `count` requests to `path`, one after the other. */
async function statuses(app: FastifyInstance, path: string, count: number, method = 'GET') {
  const codes: number[] = [];
  for (let i = 0; i < count; i++) codes.push((await app.inject({ method, url: path })).statusCode);
  return codes;
}

for (const kind of ['standalone', 'sentinel', 'cluster'] as const) {
  t.test(`${kind}: the plugin's full stack and the example app`, async (t) => {
    const topology = await startTopology(t, kind);

    await t.test('plugin: both limiters, route cache, getOrSet and tags, health', async (t) => {
      const plugin = {
        config: topology.config,
        cache: { ttl: 60_000, grace: 60_000 },
        health: { expose: 'full' as const },
      };
      const loadsA = { cached: 0, items: 0 };
      const loadsB = { cached: 0, items: 0 };
      const a = (await startApp(t, undefined, { plugin, routes: stackRoutes(3, loadsA) })).app;
      const b = (await startApp(t, undefined, { plugin, routes: stackRoutes(3, loadsB) })).app;

      t.same(await statuses(a, '/fixed', 4), [200, 200, 200, 429], 'fixed-window: 3, then 429');
      t.same(await statuses(a, '/sliding', 4), [200, 200, 200, 429], 'sliding-window: 3, then 429');

      const cacheHeaders = async (app: FastifyInstance) =>
        (await app.inject('/cached')).headers['x-cache'];
      t.same(
        [await cacheHeaders(a), await cacheHeaders(a), await cacheHeaders(b)],
        ['MISS', 'HIT', 'HIT'],
        'config.cache: a miss, then hits on both instances',
      );
      t.same([loadsA.cached, loadsB.cached], [1, 0], 'the cached route ran once in all');

      const item = async (app: FastifyInstance) => (await app.inject('/items/1')).json();
      t.same(
        [await item(a), await item(b)],
        [
          { id: '1', load: 1 },
          { id: '1', load: 1 },
        ],
      );
      t.same([loadsA.items, loadsB.items], [1, 0], 'getOrSet loaded once, B read it from Redis');
      const invalidatedAt = now();
      await a.cache.invalidateTags(['items']);
      await waitFor(
        'B to reload the invalidated item',
        async () => {
          await item(b);
          return loadsB.items === 1;
        },
        { timeoutMs: 2_000, intervalMs: 5 },
      );
      t.comment(`invalidateTags on A reached B in ${(now() - invalidatedAt).toFixed(0)} ms`);

      const health = await a.inject('/health');
      t.equal(health.statusCode, 200);
      t.match(health.json(), {
        status: 'pass',
        checks: { 'redis:main': [{ mode: kind, server: { role: 'master' } }] },
      });
      const keys = await keysOf(topology);
      t.ok(
        [counterKey('/fixed'), counterKey('/sliding')].every((key) => keys.includes(key)),
        'both counters are in Redis',
      );
      t.ok(
        keys.some((key) => key.includes('item:1')) && keys.some((key) => key.includes('cached')),
        'both cache entries are in Redis',
      );
    });

    await t.test('example app configured from environment variables', async (t) => {
      const logs = captureLogs();
      scan(logs.text);
      const app = await buildApp({
        env: { ENVIRONMENT: 'production', REDIS_COMMAND_TIMEOUT_MS: '500', ...topology.env },
        logger: { level: 'debug', stream: logs.stream },
        sourceDelayMs: 0,
      });
      t.teardown(() => app.close());
      await app.ready();

      t.match((await app.inject('/products/1')).json(), { id: '1', name: 'Espresso cup' });
      const put = await app.inject({ method: 'PUT', url: '/products/1', payload: { price: 11 } });
      t.equal(put.statusCode, 200);
      t.match((await app.inject('/products/1')).json(), { price: 11 }, 'the write invalidated it');
      const categories = [await app.inject('/categories'), await app.inject('/categories')];
      t.same(
        categories.map((r) => r.headers['x-cache']),
        ['MISS', 'HIT'],
      );
      t.same(await statuses(app, '/login', 6, 'POST'), [200, 200, 200, 200, 200, 429]);
      const health = await app.inject('/health');
      t.same([health.statusCode, health.json().status], [200, 'pass']);
      const keys = await keysOf(topology);
      t.ok(
        keys.some((key) => key.includes('product:1')),
        'the product is cached in Redis',
      );
      t.ok(
        keys.some((key) => key.startsWith('rl:POST:/login:')),
        'the login count is in Redis',
      );
    });
  });
}

t.test('nothing escaped and no secret leaked', async (t) => {
  t.same(escaped(), [], 'no unhandled rejection or uncaught exception');
  t.same(leakedSecrets(), [], 'no secret in any captured output');
});
