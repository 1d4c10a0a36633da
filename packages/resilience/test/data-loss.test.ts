import t from 'tap';
import { runScenario } from './harness/phases.js';

// The test servers run without persistence (`save ""`, `appendonly no`): a restart comes
// back empty, as a Redis without a volume does.
t.test('Redis restarted empty under load: the apps repopulate it', async (t) => {
  const entry = 'cache:data-loss:entry';
  const result = await runScenario(t, {
    name: 'data-loss',
    faultMs: 0,
    beforeFault: async ({ redis, a }) => {
      await a.app.cache.set('data-loss:entry', 'before', { ttl: 60_000 });
      t.equal(await redis.call('EXISTS', entry), 1, 'a cache entry is in Redis before');
    },
    inject: ({ redis }) => redis.restart(),
    heal: () => {},
    afterHeal: async ({ redis }) => {
      t.equal(await redis.call('EXISTS', entry), 0, 'the restart lost it');
    },
  });
  const { stage, timeline } = result;
  const { beforeFault, atHeal } = timeline.counts;
  t.ok(atHeal < beforeFault, `rate-limit counts start over (${beforeFault} -> ${atHeal})`);

  let loaded = 0;
  const value = await stage.b.app.cache.getOrSet('data-loss:entry', () => {
    loaded++;
    return 'reloaded';
  });
  t.equal(value, 'reloaded', 'the lost entry is a miss: loaded again');
  t.equal(loaded, 1, 'by one loader call');
  t.equal(await stage.redis.call('EXISTS', entry), 1, 'and stored in Redis again');
  t.equal(
    await stage.redis.call('EXISTS', 'cache:route:cached'),
    1,
    'the cached route refilled its entry',
  );
});
