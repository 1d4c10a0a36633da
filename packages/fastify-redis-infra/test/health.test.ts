import { startRedis, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { appFor } from './helpers.js';

t.test(
  'health: pass, then fail within 1 s of a kill, then pass within 2 s of the restart',
  async (t) => {
    const redis = await startRedis(t, { password: 'health-secret' });
    const { app } = await appFor(t, redis.connection, { health: { expose: 'full' } });
    const health = async (path = '/health') => {
      const response = await app.inject(path);
      return {
        code: response.statusCode,
        type: response.headers['content-type'],
        body: response.json(),
      };
    };
    let now = await health();
    t.equal(now.code, 200);
    t.match(now.type, /^application\/health\+json/);
    t.match(now.body, {
      status: 'pass',
      checks: {
        'redis:main': [
          {
            componentType: 'datastore',
            status: 'pass',
            time: String,
            observedUnit: 'ms',
            pool: { size: 1, ready: 1 },
            breaker: 'closed',
            successRate: Number,
            server: { role: 'master' },
          },
        ],
        'redis:cache': [{ status: 'pass' }],
        'rateLimit:store': [{ status: 'pass' }],
      },
    });
    t.equal((await health('/health/live')).code, 200);
    t.same((await health('/health/ready')).body, { status: 'pass' });

    await redis.kill();
    const killed = performance.now();
    await waitFor('health to fail', async () => (await health()).code === 503, { intervalMs: 20 });
    t.ok(performance.now() - killed < 1_000, 'fail within 1 s');
    now = await health();
    t.match(now.body, {
      status: 'fail',
      checks: { 'redis:main': [{ status: 'fail', output: String }] },
    });
    t.notOk(
      /health-secret/.test(JSON.stringify(now.body)),
      'no password in it (asserted without printing it)',
    );
    t.equal((await health('/health/live')).code, 200, 'liveness never fails because of Redis');
    t.match(await health('/health/ready'), {
      code: 503,
      type: /^application\/health\+json/,
      body: { status: 'fail' },
    });

    await redis.restart();
    const restarted = performance.now();
    await waitFor('health to pass', async () => (await health()).code === 200, {
      intervalMs: 20,
      timeoutMs: 3_000,
    });
    t.ok(performance.now() - restarted < 2_000, 'pass within 2 s');
  },
);

t.test(
  'health: minimal by default; warn in the fallback; a guard keeps details away',
  async (t) => {
    const redis = await startRedis(t);
    await redis.kill();
    const { app } = await appFor(
      t,
      redis.connection,
      {
        health: {
          prefix: '/ops',
          onRequest: async (request, reply) => {
            if (request.headers.authorization !== 'Bearer ok')
              await reply.code(401).send({ error: 'unauthorized' });
          },
        },
      },
      { ENVIRONMENT: 'development' },
    );
    const denied = await app.inject('/ops/health');
    t.equal(denied.statusCode, 401);
    t.notMatch(denied.body, /redis/);
    const response = await app.inject({
      url: '/ops/health',
      headers: { authorization: 'Bearer ok' },
    });
    t.equal(response.statusCode, 200, 'warn is still 200');
    t.same(response.json().checks['redis:main'], [
      {
        componentType: 'datastore',
        status: 'warn',
        time: response.json().checks['redis:main'][0].time,
      },
    ]);
    t.equal(response.json().status, 'warn');
    const ready = await app.inject({
      url: '/ops/health/ready',
      headers: { authorization: 'Bearer ok' },
    });
    t.same([ready.statusCode, ready.json()], [200, { status: 'warn' }]);
  },
);

t.test('health and rate limiting can be turned off', async (t) => {
  const redis = await startRedis(t);
  const { app } = await appFor(t, redis.connection, { health: false, rateLimit: false });
  t.equal((await app.inject('/health')).statusCode, 404);
  t.equal(app.hasDecorator('rateLimit'), false);
});
