import { startCluster, startSentinel } from '@redis-infra/testing';
import type { FastifyInstance } from 'fastify';
import t, { type Test } from 'tap';
import { appFor } from './helpers.js';

async function exercise(t: Test, app: FastifyInstance) {
  app.get(
    '/',
    { config: { rateLimit: { max: 3, timeWindow: 60_000, algorithm: 'sliding-window' } } },
    async () => 'ok',
  );
  app.get('/fixed', { config: { rateLimit: { max: 3, timeWindow: 60_000 } } }, async () => 'ok');
  for (const url of ['/', '/fixed']) {
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject(url)).statusCode);
    t.same(codes, [200, 200, 200, 429], url);
  }
  t.equal(await app.redis.set('{k}a', '1'), 'OK');
  return (await app.inject('/health')).json();
}

t.test('full stack on Sentinel', async (t) => {
  const topology = await startSentinel(t, { password: 'sentinel-data' });
  const { app } = await appFor(
    t,
    { host: '127.0.0.1', port: 6379 },
    {
      config: {
        sentinels: topology.sentinelAddresses,
        sentinelName: topology.name,
        password: 'sentinel-data',
      },
      health: { expose: 'full' },
    },
  );
  const health = await exercise(t, app);
  t.match(health, {
    status: 'pass',
    checks: { 'redis:main': [{ mode: 'sentinel', server: { role: 'master' } }] },
  });
});

t.test('full stack on Cluster', async (t) => {
  const cluster = await startCluster(t);
  const { app } = await appFor(
    t,
    { host: '127.0.0.1', port: 6379 },
    {
      config: {
        clusterNodes: cluster.startupNodes,
        connectTimeoutMs: 3_000,
        commandTimeoutMs: 1_000,
      },
      health: { expose: 'full' },
    },
  );
  const health = await exercise(t, app);
  t.match(health, {
    status: 'pass',
    checks: { 'redis:main': [{ mode: 'cluster', cluster: { state: 'ok', slotsOk: 16384 } }] },
  });
});
