/** The outage suite's bookkeeping: which phase a request belongs to, and what each phase got. */
import t from 'tap';
import {
  ERROR,
  lastFailureAfter,
  type Marks,
  phaseOf,
  phaseStats,
  quantile,
  type Samples,
  TIMEOUT,
} from '../src/outage/samples.js';

const marks: Marks = { start: 1_000, kill: 2_000, up: 3_000, end: 4_000 };

/** Samples from `[sentAt, latencyMs, status]` rows. */
const samplesOf = (rows: Array<[number, number, number]>): Samples => ({
  sentAt: Float64Array.from(rows.map((r) => r[0])),
  latencyMs: Float64Array.from(rows.map((r) => r[1])),
  status: Int16Array.from(rows.map((r) => r[2])),
  examples: [],
});

t.test(
  'a request belongs to the phase it was sent in, unless the kill caught it in flight',
  async (t) => {
    t.equal(phaseOf(marks, 900, 1), undefined, 'warm-up');
    t.equal(phaseOf(marks, 1_000, 5), 'before');
    t.equal(phaseOf(marks, 1_990, 5), 'before', 'over before the kill');
    t.equal(phaseOf(marks, 1_990, 20), 'during', 'in flight at the kill');
    t.equal(phaseOf(marks, 2_500, 900), 'during', 'sent while Redis was down, answered after');
    t.equal(phaseOf(marks, 3_000, 5), 'after');
    t.equal(phaseOf(marks, 4_000, 5), undefined, 'after the end');
  },
);

t.test('each phase counts statuses and the latency of answered requests', async (t) => {
  const samples = samplesOf([
    [1_100, 2, 200],
    [1_200, 4, 200],
    [1_995, 30, 500],
    [2_100, 1, 200],
    [2_200, 50, 429],
    [2_300, 9, ERROR],
    [2_400, 2_000, TIMEOUT],
    [3_100, 3, 200],
    [3_200, 7, 503],
  ]);
  const [before, during, after] = phaseStats(samples, marks);
  t.match(before, {
    phase: 'before',
    seconds: 1,
    requests: 2,
    perSecond: 2,
    ok: 2,
    p50Ms: 2,
    p99Ms: 4,
  });
  t.match(during, {
    phase: 'during',
    requests: 5,
    ok: 1,
    limited: 1,
    failed: 1,
    errors: 1,
    timeouts: 1,
    p50Ms: 30,
    p99Ms: 50,
  });
  t.match(after, { phase: 'after', requests: 2, ok: 1, failed: 1, p50Ms: 3, p99Ms: 7 });
  t.equal(lastFailureAfter(samples, marks), 207, 'the 503 sent 200 ms after the restart took 7 ms');
  t.equal(lastFailureAfter(samplesOf([[3_100, 3, 200]]), marks), 0, 'no failure after the restart');
});

t.test('quantiles are nearest-rank, null without values', async (t) => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  t.equal(quantile(sorted, 0.5), 50);
  t.equal(quantile(sorted, 0.99), 99);
  t.equal(quantile(new Float64Array(0), 0.5), null);
});
