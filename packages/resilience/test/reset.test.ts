import t from 'tap';
import { runScenario } from './harness/phases.js';

// Every 500 ms the proxy resets (TCP RST) every connection, while auto-pipelined commands of
// the 10 load connections are in flight on them; the sixth reset is the heal: recovery is
// measured from the last one.
t.test('connections reset mid-pipeline, six times in 2.5 s under load', async (t) => {
  let timer: NodeJS.Timeout | undefined;
  t.teardown(() => clearInterval(timer));
  await runScenario(t, {
    name: 'reset',
    proxy: true,
    faultMs: 2_500,
    inject: ({ proxy }) => {
      proxy?.resetAll();
      timer = setInterval(() => proxy?.resetAll(), 500);
    },
    heal: ({ proxy }) => {
      clearInterval(timer);
      proxy?.resetAll();
    },
  });
});
