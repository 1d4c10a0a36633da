import { Redis } from 'ioredis';
import t from 'tap';
import { startSentinel } from '../src/sentinel.js';

t.test('sentinel: clients follow the master through a forced failover and a crash', async (t) => {
  const topology = await startSentinel(t, {
    password: 'data-pass',
    sentinelPassword: 'sentinel-pass',
  });
  t.equal(topology.name, 'mymaster');
  t.equal(topology.sentinels.length, 3);
  const first = await topology.master();
  const replica = await topology.replica();
  t.not(first, replica);

  const client = new Redis({
    sentinels: topology.sentinelAddresses,
    name: topology.name,
    password: 'data-pass',
    sentinelPassword: 'sentinel-pass',
    maxRetriesPerRequest: 1,
  });
  client.on('error', () => {});
  t.teardown(() => client.disconnect());
  t.equal(await client.set('k', '1'), 'OK');

  const promoted = await topology.failover();
  t.equal(promoted, replica, 'the replica is the new master');
  t.equal(await topology.master(), promoted);
  t.equal(await promoted.call('SET', 'k', '2'), 'OK');

  await promoted.kill();
  const third = await topology.waitForNewMaster(promoted);
  t.equal(third, first, 'after the crash the first server is master again');
});

t.test('sentinel without passwords', async (t) => {
  const topology = await startSentinel(t, {
    name: 'other',
    downAfterMs: 500,
    failoverTimeoutMs: 2000,
  });
  const master = await topology.master();
  t.equal(await master.call('PING'), 'PONG');
  t.same(await topology.sentinels[0]?.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'other'), [
    '127.0.0.1',
    String(master.port),
  ]);
  await topology.sentinels[0]?.kill();
  t.equal(await topology.master(), master, 'the remaining sentinels still answer');
});
