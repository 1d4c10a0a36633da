/**
 * Smoke check of the bench (what `pnpm test` runs): one short round of every suite against
 * real servers (a 1 s outage, a small memory fill). It asserts that every contender ran and
 * measured work, never how fast or how well: the figures of a 0.5 s round on a shared CI
 * machine mean nothing. Nothing is written to results/.
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
  t.same(
    result.outage.map((run) => run.id),
    ['ours-limited', 'frl-redis', 'frl-redis-skip', 'ours-cached'],
  );
  for (const run of result.outage) {
    t.same(
      run.phases.map((phase) => phase.phase),
      ['before', 'during', 'after'],
    );
    // Healthy before the kill (the suite throws otherwise) and loaded through the outage.
    for (const phase of run.phases) t.ok(phase.requests > 0, `outage ${run.id} ${phase.phase} ran`);
  }
  t.same(
    result.memory.map((fill) => fill.cache),
    ['ours', 'bentocache'],
  );
  for (const fill of result.memory) {
    t.ok(fill.kept > 0 && fill.kept < fill.entries, `memory ${fill.cache}: the byte bound evicted`);
    t.ok(fill.heapGrowth > 0, `memory ${fill.cache} measured the heap`);
  }
  t.match(result.environment, { node: process.version, redis: /Redis server v=/ });
});
