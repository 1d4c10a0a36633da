/**
 * Smoke check of the bench (what `pnpm test` runs): one short round of every suite against
 * real servers. It asserts that every contender ran and measured work, never how fast: the
 * figures of a 0.5 s round on a shared CI machine mean nothing. Nothing is written to results/.
 */
import t from 'tap';
import { runBench } from '../src/run.js';
import { QUICK } from '../src/settings.js';

t.test('quick mode runs every contender of every suite', async (t) => {
  const result = await runBench(QUICK, (line) => t.comment(line));
  t.same(
    result.suites.map((suite) => suite.suite),
    [
      'micro:get',
      'micro:rate-limit',
      'micro:cache-l1',
      'micro:cache-l2',
      'micro:cache-miss',
      'micro:cache-get-many',
      'http',
    ],
  );
  for (const suite of result.suites) {
    for (const measurement of suite.measurements) {
      t.ok(measurement.median > 0, `${suite.suite} ${measurement.label} measured work`);
    }
    for (const row of suite.rows) {
      t.ok(Number.isFinite(row.ratio), `${suite.suite} ${row.id} has a ratio`);
    }
  }
  t.match(result.environment, { node: process.version, redis: /Redis server v=/ });
});
