import { setTimeout as sleep } from 'node:timers/promises';
import { startRedis, waitFor } from '@redis-infra/testing';
import t from 'tap';
import { appFor } from './helpers.js';

t.test(
  'Redis killed under load: zero 5xx on rate-limited and cached routes, health follows',
  async (t) => {
    const redis = await startRedis(t, { password: 'outage-secret' });
    const { app, logs } = await appFor(
      t,
      redis.connection,
      { rateLimit: { max: 1_000_000, timeWindow: 60_000 }, cache: { ttl: 200, grace: 60_000 } },
      { ENVIRONMENT: 'production' },
    );
    let loads = 0;
    app.get('/limited', async () => ({ ok: true }));
    app.get('/cached', { config: { cache: { key: () => 'cached' } } }, async () => ({
      loads: ++loads,
    }));
    await app.ready();

    const codes = new Map<number, number>();
    let slowest = 0;
    let running = true;
    const worker = async () => {
      while (running) {
        // Requests reach a server through I/O, one event-loop turn at a time. `inject` alone
        // does not: while Redis is down, the insurance limiter and L1 answer without any I/O,
        // and a loop of injects need not let the loop turn (the reconnect timer needs it to).
        await new Promise((resolve) => setImmediate(resolve));
        for (const url of ['/limited', '/cached']) {
          const started = performance.now();
          const { statusCode } = await app.inject(url);
          slowest = Math.max(slowest, performance.now() - started);
          codes.set(statusCode, (codes.get(statusCode) ?? 0) + 1);
        }
      }
    };
    const workers = Array.from({ length: 10 }, worker);

    await sleep(300);
    await redis.kill();
    const killed = performance.now();
    await waitFor('health to fail', async () => (await app.inject('/health')).statusCode === 503, {
      intervalMs: 10,
    });
    const failAfter = performance.now() - killed;
    await sleep(700);
    await redis.restart();
    const restarted = performance.now();
    await waitFor('health to pass', async () => (await app.inject('/health')).statusCode === 200, {
      intervalMs: 10,
      timeoutMs: 5_000,
    });
    const passAfter = performance.now() - restarted;
    await sleep(300);
    running = false;
    await Promise.all(workers);

    const total = [...codes.values()].reduce((a, b) => a + b, 0);
    const errors = [...codes].filter(([code]) => code >= 500).reduce((sum, [, n]) => sum + n, 0);
    t.comment(
      `${total} requests, status counts ${JSON.stringify(Object.fromEntries(codes))}, slowest ${slowest.toFixed(0)} ms, ` +
        `health fail after ${failAfter.toFixed(0)} ms, pass after ${passAfter.toFixed(0)} ms`,
    );
    t.equal(errors, 0, 'no 5xx');
    t.ok(total > 100, 'the load ran');
    t.ok(slowest < 300 + 200, 'no request waited past the command timeout (300 ms) plus slack');
    t.ok(failAfter < 1_000, 'health fails within 1 s');
    t.ok(passAfter < 2_000, 'health passes within 2 s of the restart');
    t.notOk(/outage-secret/.test(logs.text()), 'no password in it (asserted without printing it)');
  },
);
