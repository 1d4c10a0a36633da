// Two app instances on one Redis (standalone, then Cluster) share each limit exactly, with
// both algorithms: N requests pass across both instances, every later one gets a 429.
import t from 'tap';
import { startApp } from './harness/app.js';
import { escaped } from './harness/guards.js';
import { leakedSecrets } from './harness/secrets.js';
import { counterKey, keysOf, stackRoutes, startTopology } from './harness/topology.js';

const N = 10;

for (const kind of ['standalone', 'cluster'] as const) {
  t.test(`${kind}: two instances share rate-limit counts exactly`, async (t) => {
    const topology = await startTopology(t, kind);
    const options = { plugin: { config: topology.config }, routes: stackRoutes(N) };
    const a = (await startApp(t, undefined, options)).app;
    const b = (await startApp(t, undefined, options)).app;
    /** Sends `count` requests to `path` from `ip`, alternating instances (all at once when `burst`). */
    const send = async (path: string, ip: string, count: number, burst: boolean) => {
      const one = async (i: number) =>
        (await (i % 2 ? b : a).inject({ url: path, remoteAddress: ip })).statusCode;
      if (burst) return Promise.all(Array.from({ length: count }, (_, i) => one(i)));
      const codes: number[] = [];
      for (let i = 0; i < count; i++) codes.push(await one(i));
      return codes;
    };

    for (const path of ['/fixed', '/sliding']) {
      const codes = await send(path, '10.0.0.1', 2 * N, false);
      t.same(
        codes,
        [...Array(N).fill(200), ...Array(N).fill(429)],
        `${path}: ${N} allowed across both, then 429s`,
      );
      const burst = await send(path, '10.0.0.2', 3 * N, true);
      const allowed = burst.filter((code) => code === 200).length;
      t.comment(`${path}, ${3 * N} requests at once across both: ${allowed} allowed`);
      t.equal(allowed, N, `${path}: a concurrent burst across both also gets exactly ${N}`);
      t.equal(burst.filter((code) => code === 429).length, 2 * N, 'and the rest 429');
    }
    const keys = await keysOf(topology);
    const counters = ['/fixed', '/sliding'].map((path) => counterKey(path, '10.0.0.2'));
    t.same(
      keys.filter((key) => key.includes('{10.0.0.2}')).sort(),
      counters,
      'one hash-tagged counter per route and client, on one node',
    );
    t.same(escaped(), [], 'no unhandled rejection or uncaught exception');
  });
}

t.test('no secret leaked', async (t) => t.same(leakedSecrets(), []));
