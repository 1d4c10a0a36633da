import t from 'tap';
import { runScenario } from './harness/phases.js';

t.test('Redis paused (SIGSTOP) for 3 s under load, then resumed', async (t) => {
  await runScenario(t, {
    name: 'pause',
    inject: ({ redis }) => redis.pause(),
    heal: ({ redis }) => redis.resume(),
  });
});
