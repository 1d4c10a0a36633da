import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { CLOCK_READS, CLOCK_RESOLUTION_MS, coarseNow } from '../src/clock.js';

/** Spins until `Date.now()` has moved past `ms` from now, without letting timers run. */
function spin(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() <= until);
}

t.test('coarseNow: one reading for a millisecond, at most CLOCK_READS times', async (t) => {
  await sleep(CLOCK_RESOLUTION_MS * 5); // whatever reading an earlier test left is gone
  const first = coarseNow();
  t.ok(Math.abs(first - Date.now()) <= 1, 'a fresh reading');
  spin(5);
  for (let i = 1; i < CLOCK_READS; i++) t.equal(coarseNow(), first, `reused (${i})`);
  const next = coarseNow();
  t.ok(next >= first + 5, 'read again after CLOCK_READS uses, timers or not');

  await sleep(CLOCK_RESOLUTION_MS * 5);
  const after = coarseNow();
  t.ok(after > next, 'read again once the event loop has run its timers');

  // A stretch of 60 ms that never lets the timer run: the reading still moves every
  // CLOCK_READS calls, and the timer taken as lost is replaced.
  spin(60);
  for (let i = 1; i < CLOCK_READS; i++) coarseNow();
  t.ok(coarseNow() >= after + 60, 'read again, a timer or not');
  await sleep(CLOCK_RESOLUTION_MS * 5);
  t.ok(Math.abs(coarseNow() - Date.now()) <= 1, 'and forgotten by the timers again');
});
