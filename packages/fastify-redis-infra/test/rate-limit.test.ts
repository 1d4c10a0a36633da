import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, waitFor } from '@redis-infra/testing';
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { appFor } from './helpers.js';

const addRoutes = (app: FastifyInstance) => {
  app.get('/', async () => ({ ok: true }));
  app.get(
    '/strict',
    { config: { rateLimit: { max: 3, timeWindow: 60_000, algorithm: 'sliding-window' } } },
    async () => 'strict',
  );
  app.get('/other', { config: { rateLimit: { max: 3, timeWindow: 60_000 } } }, async () => 'other');
  app.get('/open', { config: { rateLimit: false } }, async () => 'open');
};

async function statuses(
  apps: FastifyInstance[],
  url: string,
  count: number,
  headers = {},
): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < count; i++) {
    const app = apps[i % apps.length] as FastifyInstance;
    codes.push((await app.inject({ url, headers })).statusCode);
  }
  return codes;
}

for (const algorithm of ['fixed-window', 'sliding-window'] as const) {
  t.test(`${algorithm}: two app instances on one Redis share the count exactly`, async (t) => {
    const redis = await startRedis(t);
    const apps: FastifyInstance[] = [];
    for (let i = 0; i < 2; i++) {
      const { app } = await appFor(t, redis.connection, {
        rateLimit: { max: 5, timeWindow: 60_000, algorithm },
      });
      addRoutes(app);
      apps.push(app);
    }
    t.same(await statuses(apps, '/', 8), [200, 200, 200, 200, 200, 429, 429, 429]);
    const response = await apps[0]?.inject('/');
    t.match(response?.headers, {
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'retry-after': /^\d+$/,
    });
    t.match(response?.json(), { statusCode: 429, error: 'Too Many Requests' });
  });
}

t.test('per-route limits have their own counters; rate-limit: false is open', async (t) => {
  const redis = await startRedis(t);
  const { app } = await appFor(t, redis.connection, { rateLimit: { max: 100 } });
  addRoutes(app);
  t.same(await statuses([app], '/strict', 4), [200, 200, 200, 429]);
  t.same(await statuses([app], '/other', 4), [200, 200, 200, 429], 'not shared with /strict');
  t.same(await statuses([app], '/open', 5), [200, 200, 200, 200, 200]);
  const keys = String(await redis.call('KEYS', '*'));
  t.match(keys, /rl:GET:\/strict:\{127\.0\.0\.1\}/);
  t.match(keys, /rl:GET:\/other:\{127\.0\.0\.1\}/);
});

t.test('sliding window: rejected requests do not consume quota', async (t) => {
  const redis = await startRedis(t);
  const { app } = await appFor(t, redis.connection, { config: { keyPrefix: 'shop:' } });
  addRoutes(app);
  t.same(await statuses([app], '/strict', 10), [200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
  const counts = (await redis.call('HGETALL', 'shop:rl:GET:/strict:{127.0.0.1}')) as string[];
  t.equal(
    counts.filter((_, i) => i % 2 === 1).reduce((sum, n) => sum + Number(n), 0),
    3,
    'only the 3 allowed were counted',
  );
  const response = await app.inject('/strict');
  t.ok(Number(response.headers['retry-after']) > 0);
});

t.test(
  'keyGenerator, allowList, ban, onExceeded, createRateLimit with increment: false',
  async (t) => {
    const redis = await startRedis(t);
    const exceeded: string[] = [];
    const { app } = await appFor(t, redis.connection, {
      rateLimit: {
        max: 2,
        timeWindow: 60_000,
        ban: 1,
        keyGenerator: (request) => String(request.headers['x-api-key'] ?? request.ip),
        allowList: ['trusted'],
        onExceeded: (_request, key) => exceeded.push(key),
      },
    });
    addRoutes(app);
    app.get('/peek', { config: { rateLimit: false } }, async (request) => {
      const limiter = app.createRateLimit({
        max: 2,
        timeWindow: 60_000,
        keyGenerator: () => 'peeked',
      });
      const before = await limiter(request, { increment: false });
      await limiter(request);
      const after = await limiter(request, { increment: false });
      return {
        before: before.isAllowed ? -1 : before.remaining,
        after: after.isAllowed ? -1 : after.remaining,
      };
    });
    t.same(
      await statuses([app], '/', 5, { 'x-api-key': 'a' }),
      [200, 200, 429, 403, 403],
      'banned after the ban count',
    );
    t.same(
      await statuses([app], '/', 3, { 'x-api-key': 'b' }),
      [200, 200, 429],
      'another key, its own count',
    );
    t.same(await statuses([app], '/', 5, { 'x-api-key': 'trusted' }), [200, 200, 200, 200, 200]);
    t.ok(exceeded.includes('a') && exceeded.includes('b'));
    t.same((await app.inject('/peek')).json(), { before: 2, after: 1 });
  },
);

t.test('a key over its limit is rejected from the block cache, without Redis', async (t) => {
  const redis = await startRedis(t);
  const { app } = await appFor(t, redis.connection, { rateLimit: { max: 2, timeWindow: 60_000 } });
  addRoutes(app);
  const calls = async () => {
    const stats = String(await redis.call('INFO', 'commandstats'));
    return (
      Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0) +
      Number(/cmdstat_eval:calls=(\d+)/.exec(stats)?.[1] ?? 0)
    );
  };
  t.same(await statuses([app], '/', 3), [200, 200, 429]);
  const before = await calls();
  t.same(await statuses([app], '/', 20), Array(20).fill(429));
  t.equal(await calls(), before, 'no script ran for the blocked key');
});

t.test(
  'Redis killed: no 5xx, the insurance limiter counts per instance, Redis takes over again',
  async (t) => {
    const redis = await startRedis(t);
    const { app, logs } = await appFor(t, redis.connection, {
      rateLimit: { max: 6, timeWindow: 60_000, instances: 2 },
      health: { expose: 'full' },
    });
    addRoutes(app);
    t.same(await statuses([app], '/', 2), [200, 200]);
    await redis.kill();
    await waitFor('the role to be down', () => app.redisManager.state('rateLimit') === 'down');
    t.same(
      await statuses([app], '/', 5),
      [200, 200, 200, 429, 429],
      'max 6 over 2 instances: 3 each while Redis is down',
    );
    const health = (await app.inject('/health')).json();
    t.match(health.checks['rateLimit:store'], [{ status: 'warn', output: /insurance/ }]);
    t.match(logs.text(), /rate limiting in memory \(insurance\)/);

    await redis.restart();
    await waitFor('recovery', () => app.redisManager.state('rateLimit') === 'up', {
      timeoutMs: 3_000,
    });
    t.same(
      await statuses([app], '/', 5),
      [200, 200, 200, 200, 200],
      'Redis restarted empty: counting starts again there',
    );
    t.equal(Number(await redis.call('GET', 'rl:{127.0.0.1}')), 5);
  },
);

t.test(
  'requests still in flight after the manager closed get an answer from the insurance limiter',
  async (t) => {
    const redis = await startRedis(t);
    const { app } = await appFor(t, redis.connection, { rateLimit: { max: 1, timeWindow: 1_000 } });
    addRoutes(app);
    await app.ready();
    await app.redisManager.close();
    t.same(await statuses([app], '/', 2), [200, 429]);
    await sleep(10);
  },
);

t.test(
  'continueExceeding and exponentialBackoff extend the window in Redis (no block cache)',
  async (t) => {
    const redis = await startRedis(t);
    const { app } = await appFor(t, redis.connection, { rateLimit: false });
    await app.register((await import('@fastify/rate-limit')).default, { global: false });
    t.pass('a plain @fastify/rate-limit next to the plugin is possible');
    const { app: limited } = await appFor(t, redis.connection, {
      rateLimit: { max: 1, timeWindow: 1_000 },
    });
    limited.get(
      '/ce',
      { config: { rateLimit: { max: 1, timeWindow: 1_000, continueExceeding: true } } },
      async () => 'ce',
    );
    limited.get(
      '/eb',
      { config: { rateLimit: { max: 1, timeWindow: 1_000, exponentialBackoff: true } } },
      async () => 'eb',
    );
    t.same(await statuses([limited], '/ce', 3), [200, 429, 429]);
    t.ok(
      Number(await redis.call('PTTL', 'rl:GET:/ce:{127.0.0.1}')) > 900,
      'every excess request restarts the window',
    );
    t.same(await statuses([limited], '/eb', 4), [200, 429, 429, 429]);
    t.ok(
      Number(await redis.call('PTTL', 'rl:GET:/eb:{127.0.0.1}')) > 2_000,
      'the window doubles with each excess request',
    );
  },
);

t.test('draftHeaders: RateLimit and RateLimit-Policy as structured fields', async (t) => {
  const redis = await startRedis(t);
  const policy = (response: { headers: Record<string, unknown> }) =>
    response.headers['ratelimit-policy'];
  // No global timeWindow: @fastify/rate-limit's default minute.
  const { app } = await appFor(t, redis.connection, { rateLimit: { max: 2, draftHeaders: true } });
  addRoutes(app);
  app.get(
    '/dynamic',
    { config: { rateLimit: { max: 9, timeWindow: () => 5_000 } } },
    async () => 'dynamic',
  );
  app.get(
    '/short',
    { config: { rateLimit: { max: 4, timeWindow: '10 seconds' } } },
    async () => 'short',
  );
  const first = await app.inject('/');
  t.equal(policy(first), '"default";q=2;w=60');
  t.match(first.headers.ratelimit, /^"default";r=1;t=\d+$/);
  await app.inject('/');
  const refused = await app.inject('/');
  t.equal(refused.statusCode, 429);
  t.match(refused.headers.ratelimit, /^"default";r=0;t=\d+$/);
  t.equal(policy(await app.inject('/strict')), '"default";q=3;w=60', 'a route window in ms');
  t.equal(policy(await app.inject('/short')), '"default";q=4;w=10', 'a route window as text');
  t.equal(policy(await app.inject('/dynamic')), '"default";q=9', 'no static window');
  t.equal(policy(await app.inject('/open')), undefined, 'unlimited routes get none');

  const { app: hourly } = await appFor(t, redis.connection, {
    rateLimit: { max: 7, timeWindow: '1 hour', draftHeaders: true },
  });
  addRoutes(hourly);
  t.equal(policy(await hourly.inject('/')), '"default";q=7;w=3600', 'the global window');
});
