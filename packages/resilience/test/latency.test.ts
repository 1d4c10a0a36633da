import t from 'tap';
import { COMMAND_TIMEOUT_MS } from './harness/app.js';
import { runScenario } from './harness/phases.js';

// 300 ms each way against a 300 ms command timeout: no command can answer in time. Correct
// is: commands time out, the breaker opens (health fails), requests are answered from the
// insurance limiter and the stale L1 entry at once, none waits past the timeout + 100 ms.
t.test('the proxy adds 300 ms of latency for 3 s under load', async (t) => {
  await runScenario(t, {
    name: 'latency',
    proxy: true,
    inject: ({ proxy }) => proxy?.setLatency(COMMAND_TIMEOUT_MS),
    heal: ({ proxy }) => proxy?.setLatency(0),
  });
});
