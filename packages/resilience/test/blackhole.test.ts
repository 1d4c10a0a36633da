import t from 'tap';
import { runScenario } from './harness/phases.js';

t.test('the proxy blackholes Redis for 3 s under load, then restores it', async (t) => {
  await runScenario(t, {
    name: 'blackhole',
    proxy: true,
    inject: ({ proxy }) => proxy?.blackhole(),
    heal: ({ proxy }) => proxy?.restore(),
  });
});
