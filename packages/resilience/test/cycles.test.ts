import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, waitFor } from '@redis-infra/testing';
import { LogController } from 'fastify';
import t from 'tap';
import { startApp } from './harness/app.js';
import { escaped } from './harness/guards.js';
import { type Load, startLoad, summarise } from './harness/load.js';
import { rateLimitCount } from './harness/probes.js';
import { type Resources, trackResources } from './harness/resources.js';

const CYCLES = 10;
/** Average heap growth per cycle (cycle 2 to 10) above which the test calls it a leak. */
const HEAP_PER_CYCLE = 64 * 1024;

function describeResources(cycle: number, r: Resources, logBytes: number): string {
  const { manager, client, subscriber, process } = r.listeners;
  return (
    `cycle ${cycle}: heap ${(r.heap / 1024).toFixed(0)} KB (captured log ${logBytes} B), ` +
    `timers ${r.timers}, TCP handles ${r.sockets}, active ${JSON.stringify(r.active)}, ` +
    `listeners: manager ${manager}, client ${client}, subscriber ${subscriber}, process ${process}`
  );
}

t.test(
  '10 kill/restart cycles under load leave no growing listeners, timers or heap',
  async (t) => {
    const resources = trackResources(t);
    const redis = await startRedis(t);
    // Request logging off and the plugin at info: the captured log (kept in memory to scan for
    // secrets) would otherwise grow with the load and the debug lines, not with the plugin.
    const { app, url, logs } = await startApp(t, redis.connection, {
      fastify: { logController: new LogController({ disableRequestLogging: true }) },
      plugin: { logLevel: 'info' },
    });
    const health = async () => (await app.inject('/health')).statusCode;
    let load: Load | undefined;
    t.teardown(() => load?.stop());
    const seen: Resources[] = [];
    let requests = 0;
    let errors = 0;

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      load = startLoad(url, { paths: ['/limited', '/cached'], connections: 10 });
      await sleep(200);
      await redis.kill();
      await sleep(300);
      await redis.restart();
      const atRestart = await rateLimitCount(redis);
      await waitFor('counts in Redis', async () => (await rateLimitCount(redis)) > atRestart, {
        intervalMs: 10,
      });
      await waitFor('health to pass', async () => (await health()) === 200, { intervalMs: 10 });
      await sleep(100);
      const summary = summarise(await load.stop());
      load = undefined;
      requests += summary.requests;
      errors += summary.errors;
      await sleep(200); // the load's sockets close on the server's side too
      const snapshot = await resources.snapshot(app);
      seen.push(snapshot);
      t.comment(describeResources(cycle, snapshot, logs.text().length));
    }

    const first = seen[1] as Resources; // cycle 1 warms up: JIT, the first reconnect
    const last = seen[CYCLES - 1] as Resources;
    const perCycle = (last.heap - first.heap) / (CYCLES - 2);
    t.comment(
      `cycle 2 -> ${CYCLES}: heap ${(perCycle / 1024).toFixed(1)} KB a cycle, timers ` +
        `${first.timers} -> ${last.timers}, TCP handles ${first.sockets} -> ${last.sockets}; ` +
        `${requests} requests, ${errors} errors`,
    );

    t.equal(errors, 0, 'no 5xx and no failed request in any cycle');
    t.same(last.listeners, first.listeners, 'listener counts do not grow');
    t.ok(last.timers <= first.timers + 1, 'live timers do not grow');
    t.ok(last.sockets <= first.sockets, 'TCP handles do not grow');
    t.ok(perCycle < HEAP_PER_CYCLE, 'heap grows by less than 64 KB a cycle');
    t.same(escaped(), [], 'no unhandled rejection or uncaught exception');
  },
);
