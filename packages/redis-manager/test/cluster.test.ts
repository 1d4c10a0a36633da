import { startCluster, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { configFor, managerFor, publishAndReceive, timed } from './helpers.js';

t.test('cluster: keys across all slots; commands succeed again after a master dies', async (t) => {
  const cluster = await startCluster(t, { password: 'cluster-pass' });
  const config = await configFor(
    { host: '127.0.0.1', port: 6379 },
    {
      clusterNodes: cluster.startupNodes,
      password: 'cluster-pass',
      commandTimeoutMs: 1_000,
      connectTimeoutMs: 3_000,
    },
  );
  t.equal(config.roles.main.mode, 'cluster');
  const manager = managerFor(t, config);
  await manager.connect();
  const keys = Array.from({ length: 300 }, (_, i) => `key:${i}`);
  await Promise.all(keys.map((key) => manager.client().set(key, key)));
  t.same(await Promise.all(keys.map((key) => manager.client().get(key))), keys);
  t.same(
    await manager.withConnection('main', (c) => c.multi().set('{t}a', '1').incr('{t}b').exec()),
    [
      [null, 'OK'],
      [null, 1],
    ],
  );
  t.equal(await publishAndReceive(manager), 'hello');
  await manager.connect();
  await waitFor('cluster slots in health', () => manager.health().main?.cluster);
  t.match(manager.health().main, {
    mode: 'cluster',
    status: 'up',
    cluster: { state: 'ok', slotsAssigned: 16384, slotsOk: 16384, knownNodes: 6 },
  });

  await cluster.killMaster();
  await waitFor(
    'every key to be readable again',
    async () => {
      const reads = await Promise.all(keys.map((key) => timed(() => manager.client().get(key))));
      return reads.every((read) => read.error === undefined);
    },
    { timeoutMs: 15_000, intervalMs: 200 },
  );
  t.equal(await manager.client().set('after', '1'), 'OK');
});
