import t from 'tap';
import { fullJitter } from '../src/backoff.js';

t.test('full jitter stays between 0 and the exponential ceiling, capped', async (t) => {
  for (let attempt = 1; attempt <= 40; attempt++) {
    const ceiling = Math.min(2_000, 50 * 2 ** (attempt - 1));
    for (let i = 0; i < 50; i++) {
      const delay = fullJitter(attempt);
      t.ok(delay >= 0 && delay <= ceiling, `attempt ${attempt}: ${delay} <= ${ceiling}`, {
        diagnostic: false,
      });
    }
  }
  const delays = Array.from({ length: 200 }, () => fullJitter(20, { baseMs: 10, maxMs: 100 }));
  t.ok(Math.max(...delays) <= 100);
  t.ok(new Set(delays).size > 10, 'jittered, not constant');
});
