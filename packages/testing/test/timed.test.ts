import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { timed } from '../src/timed.js';

t.test('timed resolves with the value or the error, and the time taken', async (t) => {
  const ok = await timed(async () => {
    await sleep(20);
    return 'v';
  });
  t.equal(ok.value, 'v');
  t.ok(ok.ms >= 15);
  const cause = new Error('boom');
  const failed = await timed(async () => {
    throw cause;
  });
  t.equal(failed.error, cause);
  t.equal(failed.value, undefined);
});
