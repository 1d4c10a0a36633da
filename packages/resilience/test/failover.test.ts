// A master SIGKILLed under load: Sentinel promotes the replica, Cluster promotes the dead
// master's replica. Instance A takes the load; instance B is the second instance the
// recovery checks read through. On Sentinel, B reaches the sentinels over a 50 ms link (the
// sentinels a zone away), so its reconnect attempts are still asking them when
// `+switch-master` arrives.

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigOptions } from '@redis-infra/config-resolver';
import { type Owner, type RedisServer, startProxy, waitFor } from '@redis-infra/testing';
import t, { type Test } from 'tap';
import { BREAKER_COOLDOWN_MS, COMMAND_TIMEOUT_MS, startApp } from './harness/app.js';
import { escaped } from './harness/guards.js';
import { describe, now, summarise } from './harness/load.js';
import {
  firstAt,
  type HealthWatch,
  leftAt,
  ownedLoad,
  spansOf,
  watchClusterDown,
  watchHealth,
} from './harness/probes.js';
import { leakedSecrets } from './harness/secrets.js';
import {
  counterKey,
  masterHolding,
  stackRoutes,
  startTopology,
  type Topology,
} from './harness/topology.js';

interface Kind {
  /**
   * What health says while the master is dead: `fail` when it was the only one; `warn` for
   * one master of a cluster (its slots fail fast, the others serve), except while the
   * cluster itself is down (below).
   */
  trouble: 'fail' | 'warn';
  /** Kills `victim` and resolves with the server promoted in its place. */
  failover(topology: Topology, victim: RedisServer): Promise<RedisServer>;
  /** Config of instance B. */
  configB(owner: Owner, topology: Topology): Promise<ConfigOptions>;
}

const KINDS: Record<'sentinel' | 'cluster', Kind> = {
  sentinel: {
    trouble: 'fail',
    async failover({ sentinel }, victim) {
      await victim.kill();
      return (sentinel as NonNullable<Topology['sentinel']>).waitForNewMaster(victim);
    },
    async configB(owner, { config, sentinel }) {
      const proxies = await Promise.all(
        (sentinel as NonNullable<Topology['sentinel']>).sentinels.map((s) => startProxy(owner, s)),
      );
      for (const proxy of proxies) proxy.setLatency(50);
      return { ...config, sentinels: proxies.map(({ port }) => ({ host: '127.0.0.1', port })) };
    },
  },
  cluster: {
    trouble: 'warn',
    failover: ({ cluster }, victim) =>
      (cluster as NonNullable<Topology['cluster']>).killMaster(victim),
    configB: async (_owner, { config }) => config,
  },
};

const COUNTER = counterKey('/fixed');

async function masterKilledUnderLoad(t: Test, kind: keyof typeof KINDS) {
  const topology = await startTopology(t, kind);
  const routes = stackRoutes(1_000_000);
  const a = await startApp(t, undefined, { plugin: { config: topology.config }, routes });
  const configB = await KINDS[kind].configB(t, topology);
  const b = (await startApp(t, undefined, { plugin: { config: configB }, routes })).app;
  const paths = ['/fixed', '/sliding', '/cached'];
  for (let i = 0; i < 60; i++) await a.app.inject(paths[i % 3] as string); // warm-up, unmeasured
  const load = ownedLoad(t, a.url, { paths, connections: 10 });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  t.teardown(() => loop.disable());
  await sleep(1_000);
  const health = [watchHealth(t, a.app), watchHealth(t, b)];

  const victim = await masterHolding(topology, COUNTER); // on Cluster: the counters' master
  const survivors =
    kind === 'cluster' ? (await topology.masters()).filter((m) => m.port !== victim.port) : [];
  const clusterDown = watchClusterDown(t, survivors);
  const killedAt = now();
  const promoted = await KINDS[kind].failover(topology, victim);
  const promotedAt = now();
  /** When recovery does not come: what each instance's manager and connection say. */
  const diagnose = (error: unknown): never => {
    for (const [name, app] of Object.entries({ A: a.app, B: b })) {
      const { status, lastError } = app.redisManager.health().main ?? {};
      const connection = app.redisManager.client('main').status;
      t.comment(`${name}: role ${status}, ioredis ${connection}, last error ${lastError?.message}`);
    }
    throw error;
  };
  const wait = { intervalMs: 10, timeoutMs: 5_000 };
  const baseline = Number(await promoted.call('GET', COUNTER));
  const countedAt = await waitFor(
    'counts to grow in Redis',
    async () => Number(await promoted.call('GET', COUNTER)) > baseline && now(),
    wait,
  ).catch(diagnose);
  await waitFor('health to pass', () => health.every((h) => h.status === 'pass'), wait).catch(
    diagnose,
  );
  await sleep(1_000);
  const samples = await load.stop();
  for (const h of health) await h.stop();
  await clusterDown.stop();

  const phases = {
    before: summarise(samples, { to: killedAt }),
    during: summarise(samples, { from: killedAt, to: promotedAt }),
    after: summarise(samples, { from: promotedAt }),
  };
  for (const [name, phase] of Object.entries(phases)) t.comment(describe(name, phase));
  const { trouble } = KINDS[kind];
  /** From the promotion to health's last turn away from `trouble` (0 when it was before). */
  const passAfter = ({ changes }: HealthWatch) =>
    Math.max(0, leftAt(changes, trouble) - promotedAt);
  const figures = {
    healthTrouble: (firstAt(health[0]?.changes ?? [], trouble, killedAt) ?? Number.NaN) - killedAt,
    promoted: promotedAt - killedAt,
    healthPass: passAfter(health[0] as HealthWatch),
    bPass: passAfter(health[1] as HealthWatch),
    countsBack: countedAt - promotedAt,
  };
  const round = (n: number) => n.toFixed(0);
  t.comment(
    `health says ${trouble} ${round(figures.healthTrouble)} ms after the kill; promotion ${round(figures.promoted)} ms ` +
      `after it; then health passes in ${round(figures.healthPass)} ms (B: ${round(figures.bPass)} ms), ` +
      `counts reach Redis in ${round(figures.countsBack)} ms; app event loop delay ` +
      `p99 ${round(loop.percentile(99) / 1e6)} ms, max ${round(loop.max / 1e6)} ms`,
  );

  t.ok(
    Object.values(phases).every((p) => p.requests > 100),
    'load ran in every phase',
  );
  for (const path of paths)
    t.equal(summarise(samples, { path }).errors, 0, `no 5xx and no failed request on ${path}`);
  t.ok(
    summarise(samples).max < COMMAND_TIMEOUT_MS + 100,
    'no request past the command timeout + 100 ms',
  );
  t.ok(figures.healthTrouble < 1_000, `health says ${trouble} within 1 s of the kill`);
  if (trouble === 'warn') {
    // Redis' default `cluster-require-full-coverage yes`: once the dead master is marked
    // failed, every node answers CLUSTERDOWN for every key until the promotion (~0.8 s here).
    // Health may say `fail` then, and only then: one breaker cooldown after the cluster is
    // back, the probe closes the breaker.
    const down = clusterDown.spans.map(
      (s) => `${round(s.from - killedAt)}-${round(s.to - killedAt)} ms`,
    );
    const fails = health.map(({ changes }) => spansOf(changes, 'fail').length);
    t.comment(
      `the cluster answered CLUSTERDOWN ${down.join(', ') || 'never'} after the kill; ` +
        `health said fail ${fails[0]} times on A, ${fails[1]} on B`,
    );
    const within = ({ from, to }: { from: number; to: number }) =>
      clusterDown.spans.some((d) => from >= d.from - 50 && to <= d.to + BREAKER_COOLDOWN_MS + 300);
    const unexplained = health.flatMap(({ changes }) =>
      spansOf(changes, 'fail').filter((span) => !within(span)),
    );
    if (unexplained.length > 0) {
      // Say when, and which checks, relative to the kill.
      health.forEach(({ changes }, i) => {
        const timeline = changes.map(
          (c) =>
            `${round(c.at - killedAt)} ms ${c.status}${c.failing.length ? ` (${c.failing.join(', ')})` : ''}`,
        );
        t.comment(`${i === 0 ? 'A' : 'B'} health: ${timeline.join(' -> ')}`);
      });
    }
    t.equal(
      unexplained.length,
      0,
      'one master of three lost fails health only while the whole cluster answers CLUSTERDOWN',
    );
  }
  t.ok(figures.healthPass < 2_000, 'health passes within 2 s of the promotion');
  t.ok(figures.bPass < 2_000, 'and on the second instance');
  t.ok(figures.countsBack < 2_000, 'rate-limit counts reach Redis within 2 s of the promotion');

  const counted = Number(await promoted.call('GET', COUNTER));
  for (const app of [a.app, b]) for (let i = 0; i < 5; i++) await app.inject('/fixed');
  t.equal(
    Number(await promoted.call('GET', COUNTER)),
    counted + 10,
    'both instances count in Redis',
  );
  await a.app.cache.set('after-failover', { kind });
  t.same(
    await b.cache.get('after-failover'),
    { kind },
    'a cache write is visible to the other instance',
  );
  t.same(escaped(), [], 'no unhandled rejection or uncaught exception');
}

t.test('Sentinel: the master killed under load, the replica promoted', (t) =>
  masterKilledUnderLoad(t, 'sentinel'),
);
t.test('Cluster: a master killed under load, its replica promoted', (t) =>
  masterKilledUnderLoad(t, 'cluster'),
);
t.test('no secret leaked', async (t) => t.same(leakedSecrets(), []));
