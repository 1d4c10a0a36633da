import t from 'tap';
import { sweepPeriod } from '../src/deadline.js';

t.test('the sweep runs at a quarter of the deadline, between 5 and 25 ms', async (t) => {
  t.equal(sweepPeriod(1_000), 25);
  t.equal(sweepPeriod(60), 15);
  t.equal(sweepPeriod(8), 5);
});
