import { startProxy, startSentinel, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { configFor, connectedManager, publishAndReceive, timed } from './helpers.js';

t.test(
  'sentinel: client, lease and subscriber work, and writes succeed again after a failover',
  async (t) => {
    const topology = await startSentinel(t, {
      password: 'data-pass',
      sentinelPassword: 'sentinel-pass',
    });
    const sentinels = topology.sentinelAddresses.map(({ host, port }) => ({ host, port }));
    const config = await configFor(
      { host: '127.0.0.1', port: 6379 },
      {
        sentinels,
        sentinelName: topology.name,
        password: 'data-pass',
        sentinelPassword: 'sentinel-pass',
        commandTimeoutMs: 500,
      },
    );
    t.equal(config.roles.main.mode, 'sentinel');
    const manager = await connectedManager(t, config);
    t.equal(await manager.client().set('k', '1'), 'OK');
    t.equal(await manager.withConnection('main', (c) => c.get('k')), '1');
    t.equal(await publishAndReceive(manager), 'hello');
    t.match(manager.health().main, { mode: 'sentinel', status: 'up', server: { role: 'master' } });

    const failedOver = performance.now();
    const promoted = await topology.failover();
    // Writes the old master takes in the instant before it is demoted are lost (Redis
    // replication is asynchronous): wait until a write through the manager lands on the new one.
    let attempt = 0;
    await waitFor(
      'a write through the manager to land on the new master',
      async () => {
        const value = `v${++attempt}`;
        await timed(() => manager.client().set('k', value));
        return (await promoted.call('GET', 'k')) === value;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    const ms = performance.now() - failedOver;
    t.ok(
      ms < 5_000 + 2_000,
      `writes land on the new master ${ms.toFixed(0)} ms after the failover began`,
    );
  },
);

t.test(
  'sentinel: a connection cut short by +switch-master while it asks slow sentinels is restarted',
  async (t) => {
    const topology = await startSentinel(t, { password: 'data-pass' });
    // Sentinels a zone away: every reconnect attempt spends most of its time asking them, so
    // the +switch-master that ends the attempt (ioredis then gives the connection up) lands in it.
    const proxies = await Promise.all(topology.sentinels.map((s) => startProxy(t, s)));
    const config = await configFor(
      { host: '127.0.0.1', port: 6379 },
      {
        sentinels: proxies.map(({ port }) => ({ host: '127.0.0.1', port })),
        sentinelName: topology.name,
        password: 'data-pass',
      },
    );
    const manager = await connectedManager(t, config);
    await manager.subscriber().subscribe('events');
    const victim = await topology.master();
    for (const proxy of proxies) proxy.setLatency(150);
    await victim.kill();
    const promoted = await topology.waitForNewMaster(victim);
    await waitFor('the role to be up again', () => manager.health().main?.status === 'up', {
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    t.equal(await manager.client().set('after', '1'), 'OK');
    t.equal(await promoted.call('GET', 'after'), '1', 'the write landed on the new master');
  },
);
