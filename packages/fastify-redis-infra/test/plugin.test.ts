import { startRedis } from '@redis-infra/testing';
import Fastify from 'fastify';
import t from 'tap';
import { redisInfra } from '../src/index.js';
import { appFor } from './helpers.js';

t.test('one register: fastify.redis, fastify.redisManager, closed with the app', async (t) => {
  const redis = await startRedis(t, { password: 'plugin-secret' });
  const { app, logs } = await appFor(t, redis.connection);
  await app.ready();
  t.equal(await app.redis.set('k', 'v'), 'OK');
  t.equal(await app.redisManager.client('cache').get('k'), 'v');
  t.equal(app.redis, app.redisManager.client('main'), 'fastify.redis is the main client');
  const ready = logs.lines().find((line) => line.msg === 'redis-infra ready');
  t.match(ready, {
    level: 30,
    plugin: 'fastify-redis-infra',
    environment: 'production',
    fallback: 'off',
    roles: {
      main: { status: 'up', mode: 'standalone', endpoint: `redis://127.0.0.1:${redis.port}/0` },
    },
    notes: Array,
  });
  await app.close();
  t.equal(app.redisManager.state(), 'closed');
  t.notOk(/plugin-secret/.test(logs.text()), 'no password in it (asserted without printing it)');
});

t.test('registering twice is a clear error', async (t) => {
  const redis = await startRedis(t);
  const { app } = await appFor(t, redis.connection);
  app.register(redisInfra, { env: { ENVIRONMENT: 'production' }, config: { port: redis.port } });
  await t.rejects(
    async () => {
      await app.ready();
    },
    { code: 'E_ALREADY_REGISTERED', message: /registered twice/ },
  );
});

t.test(
  'Redis down in production: ready() fails within the connect timeout, redacted, never a plugin timeout',
  async (t) => {
    const redis = await startRedis(t, { password: 'down-secret' });
    await redis.kill();
    const app = Fastify();
    t.teardown(() => app.close());
    app.register(redisInfra, {
      env: { ENVIRONMENT: 'production', REDIS_URL: `redis://:down-secret@127.0.0.1:${redis.port}` },
      config: { connectTimeoutMs: 500 },
    });
    const started = performance.now();
    const error = await app.ready().then(
      () => undefined,
      (e: unknown) => e,
    );
    const ms = performance.now() - started;
    t.match(error, { code: 'E_REDIS_CONNECT', reason: 'refused' });
    t.ok(ms < 700, `failed after ${ms.toFixed(0)} ms`);
    t.notOk(
      /down-secret/.test(String((error as Error).message)),
      'no password in it (asserted without printing it)',
    );
  },
);

t.test('a bad config fails ready() with every problem', async (t) => {
  const app = Fastify();
  t.teardown(() => app.close());
  app.register(redisInfra, { env: { REDIS_PORT: 'abc', REDIS_FALLBACK: 'maybe' } });
  await t.rejects(
    async () => {
      await app.ready();
    },
    { code: 'E_INVALID_CONFIG', message: /REDIS_PORT[\s\S]*REDIS_FALLBACK/ },
  );
});

t.test(
  'development without Redis: the app boots in fallback, fastify.redis is still there',
  async (t) => {
    const redis = await startRedis(t);
    await redis.kill();
    const { app, logs } = await appFor(t, redis.connection, {}, { ENVIRONMENT: 'development' });
    await app.ready();
    t.equal(app.redisManager.state(), 'fallback');
    t.equal(app.redis, app.redisManager.client('main'));
    t.match(logs.text(), /@fastify\/redis not registered/);
    await redis.restart();
    t.equal(await app.redis.ping().catch(() => 'not yet'), 'not yet');
  },
);

t.test('defaults: process.env, the app log level, health without rate limiting', async (t) => {
  const redis = await startRedis(t);
  const saved = { ...process.env };
  t.teardown(() => {
    process.env = saved;
  });
  process.env.ENVIRONMENT = 'production';
  process.env.REDIS_URL = redis.url;
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(redisInfra, { rateLimit: false, logLevel: 'warn' });
  t.equal(app.redisManager.settings().endpoint, `redis://127.0.0.1:${redis.port}/0`);
  t.same(Object.keys((await app.inject('/health')).json().checks), [
    'redis:main',
    'redis:rateLimit',
    'redis:cache',
  ]);
});
