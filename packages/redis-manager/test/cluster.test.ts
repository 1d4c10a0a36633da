import { setTimeout as sleep } from 'node:timers/promises';
import { startCluster, waitFor } from '@redis-infra/testing';
import { Cluster } from 'ioredis';
import t from 'tap';
import { LostMasters } from '../src/lost-masters.js';
import {
  configFor,
  connectedManager,
  managerFor,
  publishAndReceive,
  recordEvents,
  timed,
} from './helpers.js';

t.test('cluster: keys across all slots; commands succeed again after a master dies', async (t) => {
  const cluster = await startCluster(t, { password: 'cluster-pass' });
  const settings = {
    clusterNodes: cluster.startupNodes,
    password: 'cluster-pass',
    commandTimeoutMs: 1_000,
    connectTimeoutMs: 3_000,
  };
  const config = await configFor({ host: '127.0.0.1', port: 6379 }, settings);
  t.equal(config.roles.main.mode, 'cluster');
  const manager = await connectedManager(t, config);
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

  // Cluster commands carry their own deadline timer: a read that timed out is sent once more.
  const retrying = managerFor(
    t,
    await configFor(
      { host: '127.0.0.1', port: 6379 },
      {
        clusterNodes: cluster.startupNodes,
        password: 'cluster-pass',
        commandTimeoutMs: 150,
        connectTimeoutMs: 3_000,
        retryOnTimeout: true,
      },
    ),
    { breaker: { failureThreshold: 100 } },
  );
  await retrying.connect();
  const masters = await cluster.masters();
  for (const master of masters) master.pause();
  const read = timed(() => retrying.client().get('key:1'));
  await sleep(200);
  for (const master of masters) master.resume();
  t.equal((await read).value, 'key:1', 'a read that timed out answers through its retry');
  await retrying.client().hset('hash', 'a', '1');
  await t.rejects(retrying.client().get('hash'), /WRONGTYPE/, 'other failures are not retried');

  /** Reads every key; the failures. (Values are Redis' business: replication is asynchronous.) */
  const unread = async () =>
    (await Promise.all(keys.map((key) => timed(() => manager.client().get(key))))).filter(
      (read) => read.error,
    );
  // A ready connection the server drops (an idle timeout, CLIENT KILL) is connected again at
  // once: its master is not lost. (Commands in flight on it fail, as on standalone.)
  const events = recordEvents(manager);
  await (masters[0] as (typeof masters)[number]).call('CLIENT', 'KILL', 'TYPE', 'normal');
  await waitFor('every key to be read again', async () => (await unread()).length === 0, {
    intervalMs: 10,
    timeoutMs: 1_000,
  });
  t.match(manager.health().main, { status: 'up', cluster: { lostMasters: [] } });
  const lost = (payload: Record<string, unknown>) => /lost the cluster/.test(String(payload.error));
  t.notOk(
    events.some(([event, payload]) => event === 'error' && lost(payload)),
    'the master was never lost',
  );

  // A manager idle through the failover (no periodic check) that never connected to the master
  // killed: connecting runs a few keyless commands on random masters (and one more health
  // check once ready, not awaited), so the victim is a master the first such manager skipped.
  const idleConfig = await configFor(
    { host: '127.0.0.1', port: 6379 },
    { ...settings, healthCheckIntervalMs: 0 },
  );
  const untouched = (candidate: typeof manager) =>
    (candidate.client() as unknown as Cluster)
      .nodes('master')
      .filter((node) => node.status === 'wait')
      .map((node) => node.options.port);
  let idleManager: typeof manager | undefined;
  let victimPort: number | undefined;
  for (let tries = 0; tries < 100 && idleManager === undefined; tries++) {
    const candidate = await connectedManager(t, idleConfig);
    if (untouched(candidate).length > 0) {
      await sleep(300); // the health check after ready is over
      victimPort = untouched(candidate)[0];
    }
    if (victimPort === undefined) await candidate.close();
    else idleManager = candidate;
  }
  if (idleManager === undefined) throw new Error('every manager connected to every master');

  // A master killed: the manager loses its connection at once, while the cluster takes 1.5 s
  // (cluster-node-timeout) to notice and promote the replica. Meanwhile its slots fail fast
  // and the role is degraded; the other masters' slots are served as before.
  const victim = (await cluster.masters()).find(
    (m) => m.port === victimPort,
  ) as (typeof masters)[number];
  const lostMaster = `127.0.0.1:${victim.port}`;
  // Two connections that never use the victim before it dies (the slot table read at connect
  // goes through a connection of its own, and no ready check runs): one is first used before
  // the promotion, the other after it, with the slot table it read before the kill.
  const idle = async () => {
    const client = new Cluster(cluster.startupNodes, {
      redisOptions: { password: 'cluster-pass' },
      enableReadyCheck: false,
      retryDelayOnFailover: 0, // as the manager's: what it does not retry fails at once
    });
    t.teardown(() => client.disconnect());
    const lost: string[] = [];
    new LostMasters(client, (master) => lost.push(master));
    await waitFor('an idle connection to be ready', () => client.status === 'ready');
    return { client, lost };
  };
  const [early, late] = [await idle(), await idle()];
  const idleEvents = recordEvents(idleManager);
  const promotion = cluster.killMaster(victim);
  await waitFor('the master to be lost', () => manager.state() === 'degraded');
  t.match(manager.health().main, { status: 'degraded', cluster: { lostMasters: [lostMaster] } });
  // Its slots fail fast at once; the loss is reported once the slot table, read again, still
  // names it (a round trip later), after the failures of the commands held for it. (The last
  // error may change again later: a keyless health check can land on the dead node.)
  const reported = () =>
    events.find(([event, payload]) => event === 'error' && lost(payload))?.[1] as
      | { error: Error }
      | undefined;
  await waitFor('the loss to be reported', reported);
  t.match(reported()?.error.message, `lost the cluster master ${lostMaster}`);
  const reads = await Promise.all(keys.map((key) => timed(() => manager.client().get(key))));
  const failed = reads.filter((read) => read.error !== undefined);
  t.ok(
    failed.length > 0 && failed.length < keys.length,
    `${failed.length} of 300 keys are on the lost master`,
  );
  for (const read of failed) {
    t.match(read.error, { code: 'E_REDIS_UNAVAILABLE', message: /master of its slot .* is lost/ });
    t.ok(read.ms < 50, `failed in ${read.ms.toFixed(1)} ms`);
  }
  // A transaction (MULTI and EXEC have no key: the pipeline's slot decides) and a pipeline
  // for a lost slot fail whole; nothing of theirs reaches a live master's connection, whose
  // replies stay in step.
  const lostKey = keys[reads.findIndex((read) => read.error)] as string;
  await t.rejects(manager.client().multi().set(lostKey, 'x').exec(), /is lost/);
  const piped = (await manager.client().pipeline().get(lostKey).incr(lostKey).exec()) ?? [];
  t.ok(
    piped.length === 2 && piped.every(([error]) => /is lost/.test(String(error))),
    'every command of the pipeline failed',
  );
  const live = keys.filter((_, i) => !reads[i]?.error);
  t.same(await Promise.all(live.map((key) => manager.client().get(key))), live);
  t.equal(manager.health().main?.breaker, 'closed', 'one master lost is not the cluster down');
  // The idle connection's first commands for the dead master wait for its connection, which
  // is refused; the slot table, read again then, still names it: it is lost, and they fail.
  // A pipeline's commands stay together.
  const [single, pipeline] = await Promise.all([
    timed(() => early.client.set(lostKey, 'x')),
    early.client.pipeline().set(lostKey, 'x').get(lostKey).exec(),
  ]);
  t.match(single.error, /Connection is closed/);
  t.ok(
    pipeline?.length === 2 &&
      pipeline.every(([error]) => /Connection is closed/.test(String(error))),
    'the pipeline failed whole',
  );
  t.same(early.lost, [lostMaster], 'the idle connection lost the master');
  t.ok((manager.health().main?.successRate ?? 1) < 1, 'the refused calls count as failures');
  await promotion;
  const promotedAt = performance.now();
  await waitFor('the role to be whole again', () => manager.state() === 'up');
  const whole = performance.now() - promotedAt;
  t.ok(whole < 2_000, `up ${whole.toFixed(0)} ms after the promotion`);
  t.same(manager.health().main?.cluster?.lostMasters, []);
  t.same(await unread(), [], 'every slot is served by the promoted replica');
  // A connection idle through the whole failover sends its first command for those slots to
  // the dead master; refused, the command goes on to the promoted replica the table now names.
  // A command sent to that node itself (keyless: SCAN of every master) means nothing on
  // another: it fails.
  const deadNode = late.client.nodes('master').find((node) => node.options.port === victim.port);
  const [written, scanned] = await Promise.all([
    late.client.set(lostKey, 'late'),
    timed(() => (deadNode as NonNullable<typeof deadNode>).scan('0')),
  ]);
  t.equal(written, 'OK', 'sent on to the promoted replica');
  t.match(scanned.error, /Connection is closed/, 'the node-targeted SCAN is not sent elsewhere');
  t.same(late.lost, [], 'the master was found again by the first read of the slot table');
  t.equal(await late.client.get(lostKey), 'late');
  // The same through the manager: its guard admitted the command once, its deadline runs.
  t.equal(await idleManager.client().set(lostKey, 'managed'), 'OK', 'the idle manager too');
  t.equal(await manager.client().get(lostKey), 'managed');
  t.notOk(
    idleEvents.some(([event, payload]) => event === 'error' && lost(payload)),
    'and it never reported the master lost',
  );
  t.equal(idleManager.state(), 'up');
  t.equal(await manager.client().set('after', '1'), 'OK');

  // A master restarted in place: it is tried again (its commands are not sent, so nothing
  // else would connect to it) and owns its slots again. (Should the restart take longer
  // than cluster-node-timeout, its replica is promoted instead, and found the same way.)
  await cluster.waitForHealthy();
  const bounced = (await cluster.masters()).find((m) => m.port !== victim.port) as typeof victim;
  await bounced.kill();
  await waitFor('the second master to be lost', () => manager.state() === 'degraded');
  await bounced.start();
  const restartedAt = performance.now();
  await waitFor('the master to be found again', () => manager.state() === 'up');
  const found = performance.now() - restartedAt;
  t.ok(found < 1_000, `up ${found.toFixed(0)} ms after the restart`);
  await cluster.waitForHealthy(); // the cluster's own view (CLUSTERDOWN until then)
  t.equal(await manager.client().set('after', '2'), 'OK');
  t.same(await unread(), [], 'every slot is served again (the restarted master came back empty)');
});
