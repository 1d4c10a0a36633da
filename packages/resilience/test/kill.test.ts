import t from 'tap';
import { runScenario } from './harness/phases.js';

t.test('Redis SIGKILLed for 3 s under load, then restarted', async (t) => {
  await runScenario(t, {
    name: 'kill',
    inject: ({ redis }) => redis.kill(),
    heal: ({ redis }) => redis.restart(),
  });
});
